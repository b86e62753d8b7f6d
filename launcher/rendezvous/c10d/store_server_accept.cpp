// How the c10d store takes connections, and what it does when it cannot:
// at the connection cap or with a full descriptor table (EMFILE, ENFILE) it
// sheds the idlest connection that speaks for no node, else refuses the
// newcomer through a reserve descriptor, else stops listening for 100 ms.
// Without this the pending connection kept the listening socket readable
// and the loop spun at 100% CPU while new agents were never served.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "rendezvous/c10d/store_server.h"

namespace refrun {

using nlohmann::json;

namespace {

std::string refusal(const std::string& why) {
  return encode_frame({{"ok", false}, {"id", nullptr}, {"error", why}});
}

}  // namespace

void C10dStoreServer::accept_clients() {
  // Bounded per wake-up, so a peer that keeps connecting cannot starve the
  // keep-alives; the listening socket stays readable and we come back.
  for (int n = 0; n < 64 && listen_fd_ >= 0; ++n) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0 && errno == EINTR) continue;
    if (fd < 0 && (errno == EMFILE || errno == ENFILE)) {
      // The pending connection keeps the socket readable: without room made
      // here, the loop would wake for it forever at 100% CPU.
      if (make_room("the store host is out of file descriptors")) continue;
      if (refuse_with_reserve_fd()) continue;
      return pause_accepting();
    }
    if (fd < 0) return;  // EAGAIN, or a transient error: the loop tells us again
    if (clients_.size() >= max_clients_ &&
        !make_room("the store has its maximum number of connections")) {
      std::string bye = refusal("the rendezvous store has " + std::to_string(max_clients_) +
                                " connections, all of them rendezvous members");
      (void)!::send(fd, bye.data(), bye.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      ::close(fd);
      continue;
    }
    add_client(fd);
  }
}

void C10dStoreServer::add_client(int fd) {
  uint64_t id = next_client_++;
  Client& c = clients_[id];
  c.last_rx = common::EventLoop::Clock::now();
  c.conn = std::make_unique<C10dConnection>(
      loop_, fd, options_.max_frame, [this, id](const json& msg) { on_frame(id, msg); },
      [this, id](const std::string&) { drop_client(id); });
  arm_keep_alive(id);
}

// Sheds the connection quiet for longest among those that speak for no node
// of any run: an agent joins right after connecting, so these are idle or
// hostile peers, never a running job's agents. False when there is none.
bool C10dStoreServer::make_room(const char* why) {
  auto victim = clients_.end();
  for (auto it = clients_.begin(); it != clients_.end(); ++it)
    if (it->second.nodes.empty() &&
        (victim == clients_.end() || it->second.last_rx < victim->second.last_rx))
      victim = it;
  if (victim == clients_.end()) return false;
  victim->second.conn->send(
      {{"push", "expelled"}, {"reason", std::string(why) + "; dropped this idle connection"}});
  drop_client(victim->first);
  return true;
}

// Nothing to shed: take the newcomer with the spare descriptor, tell it why
// and hang up, so the backlog drains instead of waking us again.
bool C10dStoreServer::refuse_with_reserve_fd() {
  if (reserve_fd_ < 0) return false;
  ::close(reserve_fd_);
  int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd >= 0) {
    std::string bye = refusal("the rendezvous store host is out of file descriptors");
    (void)!::send(fd, bye.data(), bye.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    ::close(fd);
  }
  reserve_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
  return fd >= 0 && reserve_fd_ >= 0;
}

// Last resort (no spare descriptor either): stop listening for 100 ms.
void C10dStoreServer::pause_accepting() {
  if (listen_fd_ < 0 || accept_pause_timer_) return;
  loop_.unwatch_fd(listen_fd_);
  accept_pause_timer_ = loop_.add_timer(std::chrono::milliseconds(100), [this] {
    accept_pause_timer_ = 0;
    if (reserve_fd_ < 0) reserve_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (listen_fd_ >= 0) loop_.watch_fd(listen_fd_, [this](uint32_t) { accept_clients(); });
  });
}

}  // namespace refrun
