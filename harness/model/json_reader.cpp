#include "json_reader.h"

#include <fstream>
#include <sstream>

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

}  // namespace

Json parse_json_text(const std::string& text, const std::string& name) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw std::runtime_error(name + ":" + line_col(text, e.byte) + ": " +
                             short_parse_message(e.what()));
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

std::optional<double> ObjectReader::number(const std::string& key) {
  const Json* v = get(key);
  if (!v) return std::nullopt;
  if (!v->is_number()) field_error(pointer(key), "expected a number, got " + json_type_name(*v));
  return v->get<double>();
}

std::optional<long long> ObjectReader::integer(const std::string& key) {
  const Json* v = get(key);
  if (!v) return std::nullopt;
  if (!v->is_number_integer())
    field_error(pointer(key), "expected an integer, got " + json_type_name(*v));
  return v->get<long long>();
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

std::optional<std::vector<int>> ObjectReader::integers(const std::string& key) {
  const Json* v = get(key);
  if (!v) return std::nullopt;
  if (!v->is_array()) field_error(pointer(key), "expected an array of integers");
  std::vector<int> out;
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_number_integer())
      field_error(pointer(key) + "/" + std::to_string(i),
                  "expected an integer, got " + json_type_name((*v)[i]));
    out.push_back((*v)[i].get<int>());
  }
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
