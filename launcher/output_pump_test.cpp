#include "output_pump.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "common/event_loop.h"

namespace refrun {

namespace {
std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}
}  // namespace

TEST(OutputPump, PrefixesWholeLinesAndCopiesRawBytesToTheFile) {
  common::EventLoop loop;
  int in[2], console[2];
  ASSERT_EQ(pipe(in), 0);
  ASSERT_EQ(pipe2(console, O_NONBLOCK), 0);
  char path[] = "/tmp/refrun_pump_XXXXXX";
  int file = mkstemp(path);
  {
    OutputPump pump(loop, in[0], dup(file), console[1], "[w0]:");
    ASSERT_EQ(write(in[1], "hel", 3), 3);
    pump.drain();
    EXPECT_EQ(read_all(console[0]), "");  // no newline yet: nothing on the console
    ASSERT_EQ(write(in[1], "lo\nsecond\nthi", 13), 13);
    pump.drain();
    EXPECT_EQ(read_all(console[0]), "[w0]:hello\n[w0]:second\n");
    ASSERT_EQ(write(in[1], "rd", 2), 2);
    close(in[1]);
    pump.close();  // a final line without newline still arrives
    EXPECT_EQ(read_all(console[0]), "[w0]:third\n");
  }
  lseek(file, 0, SEEK_SET);
  EXPECT_EQ(read_all(file), "hello\nsecond\nthird");
  close(file);
  unlink(path);
  close(console[0]);
  close(console[1]);
}

TEST(OutputPump, LoopDeliversDataUntilEof) {
  common::EventLoop loop;
  int in[2], console[2];
  ASSERT_EQ(pipe(in), 0);
  ASSERT_EQ(pipe2(console, O_NONBLOCK), 0);
  OutputPump pump(loop, in[0], -1, console[1], "> ");
  ASSERT_EQ(write(in[1], "a\nb\n", 4), 4);
  close(in[1]);
  loop.run();  // returns once EOF unwatched the pipe
  EXPECT_EQ(read_all(console[0]), "> a\n> b\n");
  close(console[0]);
  close(console[1]);
}

// A stream without newlines is not buffered whole (issue 12: 4 x 200 MiB
// held 1.27 GB): at kMaxConsoleLine the bytes held go out as a line, before
// the stream ends, and every byte arrives exactly once.
TEST(OutputPump, LineWithoutNewlineIsCutAtTheCap) {
  common::EventLoop loop;
  int in[2], console[2];
  ASSERT_EQ(pipe(in), 0);
  ASSERT_EQ(pipe2(console, O_NONBLOCK), 0);
  fcntl(console[1], F_SETPIPE_SZ, 1 << 20);
  fcntl(in[1], F_SETPIPE_SZ, 1 << 20);
  OutputPump pump(loop, in[0], -1, console[1], "> ");
  std::string blob(2 * kMaxConsoleLine + 100, 'x');
  ASSERT_EQ(write(in[1], blob.data(), blob.size()), static_cast<ssize_t>(blob.size()));
  pump.drain();
  std::string cap(kMaxConsoleLine, 'x');
  EXPECT_EQ(read_all(console[0]), "> " + cap + "\n> " + cap + "\n");
  // The 100 bytes held and the rest of a line of exactly the cap, with its
  // newline: one line, no empty one after it.
  std::string rest(kMaxConsoleLine - 100, 'x');
  std::string more = rest + "\nend\n";
  ASSERT_EQ(write(in[1], more.data(), more.size()), static_cast<ssize_t>(more.size()));
  pump.drain();
  EXPECT_EQ(read_all(console[0]), "> " + cap + "\n> end\n");
  close(in[1]);
  pump.close();
  close(console[0]);
  close(console[1]);
}

}  // namespace refrun
