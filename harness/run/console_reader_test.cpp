#include "console_reader.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

namespace launchcheck {
namespace {

TEST(ConsoleReader, KeepsEverythingAndHandsBackWholeLines) {
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  std::string sink;
  ConsoleReader r(p[0], &sink);
  ASSERT_EQ(write(p[1], "one\ntw", 6), 6);
  EXPECT_EQ(r.read_available(), std::vector<std::string>{"one"});
  EXPECT_TRUE(r.read_available().empty());  // nothing more yet, and no block
  ASSERT_EQ(write(p[1], "o\n", 2), 2);
  EXPECT_EQ(r.read_available(), std::vector<std::string>{"two"});
  close(p[1]);
  r.read_available();
  EXPECT_TRUE(r.at_eof());
  EXPECT_FALSE(r.open());
  EXPECT_EQ(sink, "one\ntwo\n");
}

TEST(ConsoleReader, DrainReadsToTheEndAndCloses) {
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  std::string sink;
  ConsoleReader r(p[0], &sink);
  ASSERT_EQ(write(p[1], "last words", 10), 10);
  close(p[1]);
  drain_consoles({&r}, 2000);
  EXPECT_EQ(sink, "last words");
  EXPECT_EQ(r.fd(), -1);
}

// A writer that escaped keeps its pipe open: the drain gives up.
TEST(ConsoleReader, DrainDoesNotWaitForAnEscapedWriter) {
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  std::string sink;
  ConsoleReader r(p[0], &sink);
  drain_consoles({&r}, 2000);
  EXPECT_EQ(r.fd(), -1);
  close(p[1]);
}

}  // namespace
}  // namespace launchcheck
