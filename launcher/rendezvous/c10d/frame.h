// Wire format of the c10d store: every message is one frame, a 4-byte
// big-endian payload length followed by a JSON object. A length cap keeps a
// broken or hostile peer from making us buffer without bound; a nesting cap,
// checked on the bytes before parsing, keeps every later copy or dump of a
// message from recursing as deep as the peer likes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace refrun {

constexpr size_t kC10dMaxFrame = 1 << 20;
// Our messages nest 3 deep ({"values": {...}}); 16 leaves room for peers.
constexpr size_t kC10dMaxDepth = 16;

// Length prefix plus the JSON text of `message`.
std::string encode_frame(const nlohmann::json& message);

// Splits a byte stream into frames. Once it reports an error it stays broken:
// the connection it belongs to must be closed.
class FrameDecoder {
 public:
  enum class Status { kNeedMore, kFrame, kError };

  explicit FrameDecoder(size_t max_frame = kC10dMaxFrame, size_t max_depth = kC10dMaxDepth)
      : max_frame_(max_frame), max_depth_(max_depth) {}

  void feed(const char* data, size_t size) { buffer_.append(data, size); }
  // kFrame: `out` holds the next message. kError: error() says why.
  Status next(nlohmann::json& out);
  const std::string& error() const { return error_; }

 private:
  size_t max_frame_;
  size_t max_depth_;
  std::string buffer_;
  size_t consumed_ = 0;
  std::string error_;
};

}  // namespace refrun
