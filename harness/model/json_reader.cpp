#include "json_reader.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include "common/json_depth.h"

namespace launchcheck {

namespace {

// nlohmann reports a byte offset; people want line:col.
std::string line_col(const std::string& text, size_t byte) {
  if (byte > text.size()) byte = text.size();
  size_t line = 1, col = 1;
  for (size_t i = 0; i + 1 < byte; ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return std::to_string(line) + ":" + std::to_string(col);
}

// Strips nlohmann's "[json.exception.parse_error.101] parse error at line 1,
// column 2: " prefix, keeping the explanation.
std::string short_parse_message(const std::string& what) {
  auto pos = what.find(": ");
  std::string rest = pos == std::string::npos ? what : what.substr(pos + 2);
  return rest;
}

// "[json.exception.out_of_range.406] number overflow parsing '1e400'" ->
// "number overflow parsing '1e400'".
std::string without_exception_tag(const std::string& what) {
  auto pos = what.find("] ");
  return what.rfind('[', 0) == 0 && pos != std::string::npos ? what.substr(pos + 2) : what;
}

// nlohmann reports a number it cannot hold (1e400) without a position:
// the first occurrence of its text is where it is.
std::string overflow_position(const std::string& text, const std::string& what) {
  auto open = what.find('\'');
  auto close = what.rfind('\'');
  if (open == std::string::npos || close <= open) return " ";
  auto at = text.find(what.substr(open + 1, close - open - 1));
  return at == std::string::npos ? " " : line_col(text, at + 1) + ": ";
}

}  // namespace

Json parse_json_text(const std::string& text, const std::string& name) {
  if (auto at = common::json_nesting_exceeded(text, kMaxJsonDepth))
    throw std::runtime_error(name + ":" + line_col(text, *at + 1) + ": nesting deeper than " +
                             std::to_string(kMaxJsonDepth) + " levels");
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw std::runtime_error(name + ":" + line_col(text, e.byte) + ": " +
                             short_parse_message(e.what()));
  } catch (const Json::exception& e) {
    throw std::runtime_error(name + ":" + overflow_position(text, e.what()) +
                             without_exception_tag(e.what()));
  }
}

Json parse_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot read file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_json_text(ss.str(), path);
}

void field_error(const std::string& pointer, const std::string& message) {
  throw JsonFieldError(pointer.empty() ? "/" : pointer, message);
}

std::string json_type_name(const Json& j) {
  return j.type_name();
}

ObjectReader::ObjectReader(const Json& j, std::string pointer)
    : j_(j), pointer_(std::move(pointer)) {
  if (!j_.is_object()) field_error(pointer_, "expected an object, got " + json_type_name(j_));
}

const Json* ObjectReader::get(const std::string& key) {
  seen_.insert(key);
  auto it = j_.find(key);
  return it == j_.end() ? nullptr : &*it;
}

std::optional<std::string> ObjectReader::string(const std::string& key) {
  const Json* v = get(key);
  if (!v) return std::nullopt;
  if (!v->is_string()) field_error(pointer(key), "expected a string, got " + json_type_name(*v));
  return v->get<std::string>();
}

namespace {
std::string number_text(double d) {
  std::ostringstream o;
  o << d;
  return o.str();
}
}  // namespace

std::optional<double> ObjectReader::number(const std::string& key, double lo, double hi) {
  const Json* v = get(key);
  if (!v) return std::nullopt;
  if (!v->is_number()) field_error(pointer(key), "expected a number, got " + json_type_name(*v));
  double d = v->get<double>();
  if (!std::isfinite(d) || d < lo || d > hi)
    field_error(pointer(key), "expected a number from " + number_text(lo) + " to " +
                                  number_text(hi) + ", got " + v->dump());
  return d;
}

long long checked_integer(const Json& v, const std::string& pointer, long long lo, long long hi) {
  if (!v.is_number_integer())
    field_error(pointer, "expected an integer, got " + json_type_name(v));
  // get<long long>() of 2^64-1 wraps, get<int>() of 2^32 gives 0.
  bool in_range = v.is_number_unsigned()
                      ? hi >= 0 && v.get<unsigned long long>() <= static_cast<unsigned long long>(hi) &&
                            static_cast<long long>(v.get<unsigned long long>()) >= lo
                      : v.get<long long>() >= lo && v.get<long long>() <= hi;
  if (!in_range)
    field_error(pointer, "expected an integer from " + std::to_string(lo) + " to " +
                             std::to_string(hi) + ", got " + v.dump());
  return v.get<long long>();
}

std::optional<long long> ObjectReader::integer(const std::string& key, long long lo, long long hi) {
  const Json* v = get(key);
  if (!v) return std::nullopt;
  return checked_integer(*v, pointer(key), lo, hi);
}

std::optional<bool> ObjectReader::boolean(const std::string& key) {
  const Json* v = get(key);
  if (!v) return std::nullopt;
  if (!v->is_boolean())
    field_error(pointer(key), "expected true or false, got " + json_type_name(*v));
  return v->get<bool>();
}

std::optional<std::vector<std::string>> ObjectReader::strings(const std::string& key) {
  const Json* v = get(key);
  if (!v) return std::nullopt;
  if (!v->is_array()) field_error(pointer(key), "expected an array of strings");
  std::vector<std::string> out;
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string())
      field_error(pointer(key) + "/" + std::to_string(i),
                  "expected a string, got " + json_type_name((*v)[i]));
    out.push_back((*v)[i].get<std::string>());
  }
  return out;
}

std::optional<std::vector<int>> ObjectReader::integers(const std::string& key, int lo, int hi) {
  const Json* v = get(key);
  if (!v) return std::nullopt;
  if (!v->is_array()) field_error(pointer(key), "expected an array of integers");
  std::vector<int> out;
  for (size_t i = 0; i < v->size(); ++i)
    out.push_back(static_cast<int>(
        checked_integer((*v)[i], pointer(key) + "/" + std::to_string(i), lo, hi)));
  return out;
}

std::string ObjectReader::required_string(const std::string& key) {
  auto s = string(key);
  if (!s) field_error(pointer(key), "missing required field");
  return *s;
}

void ObjectReader::finish() const {
  for (auto it = j_.begin(); it != j_.end(); ++it) {
    if (!seen_.count(it.key())) field_error(pointer(it.key()), "unknown key \"" + it.key() + "\"");
  }
}

}  // namespace launchcheck
