#include "scenario_regex.h"

#include <re2/re2.h>

#include <stdexcept>

namespace launchcheck {

namespace {
re2::RE2::Options options() {
  re2::RE2::Options o;
  o.set_encoding(re2::RE2::Options::EncodingLatin1);
  o.set_log_errors(false);
  // Bounds the compiled program too: x{1000}{1000} is an error, not 1 GB.
  o.set_max_mem(8 << 20);
  return o;
}
}  // namespace

Regex::Regex(const std::string& pattern)
    : pattern_(pattern), re_(std::make_shared<const re2::RE2>(pattern, options())) {
  if (!re_->ok())
    throw std::invalid_argument(re_->error() +
                                " (the linear-time engine RE2 has no backreferences or lookaround)");
}

bool Regex::search(std::string_view text) const {
  return re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

bool Regex::search(std::string_view text, std::string* group) const {
  return re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re_, group);
}

bool Regex::full_match(std::string_view text) const {
  return re2::RE2::FullMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

}  // namespace launchcheck
