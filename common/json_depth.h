// How deep a JSON text nests, found by scanning its bytes, before any parser
// builds a value from it. nlohmann's parser is iterative, but copying,
// dumping and comparing a value recurse once per level: a document nested
// 100,000 deep (400 KB) overflows the stack of whoever copies it. Readers of
// untrusted JSON reject such text here, with the offset for their message.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace common {

// The byte offset of the first '[' or '{' that opens level max_depth + 1
// (the outermost array or object is level 1), or nullopt when the text stays
// within max_depth. Brackets inside strings do not count (escapes honoured);
// the text need not be valid JSON.
std::optional<size_t> json_nesting_exceeded(std::string_view text, size_t max_depth);

}  // namespace common
