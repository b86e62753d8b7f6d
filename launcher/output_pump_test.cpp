#include "output_pump.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>

#include "common/event_loop.h"
#include "filtered_log.h"

namespace refrun {

namespace {

std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

void run_for(common::EventLoop& loop, int ms) {
  loop.add_timer(std::chrono::milliseconds(ms), [&] { loop.stop(); });
  loop.run();
}

// A console pipe (read end non-blocking) and a worker pipe.
struct Pipes {
  int in[2], console[2];
  Pipes() {
    EXPECT_EQ(pipe(in), 0);
    EXPECT_EQ(pipe2(console, O_NONBLOCK), 0);
    // Room for a whole 64 KiB fragment plus its prefix, so the console
    // never has to queue in these tests.
    fcntl(in[1], F_SETPIPE_SZ, 1 << 20);
    fcntl(console[1], F_SETPIPE_SZ, 1 << 20);
  }
  ~Pipes() {
    if (in[1] >= 0) close(in[1]);
    close(console[0]);
    close(console[1]);
  }
  void worker_writes(const std::string& s) {
    ASSERT_EQ(write(in[1], s.data(), s.size()), static_cast<ssize_t>(s.size()));
  }
};

}  // namespace

TEST(OutputPump, PrefixesWholeLinesAndCopiesRawBytesToTheFile) {
  common::EventLoop loop;
  Pipes p;
  ConsoleSink console(loop, p.console[1], "stdout");
  char path[] = "/tmp/refrun_pump_XXXXXX";
  int file = mkstemp(path);
  {
    OutputPump pump(loop, p.in[0], dup(file), console, "[w0]:");
    p.worker_writes("hel");
    pump.drain();
    EXPECT_EQ(read_all(p.console[0]), "");  // no newline yet and no delay passed
    p.worker_writes("lo\nsecond\nthi");
    pump.drain();
    EXPECT_EQ(read_all(p.console[0]), "[w0]:hello\n[w0]:second\n");
    p.worker_writes("rd");
    pump.close();  // a final line without newline still arrives
    EXPECT_EQ(read_all(p.console[0]), "[w0]:third\n");
  }
  lseek(file, 0, SEEK_SET);
  EXPECT_EQ(read_all(file), "hello\nsecond\nthird");
  close(file);
  unlink(path);
}

TEST(OutputPump, LoopDeliversDataUntilEof) {
  common::EventLoop loop;
  Pipes p;
  ConsoleSink console(loop, p.console[1], "stdout");
  OutputPump pump(loop, p.in[0], -1, console, "> ");
  p.worker_writes("a\nb\n");
  close(p.in[1]);
  p.in[1] = -1;
  run_for(loop, 100);
  EXPECT_EQ(read_all(p.console[0]), "> a\n> b\n");
}

// A progress bar: the fragment reaches the console within the delay, while
// the worker still runs; its continuation follows without a prefix, byte
// for byte (non-UTF-8 included).
TEST(OutputPump, FragmentGoesOutAfterTheDelayAndContinuesItsLine) {
  common::EventLoop loop;
  Pipes p;
  ConsoleSink console(loop, p.console[1], "stdout");
  OutputPump pump(loop, p.in[0], -1, console, "[w0]:");
  p.worker_writes("\rprogress 3/10");
  auto start = std::chrono::steady_clock::now();
  run_for(loop, 20);
  EXPECT_EQ(read_all(p.console[0]), "");  // within the delay the line may still complete
  run_for(loop, 100);
  EXPECT_EQ(read_all(p.console[0]), "[w0]:\rprogress 3/10");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));
  p.worker_writes("\rprogress \xff\xfe 4/10\ndone\n");
  run_for(loop, 20);
  EXPECT_EQ(read_all(p.console[0]), "\rprogress \xff\xfe 4/10\n[w0]:done\n");
}

TEST(OutputPump, AnotherWriterEndsTheOpenLineAndTheContinuationIsPrefixedAgain) {
  common::EventLoop loop;
  Pipes a, b;
  ConsoleSink console(loop, a.console[1], "stdout");
  OutputPump pa(loop, a.in[0], -1, console, "[a]:");
  OutputPump pb(loop, b.in[0], -1, console, "[b]:");
  a.worker_writes("half");
  run_for(loop, 100);
  b.worker_writes("line\n");
  run_for(loop, 20);
  a.worker_writes(" rest\n");
  run_for(loop, 20);
  EXPECT_EQ(read_all(a.console[0]), "[a]:half\n[b]:line\n[a]: rest\n");
}

TEST(OutputPump, LineWithoutNewlineIsNeverBufferedPastTheCap) {
  common::EventLoop loop;
  Pipes p;
  ConsoleSink console(loop, p.console[1], "stdout");
  OutputPump pump(loop, p.in[0], -1, console, "[w0]:");
  std::string chunk(OutputPump::kMaxLine, 'x');
  p.worker_writes(chunk);
  pump.drain();  // no delay passed: the cap alone sends it
  std::string got = read_all(p.console[0]);
  EXPECT_TRUE(got == "[w0]:" + chunk) << got.size() << " bytes";
  p.worker_writes(chunk);
  pump.drain();
  got = read_all(p.console[0]);
  EXPECT_TRUE(got == chunk) << got.size() << " bytes";  // continues the same console line
}

TEST(OutputPump, FilteredLogGetsWholeMatchingLinesPrefixed) {
  common::EventLoop loop;
  Pipes p;
  ConsoleSink console(loop, p.console[1], "stdout");
  char dir[] = "/tmp/refrun_filter_XXXXXX";
  ASSERT_TRUE(mkdtemp(dir));
  {
    auto log = open_filtered_log(dir, "stdout", {"apple", "a,b"});
    OutputPump pump(loop, p.in[0], -1, console, "[w1]:", log);
    p.worker_writes("an apple\nno\nx a,b y\npine");
    run_for(loop, 100);  // "pine" goes out as a fragment
    p.worker_writes("apple\n");
    pump.close();
  }
  int fd = open((std::string(dir) + "/filtered_stdout.log").c_str(), O_RDONLY);
  EXPECT_EQ(read_all(fd), "[w1]:an apple\n[w1]:x a,b y\n[w1]:pineapple\n");
  close(fd);
  std::string cmd = std::string("rm -rf ") + dir;
  ASSERT_EQ(system(cmd.c_str()), 0);
}

}  // namespace refrun
