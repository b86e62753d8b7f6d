// One failed expectation: the vocabulary between the checks that find it
// (checks/) and the reports that print it (report/).
#pragma once

#include <string>

namespace launchcheck {

struct CheckFailure {
  std::string check;  // e.g. "exit n0", "env WORLD_SIZE"
  std::string expected;
  std::string actual;
};

}  // namespace launchcheck
