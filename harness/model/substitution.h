// What happens to the placeholders in a scenario's strings ({tmp},
// {port:NAME}, ...: placeholders.h). Loading a scenario only checks their
// names (PlaceholderCheck); before a run the real values go in
// (Placeholders), once, like lit's substitutions, so nothing after that
// resolves a placeholder or picks a port.
#pragma once

#include <optional>
#include <string>

#include "scenario_regex.h"

namespace launchcheck {

class Substitution {
 public:
  virtual ~Substitution() = default;
  // The text with its placeholders replaced. Throws std::runtime_error for an
  // unknown or unclosed one.
  virtual std::string text(const std::string& s) = 0;
  // For regexes, where {3} is a quantifier: only known placeholders are
  // replaced. nullopt when the regex cannot be compiled yet (while loading,
  // for one that holds a per-run value).
  virtual std::optional<std::string> regex_text(const std::string& s) = 0;
};

// Loading: checks placeholder names and leaves the text as it is.
class PlaceholderCheck : public Substitution {
 public:
  std::string text(const std::string& s) override;
  std::optional<std::string> regex_text(const std::string& s) override;
};

// A field's text, substituted; throws JsonFieldError at `pointer`.
std::string substitute(Substitution& subs, const std::string& s, const std::string& pointer);
// The same, checking names only (what loading does).
std::string checked(const std::string& s, const std::string& pointer);
// A field's regex, substituted and compiled; nullopt while it cannot be
// compiled yet (PlaceholderCheck). Throws JsonFieldError at `pointer`.
std::optional<Regex> compile_regex(Substitution& subs, const std::string& re,
                                        const std::string& pointer);

}  // namespace launchcheck
