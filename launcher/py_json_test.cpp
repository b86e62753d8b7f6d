#include "py_json.h"

#include <gtest/gtest.h>

namespace refrun {
namespace {

using nlohmann::ordered_json;

// What Python's json.dumps(obj) prints for the same value: ", " and ": "
// separators, keys in insertion order, non-ASCII escaped as \uXXXX.
TEST(PythonJsonDumps, SeparatorsAndKeyOrderAsJsonDumps) {
  ordered_json v = ordered_json::parse(R"({"b": 1, "a": [1, "x", null, true], "c": {}})");
  EXPECT_EQ(python_json_dumps(v), R"({"b": 1, "a": [1, "x", null, true], "c": {}})");
}

TEST(PythonJsonDumps, NestedObjectsAndEmptyContainers) {
  ordered_json v = {{"message", {{"message", "RuntimeError: boom"}, {"errorCode", -11}}},
                    {"list", ordered_json::array()}};
  EXPECT_EQ(python_json_dumps(v),
            R"({"message": {"message": "RuntimeError: boom", "errorCode": -11}, "list": []})");
}

TEST(PythonJsonDumps, NonAsciiEscapedLikeEnsureAscii) {
  ordered_json v = {{"k\u00e9", "\u00e9\u20ac\n"}};
  EXPECT_EQ(python_json_dumps(v), R"({"k\u00e9": "\u00e9\u20ac\n"})");
}

TEST(PythonJsonDumps, InvalidUtf8IsReplacedNotThrown) {
  ordered_json v = std::string("bad \xff");
  EXPECT_NO_THROW(python_json_dumps(v));
  EXPECT_EQ(python_json_dumps(v), "\"bad \\ufffd\"");
}

}  // namespace
}  // namespace refrun
