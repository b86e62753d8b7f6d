// C++20 coroutines on common::EventLoop, so the etcd backend reads like
// torchrun's etcd_rendezvous.py (loops, retries, exceptions) while nothing
// blocks: every co_await is a point where the agent's loop runs on.
//
//   Task<int> f() { co_await sleep_for(loop, 1s); co_return 1; }
//   RootTask root(loop, g(), [](std::exception_ptr e) { ... });  // starts g
//
// A Task starts when awaited (or when a RootTask starts it) and resumes its
// awaiter when it finishes; an exception travels up like a return value.
// Cancelling is destroying: dropping a RootTask destroys the whole chain of
// frames, and each leaf awaiter (a timer, an HTTP exchange) releases what it
// registered with the loop in its destructor.
//
// GCC 12 trap (measured with ASan): an aggregate temporary in a co_await
// expression or passed by value to a coroutine (`co_await f({"GET", path})`,
// `f(Req{...})`, `co_await c.request({"host", port}, ...)`) is destroyed
// twice, and a braced list of string literals there does not compile
// ("array used as initializer"). Pass named locals.
#pragma once

#include <coroutine>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "common/event_loop.h"

namespace refrun::etcd {

namespace detail {

struct PromiseBase {
  std::coroutine_handle<> continuation;
  std::exception_ptr error;
  // Set only on a root task: told (from the loop, never inline) that it ended.
  std::function<void()> on_root_done;

  std::suspend_always initial_suspend() noexcept { return {}; }
  struct Final {
    bool await_ready() noexcept { return false; }
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
      PromiseBase& p = h.promise();
      if (p.continuation) return p.continuation;
      if (p.on_root_done) p.on_root_done();  // only schedules; see RootTask
      return std::noop_coroutine();
    }
    void await_resume() noexcept {}
  };
  Final final_suspend() noexcept { return {}; }
  void unhandled_exception() { error = std::current_exception(); }
};

template <class T>
struct Promise : PromiseBase {
  std::optional<T> value;
  void return_value(T v) { value = std::move(v); }
  T take() {
    if (error) std::rethrow_exception(error);
    return std::move(*value);
  }
};

template <>
struct Promise<void> : PromiseBase {
  void return_void() {}
  void take() {
    if (error) std::rethrow_exception(error);
  }
};

}  // namespace detail

template <class T = void>
class [[nodiscard]] Task {
 public:
  struct promise_type : detail::Promise<T> {
    Task get_return_object() { return Task(Handle::from_promise(*this)); }
  };
  using Handle = std::coroutine_handle<promise_type>;

  Task(Task&& other) noexcept : h_(std::exchange(other.h_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      reset();
      h_ = std::exchange(other.h_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { reset(); }

  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
    h_.promise().continuation = awaiting;
    return h_;
  }
  T await_resume() { return h_.promise().take(); }

  Handle handle() const { return h_; }

 private:
  explicit Task(Handle h) : h_(h) {}
  void reset() {
    if (h_) h_.destroy();
    h_ = {};
  }
  Handle h_;
};

// Owns and starts a top-level task; `done` is called from the loop (a zero
// timer, so never inside the task's own frames) with the exception it ended
// with, or null. Destroying the RootTask before then cancels everything.
class RootTask {
 public:
  using Done = std::function<void(std::exception_ptr)>;

  RootTask(common::EventLoop& loop, Task<void> task, Done done)
      : loop_(loop), task_(std::move(task)), done_(std::move(done)) {
    std::weak_ptr<bool> alive = alive_;
    task_.handle().promise().on_root_done = [this, alive] {
      timer_ = loop_.add_timer(std::chrono::milliseconds(0), [this, alive] {
        if (!alive.lock()) return;
        timer_ = 0;
        finished_ = true;
        auto done = std::move(done_);
        std::exception_ptr error = task_.handle().promise().error;
        if (done) done(error);  // may destroy this RootTask
      });
    };
    task_.handle().resume();
  }
  ~RootTask() {
    *alive_ = false;
    if (timer_) loop_.cancel_timer(timer_);
  }
  RootTask(const RootTask&) = delete;
  RootTask& operator=(const RootTask&) = delete;

  bool finished() const { return finished_; }

 private:
  common::EventLoop& loop_;
  Task<void> task_;
  Done done_;
  common::EventLoop::TimerId timer_ = 0;
  bool finished_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// co_await sleep_for(loop, d): resumes after d on the loop.
class SleepFor {
 public:
  SleepFor(common::EventLoop& loop, common::EventLoop::Clock::duration d) : loop_(loop), d_(d) {}
  ~SleepFor() {
    if (timer_) loop_.cancel_timer(timer_);
  }
  SleepFor(const SleepFor&) = delete;
  SleepFor& operator=(const SleepFor&) = delete;

  bool await_ready() const noexcept { return d_ <= common::EventLoop::Clock::duration::zero(); }
  void await_suspend(std::coroutine_handle<> h) {
    timer_ = loop_.add_timer(d_, [this, h] {
      timer_ = 0;
      h.resume();
    });
  }
  void await_resume() const noexcept {}

 private:
  common::EventLoop& loop_;
  common::EventLoop::Clock::duration d_;
  common::EventLoop::TimerId timer_ = 0;
};

inline SleepFor sleep_for(common::EventLoop& loop, common::EventLoop::Clock::duration d) {
  return SleepFor(loop, d);
}

}  // namespace refrun::etcd
