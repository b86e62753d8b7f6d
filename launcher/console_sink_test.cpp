#include "console_sink.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>

namespace refrun {

namespace {

struct Recorder : ConsoleSink::Waiter {
  int resumed = 0;
  void resume() override { ++resumed; }
};

void run_for(common::EventLoop& loop, double s) {
  loop.add_timer(std::chrono::milliseconds(static_cast<int>(s * 1000)), [&] { loop.stop(); });
  loop.run();
}

}  // namespace

// A pipe nobody reads: writing never blocks, the console turns congested,
// then stalled, and from then on what does not fit is dropped and counted.
TEST(ConsoleSink, UnreadPipeNeverBlocksAndDropsOnceStalled) {
  common::EventLoop loop;
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  std::vector<std::string> notices;
  ConsoleSink sink(loop, p[1], "stdout", [&](const std::string& l) { notices.push_back(l); });
  // The shared description keeps its flags: only our own reopen is non-blocking.
  EXPECT_EQ(fcntl(p[1], F_GETFL) & O_NONBLOCK, 0);
  std::string unit(4096, 'x');
  auto start = std::chrono::steady_clock::now();
  while (!sink.congested()) sink.write(nullptr, unit);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  Recorder pump;
  sink.wait(&pump);
  run_for(loop, ConsoleSink::kStallSeconds + 0.5);
  EXPECT_EQ(pump.resumed, 1);  // stalled: the pumps go on, dropping
  EXPECT_FALSE(sink.congested());
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_NE(notices[0].find("stdout is not being read"), std::string::npos);
  sink.write(nullptr, unit);
  EXPECT_EQ(sink.dropped_bytes(), unit.size());
  start = std::chrono::steady_clock::now();
  uint64_t dropped = sink.flush(0.2);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_GT(dropped, ConsoleSink::kQueueCap);  // the queue could not go either
  EXPECT_NE(notices.back().find("dropped " + std::to_string(dropped) + " bytes"),
            std::string::npos);
  close(p[0]);
  close(p[1]);
}

// A slow reader loses nothing: the queue drains as it reads.
TEST(ConsoleSink, QueuedOutputGoesOutInOrderWhenTheConsoleReads) {
  common::EventLoop loop;
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  ConsoleSink sink(loop, p[1], "stdout");
  std::string expect;
  for (int i = 0; i < 40; ++i) {
    std::string unit = std::to_string(i) + ":" + std::string(8000, 'a' + i % 26) + "\n";
    sink.write(nullptr, unit);
    expect += unit;
  }
  std::string got;
  fcntl(p[0], F_SETFL, O_NONBLOCK);
  for (int i = 0; i < 200 && got.size() < expect.size(); ++i) {
    char buf[16384];
    ssize_t n = read(p[0], buf, sizeof buf);
    if (n > 0) got.append(buf, static_cast<size_t>(n));
    run_for(loop, 0.005);
  }
  EXPECT_EQ(got, expect);
  EXPECT_EQ(sink.flush(0.1), 0u);
  close(p[0]);
  close(p[1]);
}

TEST(ConsoleSink, AnOpenLineIsEndedWhenSomeoneElseWrites) {
  common::EventLoop loop;
  int p[2];
  ASSERT_EQ(pipe2(p, O_NONBLOCK), 0);
  ConsoleSink sink(loop, p[1], "stderr");
  int a = 0, b = 0;
  sink.write(&a, "[a]:frag", true);
  EXPECT_EQ(sink.open_line_owner(), &a);
  sink.write(&a, "ment", true);  // the owner continues: no newline
  sink.write(&b, "[b]:x\n");
  sink.write_line("refrun: y\n");
  char buf[256];
  ssize_t n = read(p[0], buf, sizeof buf);
  EXPECT_EQ(std::string(buf, static_cast<size_t>(n)), "[a]:fragment\n[b]:x\nrefrun: y\n");
  EXPECT_EQ(sink.open_line_owner(), nullptr);
  close(p[0]);
  close(p[1]);
}

TEST(ConsoleSink, RegularFileIsWrittenDirectly) {
  common::EventLoop loop;
  char path[] = "/tmp/refrun_sink_XXXXXX";
  int fd = mkstemp(path);
  {
    ConsoleSink sink(loop, fd, "stdout");
    sink.write(nullptr, "hello\n");
    EXPECT_FALSE(sink.congested());
  }
  char buf[16];
  EXPECT_EQ(pread(fd, buf, sizeof buf, 0), 6);
  close(fd);
  unlink(path);
}

}  // namespace refrun
