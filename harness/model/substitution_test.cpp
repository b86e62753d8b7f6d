#include "substitution.h"

#include <gtest/gtest.h>

#include "json_reader.h"
#include "placeholders.h"

namespace launchcheck {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const JsonFieldError& e) {
    return e.pointer() + ": " + e.what();
  }
  return "";
}

TEST(Substitution, LoadingChecksNamesAndKeepsTheText) {
  PlaceholderCheck check;
  EXPECT_EQ(substitute(check, "{tmp}/x", "/p"), "{tmp}/x");
  EXPECT_EQ(error_of([&] { substitute(check, "{tpm}", "/p"); }), "/p: unknown placeholder {tpm}");
  EXPECT_EQ(checked("a{{b}}", "/q"), "a{{b}}");
}

TEST(Substitution, RegexesWithPerRunValuesCompileOnlyBeforeTheRun) {
  PlaceholderCheck check;
  EXPECT_FALSE(compile_regex(check, "port {port:x}", "/r"));
  EXPECT_TRUE(compile_regex(check, "x{3}", "/r"));
  EXPECT_EQ(error_of([&] { compile_regex(check, "(", "/r"); }).rfind("/r: invalid regex \"(\"", 0),
            0u);

  Placeholders ph({{"tmp", "/t"}}, [] { return 4242; });
  auto re = compile_regex(ph, "^:{port:x} in {tmp}$", "/r");
  ASSERT_TRUE(re);
  EXPECT_TRUE(re->full_match(":4242 in /t"));
  EXPECT_EQ(substitute(ph, "{port:x}", "/p"), "4242");
}

}  // namespace
}  // namespace launchcheck
