// torchelastic's error record, which a worker writes to its
// TORCHELASTIC_ERROR_FILE (errors/error_handler.py), in its two shapes:
//   {"message": {"message": M, "extraInfo": {"py_callstack": T, "timestamp": "S"}}}
//   {"message": "M", "timestamp": "S"}    (a string message)
// Read as upstream's ProcessFailure does (errors/__init__.py
// _get_error_data), except that a record upstream cannot read (and dies on)
// is reported, not fatal.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace refrun {

struct ErrorRecord {
  std::string message;    // message.message, or the string message
  std::string traceback;  // what the summary shows: py_callstack, else the message, else <N/A>
  // Unix seconds: extraInfo.timestamp (object), the top-level timestamp
  // (string message; 0 when absent, as upstream).
  double timestamp = 0;
  nlohmann::ordered_json data;  // the record as read, keys in file order
  std::string text;             // the file's bytes
};

struct ErrorFile {
  enum class Status { kMissing, kRecord, kUnreadable };
  Status status = Status::kMissing;
  ErrorRecord record;   // kRecord
  std::string problem;  // kUnreadable: why, in one line
};

ErrorFile read_error_file(const std::string& path);
// The same from the file's contents.
ErrorFile parse_error_record(const std::string& text);

}  // namespace refrun
