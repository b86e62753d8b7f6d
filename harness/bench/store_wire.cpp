#include "store_wire.h"

#include <cstdint>
#include <string_view>

#include "common/json_depth.h"

namespace launchcheck {

std::string encode_store_frame(const nlohmann::json& message) {
  std::string body = message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto n = static_cast<uint32_t>(body.size());
  std::string out;
  out.reserve(4 + body.size());
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((n >> shift) & 0xff));
  return out + body;
}

StoreFrameReader::Status StoreFrameReader::fail(std::string why) {
  error_ = std::move(why);
  return Status::kError;
}

StoreFrameReader::Status StoreFrameReader::next(nlohmann::json& out) {
  if (!error_.empty()) return Status::kError;
  if (buffered() < 4) {
    buffer_.erase(0, used_);  // keeps the buffer at one partial frame at most
    used_ = 0;
    // N connections each keeping the capacity of their largest reply would
    // hold N x 64 KiB; a drained buffer gives it back.
    if (buffer_.empty() && buffer_.capacity() > 4096) std::string().swap(buffer_);
    return Status::kNeedMore;
  }
  uint32_t n = 0;
  for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<uint8_t>(buffer_[used_ + i]);
  if (n == 0) return fail("an empty frame");
  if (n > limit_)
    return fail("a frame of " + std::to_string(n) + " bytes (a reply is at most " +
                std::to_string(limit_) + ")");
  if (buffered() - 4 < n) {
    buffer_.erase(0, used_);
    used_ = 0;
    return Status::kNeedMore;
  }
  const char* body = buffer_.data() + used_ + 4;
  used_ += 4 + n;
  // Replies nest 2 deep; a deeper one would only cost us recursion.
  if (common::json_nesting_exceeded(std::string_view(body, n), 16))
    return fail("a frame nested deeper than 16 levels");
  out = nlohmann::json::parse(body, body + n, nullptr, false);
  if (out.is_discarded()) return fail("a frame that is not JSON");
  if (!out.is_object()) return fail("a frame that is not a JSON object");
  return Status::kMessage;
}

}  // namespace launchcheck
