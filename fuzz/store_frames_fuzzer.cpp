// libFuzzer target: the bytes a client of the c10d store sends, through the
// real store (frame decoder, request handler, key-value store, rounds) on a
// loopback connection. The store must answer or hang up, never crash, and
// nothing may overflow (ASan, UBSan).
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "common/event_loop.h"
#include "rendezvous/c10d/socket.h"
#include "rendezvous/c10d/store_server.h"

namespace {

struct Store {
  common::EventLoop loop;
  std::unique_ptr<refrun::C10dStoreServer> server;
  Store() {
    std::string err;
    bool in_use = false;
    int fd = refrun::listen_c10d("127.0.0.1", 0, err, in_use);
    if (fd < 0) abort();
    server = std::make_unique<refrun::C10dStoreServer>(loop, fd, refrun::C10dServerOptions{});
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Store* store = new Store;  // one store for the whole run, like a long-lived host
  std::string err;
  int fd = refrun::start_connect("127.0.0.1", store->server->port(), err);
  if (fd < 0) abort();
  size_t sent = 0;
  bool done = false;
  auto& loop = store->loop;
  // Write everything, half-close, then read until the store hangs up (it
  // does once it has read the end of our stream).
  loop.watch_fd(
      fd,
      [&](uint32_t ev) {
        if ((ev & EPOLLOUT) && sent < size) {
          ssize_t n = send(fd, data + sent, size - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
          if (n > 0) sent += static_cast<size_t>(n);
          if (n < 0 && errno != EAGAIN && errno != EINPROGRESS) sent = size;
          if (sent == size) {
            shutdown(fd, SHUT_WR);
            loop.modify_fd(fd, EPOLLIN);
          }
        }
        if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
          char buf[65536];
          ssize_t n;
          while ((n = recv(fd, buf, sizeof buf, MSG_DONTWAIT)) > 0) {
          }
          if (n == 0 || (n < 0 && errno != EAGAIN)) {
            done = true;
            loop.stop();
          }
        }
      },
      EPOLLIN | EPOLLOUT);
  if (size == 0) {
    shutdown(fd, SHUT_WR);
    loop.modify_fd(fd, EPOLLIN);
  }
  loop.run();
  loop.unwatch_fd(fd);
  close(fd);
  if (!done) abort();
  return 0;
}
