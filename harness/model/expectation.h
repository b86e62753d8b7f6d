// A scenario's `expect`, as the model carries it. Each key is read (and
// judged) by its check in checks/ (the table in checks/registry.cpp); the
// model hands it the JSON and keeps what comes back without knowing its type,
// so a new check touches nothing here.
#pragma once

#include <any>
#include <functional>
#include <string>
#include <vector>

#include "json_reader.h"
#include "substitution.h"

namespace launchcheck {

// One key of `expect`, read by its check: `spec` holds that check's own
// struct, placeholders substituted and regexes compiled.
struct Expectation {
  std::string key;
  std::any spec;
};

// What a reader of `expect` gets.
struct ExpectSource {
  const Json* expect = nullptr;    // the object; nullptr when the scenario has none
  std::string pointer;             // "/expect"
  std::vector<std::string> nodes;  // node names, for cross-references
  Substitution& subs;              // checking names on load, real values before a run
};

// Reads every key; throws JsonFieldError naming the bad field.
using ExpectReader = std::function<std::vector<Expectation>(const ExpectSource&)>;

}  // namespace launchcheck
