// The regexes of scenarios (output, env, output_matches triggers), on RE2:
// matching takes time linear in the text whatever the pattern, so a
// pattern like (a*)*b cannot stall the judge or the fault scheduler the way
// std::regex's backtracking did. The syntax is std::regex's ECMAScript
// minus what needs backtracking (backreferences, lookaround): such a
// pattern is a validation error naming RE2's reason. Byte semantics
// (Latin-1), as std::regex over char: any console bytes are text.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace launchcheck {

class Regex {
 public:
  // Throws std::invalid_argument with RE2's reason when it cannot compile.
  explicit Regex(const std::string& pattern);
  // Anywhere in `text` (std::regex_search).
  bool search(std::string_view text) const;
  // The same, with the text of the first group in `group`.
  bool search(std::string_view text, std::string* group) const;
  // The whole of `text` (std::regex_match).
  bool full_match(std::string_view text) const;
  const std::string& pattern() const { return pattern_; }

 private:
  std::string pattern_;
  std::shared_ptr<const re2::RE2> re_;  // shared: scenarios are copied
};

}  // namespace launchcheck
