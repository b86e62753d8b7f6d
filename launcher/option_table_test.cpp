// The option table holds together: names, PET_ variables, defaults, help.
#include "option_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace refrun {

TEST(OptionTable, PetNamesAndBothSpellingsFollowTheLongName) {
  std::set<std::string> seen;
  for (const OptionRow& row : option_table()) {
    std::string name = long_name(row);
    std::string pet = "PET_";
    for (char c : name.substr(2)) pet += c == '-' ? '_' : static_cast<char>(std::toupper(c));
    // Upstream reads no variable for --numa-binding (no action=env).
    if (name == "--numa-binding")
      EXPECT_EQ(row.pet, nullptr);
    else
      EXPECT_EQ(row.pet, pet) << name;
    EXPECT_TRUE(seen.insert(name).second) << name << " twice";
    std::string underscored = name;
    std::replace(underscored.begin() + 2, underscored.end(), '-', '_');
    auto spellings = long_spellings(row);
    EXPECT_NE(std::find(spellings.begin(), spellings.end(), underscored), spellings.end())
        << name << " lacks " << underscored;
  }
  // torchrun's 30 options (upstream main) and --stop-timeout
  EXPECT_EQ(seen.size(), 31u);
}

TEST(OptionTable, DefaultsAreLaunchConfigsDefaults) {
  LaunchConfig expected;
  expected.script = "s";
  EXPECT_EQ(parse_command_line({"s"}, {}).config, expected);
  // The same defaults given through PET_*: every default parses.
  Environment env;
  for (const OptionRow& row : option_table())
    if (row.default_value && row.pet) env[row.pet] = row.default_value;
  EXPECT_EQ(parse_command_line({"s"}, env).config, expected);
}

TEST(OptionTable, HelpShowsEveryDefault) {
  std::string help = parse_command_line({"--help"}, {}).text;
  for (const OptionRow& row : option_table()) {
    EXPECT_NE(help.find(long_name(row)), std::string::npos) << long_name(row);
    if (!row.default_value) continue;
    EXPECT_NE(help.find(std::string("(default ") + row.default_value + ")"), std::string::npos)
        << long_name(row);
  }
}

}  // namespace refrun
