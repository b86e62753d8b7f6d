#include "placeholders.h"

#include <set>
#include <stdexcept>

#include "common/free_port.h"

namespace launchcheck {
namespace {

const std::set<std::string> kNames = {"tmp",          "port",           "rdzv_id",
                                      "fixture",      "python_fixture", "shell_fixture",
                                      "scenario_dir", "build",          "cpus"};

bool known_name(const std::string& key) {
  if (kNames.count(key)) return true;
  // {env:NAME}: the agent's environment before the node's own changes.
  if (key.rfind("env:", 0) == 0 && key.size() > 4) {
    for (char c : key.substr(4))
      if (!isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    return true;
  }
  if (key.rfind("port:", 0) == 0 && key.size() > 5) {
    for (char c : key.substr(5))
      if (!isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
    return true;
  }
  return false;
}

}  // namespace

Placeholders::Placeholders(std::map<std::string, std::string> values,
                           std::function<int()> port_source)
    : values_(std::move(values)), port_source_(std::move(port_source)) {
  if (!port_source_) port_source_ = [] { return common::pick_free_port("127.0.0.1"); };
}

void Placeholders::set(const std::string& key, const std::string& value) { values_[key] = value; }

int Placeholders::port(const std::string& name) {
  auto it = ports_.find(name);
  if (it != ports_.end()) return it->second;
  // Two names must never share a port, even if the kernel hands one back.
  int p = 0;
  for (int tries = 0; tries < 50; ++tries) {
    p = port_source_();
    bool taken = false;
    for (auto& [n, q] : ports_) taken = taken || q == p;
    if (!taken) break;
  }
  ports_[name] = p;
  return p;
}

bool Placeholders::lookup(const std::string& key, std::string* out) {
  if (key == "port") {
    *out = std::to_string(port(""));
    return true;
  }
  if (key.rfind("port:", 0) == 0 && known_name(key)) {
    *out = std::to_string(port(key.substr(5)));
    return true;
  }
  auto it = values_.find(key);
  if (it == values_.end() && key.rfind("env:", 0) == 0 && known_name(key)) {
    *out = "";  // unset variables read as empty, like the shell
    return true;
  }
  if (it == values_.end()) return false;
  *out = it->second;
  return true;
}

std::string Placeholders::resolve(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      out += c;
      ++i;
      continue;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    size_t end = text.find('}', i);
    if (end == std::string::npos) throw std::runtime_error("unclosed '{' in \"" + text + "\"");
    std::string key = text.substr(i + 1, end - i - 1), value;
    if (!lookup(key, &value)) throw std::runtime_error("unknown placeholder {" + key + "}");
    out += value;
    i = end;
  }
  return out;
}

std::string Placeholders::resolve_regex(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{') {
      size_t end = text.find('}', i);
      std::string value;
      if (end != std::string::npos && known_name(text.substr(i + 1, end - i - 1)) &&
          lookup(text.substr(i + 1, end - i - 1), &value)) {
        out += value;
        i = end;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

std::string check_placeholders(const std::string& text) {
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      ++i;
      continue;
    }
    if (c != '{') continue;
    size_t end = text.find('}', i);
    if (end == std::string::npos) return "unclosed '{'";
    std::string key = text.substr(i + 1, end - i - 1);
    if (!known_name(key)) return "unknown placeholder {" + key + "}";
    i = end;
  }
  return "";
}

}  // namespace launchcheck
