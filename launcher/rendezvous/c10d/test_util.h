// Test helper: run a EventLoop until a test callback says stop, with a
// generous safety net so a broken test fails instead of hanging.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "common/event_loop.h"

namespace refrun {

// Runs until `done()` is true after some event, or `limit` passes. Returns
// done(). The check runs every 5 ms of loop time: a test convenience only.
inline bool run_until(common::EventLoop& loop, const std::function<bool()>& done,
                      std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  auto deadline = common::EventLoop::Clock::now() + limit;
  std::function<void()> check;
  common::EventLoop::TimerId timer = 0;
  check = [&] {
    if (done() || common::EventLoop::Clock::now() >= deadline) {
      loop.stop();
      return;
    }
    timer = loop.add_timer(std::chrono::milliseconds(5), check);
  };
  timer = loop.add_timer(std::chrono::milliseconds(0), check);
  loop.run();
  loop.cancel_timer(timer);
  return done();
}

// A frame around `body` exactly as given (no JSON check): for sending what
// a hostile client would.
inline std::string raw_frame(const std::string& body) {
  std::string f;
  uint32_t n = static_cast<uint32_t>(body.size());
  for (int shift : {24, 16, 8, 0}) f.push_back(static_cast<char>((n >> shift) & 0xff));
  return f + body;
}

}  // namespace refrun
