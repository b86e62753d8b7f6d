#include "rendezvous/c10d/frame.h"

#include <string_view>

#include "common/json_depth.h"

namespace refrun {

std::string encode_frame(const nlohmann::json& message) {
  // Never throws: a string that is not UTF-8 is sent with U+FFFD instead.
  std::string body = message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  uint32_t n = static_cast<uint32_t>(body.size());
  std::string frame;
  frame.reserve(4 + body.size());
  frame.push_back(static_cast<char>((n >> 24) & 0xff));
  frame.push_back(static_cast<char>((n >> 16) & 0xff));
  frame.push_back(static_cast<char>((n >> 8) & 0xff));
  frame.push_back(static_cast<char>(n & 0xff));
  frame += body;
  return frame;
}

FrameDecoder::Status FrameDecoder::next(nlohmann::json& out) {
  if (!error_.empty()) return Status::kError;
  if (buffer_.size() - consumed_ < 4) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
    return Status::kNeedMore;
  }
  auto byte = [&](size_t i) {
    return static_cast<uint32_t>(static_cast<uint8_t>(buffer_[consumed_ + i]));
  };
  uint32_t n = (byte(0) << 24) | (byte(1) << 16) | (byte(2) << 8) | byte(3);
  if (n == 0) {
    error_ = "empty frame";
    return Status::kError;
  }
  if (n > max_frame_) {
    error_ = "frame of " + std::to_string(n) + " bytes exceeds the limit of " +
             std::to_string(max_frame_);
    return Status::kError;
  }
  if (buffer_.size() - consumed_ - 4 < n) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
    return Status::kNeedMore;
  }
  const char* begin = buffer_.data() + consumed_ + 4;
  consumed_ += 4 + n;
  if (common::json_nesting_exceeded(std::string_view(begin, n), max_depth_)) {
    error_ = "frame nests deeper than " + std::to_string(max_depth_) + " levels";
    return Status::kError;
  }
  out = nlohmann::json::parse(begin, begin + n, nullptr, false);
  if (out.is_discarded()) {
    error_ = "frame is not valid JSON";
    return Status::kError;
  }
  if (!out.is_object()) {
    error_ = "frame is not a JSON object";
    return Status::kError;
  }
  return Status::kFrame;
}

}  // namespace refrun
