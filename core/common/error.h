// Errors raised by the core. Each carries a kind (for programs) and one clear English sentence
// that names the file, tensor or field and the problem (for people; the GUI may show it as is).
#pragma once

#include <stdexcept>
#include <string>

namespace seqlens {

enum class ErrorKind {
  InvalidArgument,  // a caller passed something out of range (token id, length, option)
  Config,           // a config value is missing, malformed or out of range
  Checkpoint,       // a model file is malformed, truncated or inconsistent
  Io,               // a file cannot be read or written
  Budget,           // a request would exceed a memory or recording budget
  Cancelled,        // the caller cancelled long work
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

}  // namespace seqlens
