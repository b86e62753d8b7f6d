#include "store_load.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/clock.h"
#include "common/free_port.h"
#include "common/interrupt.h"
#include "store_wire.h"

namespace launchcheck {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

// Requests we send, told apart by their id (one of each kind in flight).
const char* const kProbe = "probe";
const char* const kJoin = "join";
const char* const kPing = "ping";
const char* const kMaster = "master";
// Unsent bytes per connection before we call the store stuck: pings only
// pile up when it stops reading.
constexpr size_t kMaxUnsent = 64 * 1024;

std::string errno_text(const char* what) {
  return std::string(what) + ": " + strerror(errno);
}

// An integer field of a reply within [lo, hi], else false.
bool int_in(const json& msg, const char* key, long long lo, long long hi, long long* out) {
  auto it = msg.find(key);
  if (it == msg.end() || !it->is_number_integer()) return false;
  if (it->is_number_unsigned() &&
      it->get<unsigned long long>() > static_cast<unsigned long long>(hi))
    return false;
  *out = it->get<long long>();
  return *out >= lo && *out <= hi;
}

std::string text_of(const json& msg, const char* key) {
  auto it = msg.find(key);
  return it != msg.end() && it->is_string() ? it->get<std::string>().substr(0, 300) : "";
}

}  // namespace

struct StoreLoad::Participant {
  enum class State : uint8_t { kNone, kConnecting, kProbing, kJoining, kJoined, kRejoining, kDead };
  int fd = -1;
  State state = State::kNone;
  bool want_out = false;
  StoreFrameReader reader;
  std::string out;
};

StoreLoad::StoreLoad(StoreLoadOptions options) : opt_(std::move(options)) {
  epoll_ = epoll_create1(EPOLL_CLOEXEC);
  p_.resize(static_cast<size_t>(std::max(0, opt_.participants)));
  alive_ = opt_.participants;
}

StoreLoad::~StoreLoad() {
  for (auto& p : p_)
    if (p.fd >= 0) close(p.fd);
  if (epoll_ >= 0) close(epoll_);
}

std::string StoreLoad::progress() const {
  return std::to_string(accepted_) + " of " + std::to_string(opt_.participants) + " connected, " +
         std::to_string(joined_) + " joined";
}

void StoreLoad::fail(int i, const std::string& why) {
  if (!error_.empty()) return;
  error_ = "participant sim-" + std::to_string(i) + ": " + why + " (" + progress() + ")";
}

std::string StoreLoad::join_all(Clock::time_point deadline) {
  if (epoll_ < 0) return errno_text("epoll_create1");
  times_.start_ns = ping_epoch_ns_ = common::now_ns();
  return run(deadline, &StoreLoad::all_joined);
}

std::string StoreLoad::keep_alive(Clock::time_point until) {
  std::string why = run(until, &StoreLoad::never);
  return why.rfind("timed out", 0) == 0 ? "" : why;  // reaching `until` is the point
}

void StoreLoad::kill(int count) {
  times_.killed_ns = common::now_ns();
  for (int i = 0; i < opt_.participants && killed_ < count; ++i) {
    Participant& p = p_[i];
    if (p.fd < 0) continue;
    close(p.fd);  // also leaves the epoll set
    p.fd = -1;
    p.state = Participant::State::kDead;
    ++killed_;
    --alive_;
  }
}

std::string StoreLoad::reform(Clock::time_point deadline) {
  return run(deadline, &StoreLoad::all_reformed);
}

std::string StoreLoad::run(Clock::time_point deadline, bool (StoreLoad::*done)() const) {
  epoll_event events[1024];
  while (error_.empty() && !(this->*done)()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return "timed out (" + progress() + ")";
    if (int sig = common::interrupt_signal()) return "interrupted by signal " + std::to_string(sig);
    connect_more();
    send_pings();
    if (!error_.empty()) break;
    // 10 ms at most: the pings are spread over the interval in small steps.
    int n = epoll_wait(epoll_, events, 1024, static_cast<int>(std::min<int64_t>(left.count(), 10)));
    if (n < 0 && errno != EINTR) return errno_text("epoll_wait");
    for (int k = 0; k < n && error_.empty(); ++k)
      on_ready(static_cast<int>(events[k].data.u64), events[k].events);
  }
  return error_;
}

void StoreLoad::connect_more() {
  while (error_.empty() && in_flight_ < opt_.max_in_flight && next_connect_ < opt_.participants)
    connect_one(next_connect_++);
}

void StoreLoad::connect_one(int i) {
  Participant& p = p_[i];
  p.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (p.fd < 0) {
    rlimit lim{};
    getrlimit(RLIMIT_NOFILE, &lim);
    return fail(i, errno_text("socket") + " (RLIMIT_NOFILE " + std::to_string(lim.rlim_cur) + ")");
  }
  // The port is chosen at connect(), per destination, not at bind().
  int one = 1;
  setsockopt(p.fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  sockaddr_in src{};
  src.sin_family = AF_INET;
  src.sin_addr.s_addr = htonl((127u << 24) + 2 + static_cast<unsigned>(i % opt_.source_addresses));
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(static_cast<uint16_t>(opt_.port));
  dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  char from[INET_ADDRSTRLEN] = "?";
  inet_ntop(AF_INET, &src.sin_addr, from, sizeof from);
  if (bind(p.fd, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0)
    return fail(i, errno_text((std::string("bind to ") + from).c_str()));
  if (connect(p.fd, reinterpret_cast<sockaddr*>(&dst), sizeof dst) != 0 && errno != EINPROGRESS)
    return fail(i, errno_text((std::string("connect from ") + from).c_str()));
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT;
  ev.data.u64 = static_cast<uint64_t>(i);
  if (epoll_ctl(epoll_, EPOLL_CTL_ADD, p.fd, &ev) != 0) return fail(i, errno_text("epoll_ctl"));
  p.want_out = true;
  p.state = Participant::State::kConnecting;
  ++in_flight_;
}

// Every connected participant once per keep-alive interval, spread evenly.
void StoreLoad::send_pings() {
  if (opt_.participants == 0) return;
  auto interval_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(opt_.keep_alive_interval).count();
  auto due = static_cast<size_t>((common::now_ns() - ping_epoch_ns_) /
                                 std::max<int64_t>(1, interval_ns / opt_.participants));
  for (; ping_cursor_ < due && error_.empty(); ++ping_cursor_) {
    int i = static_cast<int>(ping_cursor_ % p_.size());
    auto s = p_[i].state;
    if (s == Participant::State::kJoining || s == Participant::State::kJoined ||
        s == Participant::State::kRejoining)
      send(i, {{"op", "ping"}, {"id", kPing}});
  }
}

void StoreLoad::on_ready(int i, uint32_t events) {
  Participant& p = p_[i];
  if (p.fd < 0) return;
  if (p.state == Participant::State::kConnecting) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(p.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return fail(i, std::string("connect: ") + strerror(err));
    if (!(events & (EPOLLOUT | EPOLLIN))) return;
    on_connected(i);
  }
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) read_from(i);
  if (error_.empty() && p.fd >= 0 && (events & EPOLLOUT)) flush(i);
}

// A ping first: its answer proves the store accepted us, which is what the
// in-flight bound counts.
void StoreLoad::on_connected(int i) {
  p_[i].state = Participant::State::kProbing;
  send(i, {{"op", "ping"}, {"id", kProbe}});
}

void StoreLoad::read_from(int i) {
  Participant& p = p_[i];
  char buf[16384];
  for (int reads = 0; reads < 4 && error_.empty(); ++reads) {
    ssize_t r = recv(p.fd, buf, sizeof buf, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && errno == EAGAIN) return;
    if (r < 0) return fail(i, errno_text("recv"));
    if (r == 0) return fail(i, "the store closed the connection");
    p.reader.feed(buf, static_cast<size_t>(r));
    json msg;
    StoreFrameReader::Status s;
    while (error_.empty() && (s = p.reader.next(msg)) == StoreFrameReader::Status::kMessage)
      on_message(i, msg);
    if (error_.empty() && s == StoreFrameReader::Status::kError)
      return fail(i, "the store sent " + p.reader.error());
  }
}

void StoreLoad::on_message(int i, const json& msg) {
  if (msg.contains("push")) return on_push(i, msg);
  auto id = msg.find("id");
  std::string rid = id != msg.end() && id->is_string() ? id->get<std::string>() : "";
  auto ok = msg.find("ok");
  if (ok == msg.end() || !ok->is_boolean())
    return fail(i, "the store sent a reply without a boolean 'ok': " + msg.dump().substr(0, 200));
  if (!ok->get<bool>())
    return fail(i, "the store answered '" + (rid.empty() ? std::string("?") : rid) +
                       "' with an error: " + text_of(msg, "error"));
  on_reply(i, rid, msg);
}

void StoreLoad::on_reply(int i, const std::string& id, const json& msg) {
  Participant& p = p_[i];
  if (id == kPing || id == kMaster) return;
  if (id == kJoin) return on_join_reply(i, msg);
  if (id != kProbe || p.state != Participant::State::kProbing)
    return fail(i, "the store answered a request we never sent (id " +
                       (id.empty() ? msg.value("id", json()).dump() : id) + ")");
  --in_flight_;
  if (++accepted_ == opt_.participants) times_.accepted_ns = common::now_ns();
  p.state = Participant::State::kJoining;
  join(i);
}

void StoreLoad::join(int i) {
  send(i, {{"op", "join"},
           {"id", kJoin},
           {"run_id", opt_.run_id},
           {"node", "sim-" + std::to_string(i)},
           {"nproc", 1},
           {"restart_count", 0},
           {"min", opt_.min_nodes},
           {"max", opt_.max_nodes},
           {"last_call_ms", opt_.last_call_ms},
           {"join_timeout_ms", opt_.join_timeout_ms}});
}

// Every participant of a round must hold the same round of the expected
// size, each with a rank inside it; node rank 0 publishes MASTER_ADDR as an
// agent would, or the host agent would wait for it.
void StoreLoad::on_join_reply(int i, const json& msg) {
  Participant& p = p_[i];
  bool first = p.state == Participant::State::kJoining;
  if (!first && p.state != Participant::State::kRejoining)
    return fail(i, "the store sent a round nobody asked for");
  long long round = 0, size = 0, rank = 0;
  int want = opt_.expected_world - killed_;
  if (!int_in(msg, "round", 0, INT32_MAX, &round) ||
      !int_in(msg, "group_world_size", 1, INT32_MAX, &size) ||
      !int_in(msg, "group_rank", 0, size - 1, &rank))
    return fail(i, "the store sent a malformed round: " + msg.dump().substr(0, 200));
  if (size != want)
    return fail(i, "the store formed a round of " + std::to_string(size) + " nodes, expected " +
                       std::to_string(want));
  int expected_round = first ? round_ : round_ + 1;
  if (first ? (round_ >= 0 && round != round_) : round != expected_round)
    return fail(i,
                "the store put participants into different rounds (" + std::to_string(round) + ")");
  if (first) round_ = static_cast<int>(round);
  p.state = Participant::State::kJoined;
  if (rank == 0) {
    std::string key = "rdzv/" + opt_.run_id + "/round/" + std::to_string(round) + "/master";
    json value = {{"addr", "127.0.0.1"}, {"port", common::pick_free_port("127.0.0.1")}};
    send(i, {{"op", "set"}, {"id", kMaster}, {"key", key}, {"value", value.dump()}});
  }
  if (first && ++joined_ == opt_.participants) times_.joined_ns = common::now_ns();
  if (!first && ++rejoined_ == alive_) times_.reformed_ns = common::now_ns();
}

void StoreLoad::on_push(int i, const json& msg) {
  std::string push = text_of(msg, "push");
  if (push == "expelled") return fail(i, "expelled by the store: " + text_of(msg, "reason"));
  if (push == "closed") return fail(i, "the store closed the run: " + text_of(msg, "reason"));
  if (push != "membership_change") return;  // a push we do not know: not ours to judge
  Participant& p = p_[i];
  if (killed_ == 0) return fail(i, "the store reported a membership change nobody caused");
  if (p.state != Participant::State::kJoined) return;
  if (++noticed_ == alive_) times_.noticed_ns = common::now_ns();
  // An agent stops its workers and joins again; ours have none.
  p.state = Participant::State::kRejoining;
  join(i);
}

void StoreLoad::send(int i, const json& msg) {
  Participant& p = p_[i];
  if (p.fd < 0) return;
  p.out += encode_store_frame(msg);
  if (p.out.size() > kMaxUnsent) return fail(i, "the store stopped reading (64 KiB unsent)");
  if (!p.want_out) flush(i);
}

void StoreLoad::flush(int i) {
  Participant& p = p_[i];
  if (p.state == Participant::State::kConnecting) return;
  while (!p.out.empty()) {
    ssize_t w = ::send(p.fd, p.out.data(), p.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EAGAIN) break;
    if (w < 0) return fail(i, errno_text("send"));
    p.out.erase(0, static_cast<size_t>(w));
  }
  bool want = !p.out.empty();
  if (want == p.want_out) return;
  epoll_event ev{};
  ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
  ev.data.u64 = static_cast<uint64_t>(i);
  epoll_ctl(epoll_, EPOLL_CTL_MOD, p.fd, &ev);
  p.want_out = want;
}

}  // namespace launchcheck
