#include "template_substitute.h"

#include <gtest/gtest.h>

namespace refrun {

TEST(TemplateSubstitute, AsPythonsSafeSubstitute) {
  std::vector<std::pair<std::string, std::string>> v{{"local_rank", "3"}, {"role", "w"}};
  EXPECT_EQ(template_substitute("x${local_rank}y", v), "x3y");
  EXPECT_EQ(template_substitute("$role-$local_rank", v), "w-3");
  EXPECT_EQ(template_substitute("$unknown ${unknown} $$ $", v), "$unknown ${unknown} $ $");
  EXPECT_EQ(template_substitute("${local_rank", v), "${local_rank");  // unclosed: kept
}

}  // namespace refrun
