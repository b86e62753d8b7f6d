// The wire format of refrun's c10d store (launcher/C10D.md, "Wire protocol"),
// written again here from that text: a 4-byte big-endian length, then a JSON
// object. The load generator (store_load.h) speaks it without linking
// refrun, so what is measured is never judged by its own code.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

namespace launchcheck {

// The store's replies are a few hundred bytes; anything far larger is a
// broken or hostile store, refused before it is buffered.
constexpr size_t kStoreReplyLimit = 64 * 1024;

std::string encode_store_frame(const nlohmann::json& message);

// Splits one connection's byte stream into messages. After an error it stays
// broken: the connection must go.
class StoreFrameReader {
 public:
  enum class Status { kNeedMore, kMessage, kError };
  explicit StoreFrameReader(size_t limit = kStoreReplyLimit) : limit_(limit) {}

  void feed(const char* data, size_t size) { buffer_.append(data, size); }
  // kMessage: `out` holds the next message; kError: error() says why.
  Status next(nlohmann::json& out);
  const std::string& error() const { return error_; }
  size_t buffered() const { return buffer_.size() - used_; }
  size_t capacity() const { return buffer_.capacity(); }

 private:
  size_t limit_;
  std::string buffer_;
  size_t used_ = 0;
  std::string error_;
  Status fail(std::string why);
};

}  // namespace launchcheck
