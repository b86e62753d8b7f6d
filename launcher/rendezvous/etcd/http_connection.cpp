#include "rendezvous/etcd/http_connection.h"

#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "rendezvous/c10d/socket.h"

namespace refrun::etcd {

namespace http = boost::beast::http;

std::string HttpEndpoint::text() const {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string HttpResponse::header(const std::string& name) const {
  for (const auto& [k, v] : headers)
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  return "";
}

// Beast's push parser, fed whatever the socket gave; bytes it has not
// consumed yet stay in `buffer` until more arrive.
struct HttpConnection::Parser {
  http::response_parser<http::string_body> parser;
  boost::beast::flat_buffer buffer;
};

HttpConnection::HttpConnection(common::EventLoop& loop, int fd, HttpEndpoint ep)
    : loop_(loop), fd_(fd), ep_(std::move(ep)) {}

std::unique_ptr<HttpConnection> HttpConnection::open(common::EventLoop& loop,
                                                     const HttpEndpoint& ep, HttpFailure& failure) {
  std::string err;
  int fd = start_connect(ep.host, ep.port, err);
  if (fd < 0) {
    failure = {HttpFailure::Kind::kConnect, err};
    return nullptr;
  }
  return std::unique_ptr<HttpConnection>(new HttpConnection(loop, fd, ep));
}

HttpConnection::~HttpConnection() {
  loop_.unwatch_fd(fd_);
  close(fd_);
}

std::string HttpConnection::local_address() const {
  return local_address_of(fd_);
}

void HttpConnection::exchange(const HttpRequest& request, const HttpLimits& limits, Done done) {
  http::request<http::string_body> req{http::string_to_verb(request.method), request.target, 11};
  req.set(http::field::host, ep_.text());
  req.set(http::field::accept_encoding, "identity");
  req.set(http::field::user_agent, "refrun");
  if (!request.content_type.empty()) req.set(http::field::content_type, request.content_type);
  req.body() = request.body;
  req.prepare_payload();
  std::ostringstream os;
  os << req;
  out_ = os.str();
  out_pos_ = 0;
  what_ = request.method + " " + request.target;
  if (what_.size() > 200) what_ = what_.substr(0, 200) + "...";
  parser_ = std::make_unique<Parser>();
  parser_->parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  parser_->parser.body_limit(limits.max_body_bytes);
  parser_->parser.eager(true);
  reusable_ = false;
  received_any_ = false;
  done_ = std::move(done);
  loop_.watch_fd(fd_, [this](uint32_t ev) { on_ready(ev); }, EPOLLOUT | EPOLLIN | EPOLLRDHUP);
}

void HttpConnection::park(std::function<void()> on_dead) {
  // An idle keep-alive connection has nothing to read: anything readable
  // (EOF included) ends it.
  loop_.watch_fd(fd_, [this, on_dead = std::move(on_dead)](uint32_t) {
    loop_.unwatch_fd(fd_);
    on_dead();  // destroys this connection
  });
}

void HttpConnection::on_ready(uint32_t events) {
  if (!connected_ && !finish_connect()) return;
  if (out_pos_ < out_.size()) {
    if (!flush()) return;
    if (out_pos_ < out_.size()) return;  // EPOLLOUT will come back
    loop_.modify_fd(fd_, EPOLLIN | EPOLLRDHUP);
  }
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) read_some();
}

bool HttpConnection::finish_connect() {
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) {
    fail(HttpFailure::Kind::kConnect,
         "cannot connect to " + ep_.text() + ": " + std::string(strerror(err)));
    return false;
  }
  connected_ = true;
  return true;
}

bool HttpConnection::flush() {
  while (out_pos_ < out_.size()) {
    ssize_t n = send(fd_, out_.data() + out_pos_, out_.size() - out_pos_, MSG_NOSIGNAL);
    if (n > 0) {
      out_pos_ += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
    // A reused connection the server had already closed: nothing was taken.
    fail(used_before_ ? HttpFailure::Kind::kStale : HttpFailure::Kind::kClosed,
         ep_.text() + " closed the connection while " + what_ + " was sent: " + strerror(errno));
    return false;
  }
  return true;
}

bool HttpConnection::read_some() {
  Parser& p = *parser_;
  for (;;) {
    auto space = p.buffer.prepare(16 * 1024);
    ssize_t n = recv(fd_, space.data(), space.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return true;
    if (n <= 0) {
      bool stale = used_before_ && !received_any_;
      std::string why = n == 0 ? "closed the connection" : std::string(strerror(errno));
      // A close-delimited body (no length, no chunking) ends with the EOF.
      boost::system::error_code ec;
      if (n == 0 && p.parser.is_header_done()) p.parser.put_eof(ec);
      if (n == 0 && p.parser.is_done() && !ec) {
        complete();
        return false;
      }
      fail(stale ? HttpFailure::Kind::kStale : HttpFailure::Kind::kClosed,
           ep_.text() + " " + why + " before answering " + what_);
      return false;
    }
    received_any_ = true;
    p.buffer.commit(static_cast<size_t>(n));
    while (p.buffer.size() > 0 && !p.parser.is_done()) {
      boost::system::error_code ec;
      size_t used = p.parser.put(p.buffer.data(), ec);
      p.buffer.consume(used);
      if (ec == http::error::need_more) break;
      if (ec == http::error::body_limit || ec == http::error::header_limit) {
        fail(HttpFailure::Kind::kTooLarge, ep_.text() + " answered " + what_ +
                                               " with more than the limit (" + ec.message() + ")");
        return false;
      }
      if (ec) {
        fail(HttpFailure::Kind::kProtocol,
             ep_.text() + " sent a malformed HTTP answer to " + what_ + ": " + ec.message());
        return false;
      }
    }
    if (p.parser.is_done()) {
      complete();
      return false;
    }
  }
}

void HttpConnection::complete() {
  loop_.unwatch_fd(fd_);
  auto& msg = parser_->parser.get();
  HttpResponse r;
  r.status = static_cast<int>(msg.result_int());
  for (const auto& field : msg)
    r.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  r.body = std::move(msg.body());
  // Bytes after the answer would belong to nothing we asked: do not reuse.
  reusable_ = msg.keep_alive() && parser_->buffer.size() == 0;
  used_before_ = true;
  parser_.reset();
  auto done = std::move(done_);
  done(std::move(r), std::nullopt);  // may destroy this
}

void HttpConnection::fail(HttpFailure::Kind kind, const std::string& why) {
  loop_.unwatch_fd(fd_);
  reusable_ = false;
  auto done = std::move(done_);
  if (done) done(std::nullopt, HttpFailure{kind, why});  // may destroy this
}

}  // namespace refrun::etcd
