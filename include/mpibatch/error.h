#pragma once
/// \file Error types and the process exit codes they map to.
///
/// Every message names what is wrong (file, key, rank or item) and what to do about it, on
/// one line. ConfigError may carry several problems, one per line, so that a user fixes a
/// job file in one pass.

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace mpibatch {

/// Process exit codes; documented in docs/cli.md.
enum class ExitCode : int {
  kOk = 0,              ///< every item succeeded
  kItemsFailed = 1,     ///< the job ran to the end, some items failed (see /items)
  kBadInput = 2,        ///< bad usage, job file, input, model or output path
  kRuntimeFailure = 3,  ///< MPI, I/O or internal failure while running
  kInterrupted = 4,     ///< stopped by a signal; the result file is resumable (--resume)
};

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  virtual ExitCode exit_code() const { return ExitCode::kRuntimeFailure; }
};

/// Bad command line.
class UsageError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::kBadInput; }
};

/// One or more problems in the job configuration; what() has one problem per line.
class ConfigError : public Error {
 public:
  explicit ConfigError(std::vector<std::string> problems)
      : Error(join(problems)), problems_(std::move(problems)) {}
  const std::vector<std::string>& problems() const { return problems_; }
  ExitCode exit_code() const override { return ExitCode::kBadInput; }

 private:
  static std::string join(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& line : lines) out += (out.empty() ? "" : "\n") + line;
    return out;
  }
  std::vector<std::string> problems_;
};

/// Unreadable or malformed input: a book, a dataset, an unwritable output path.
class InputError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::kBadInput; }
};

/// A model that cannot be loaded or breaks the model contract (docs/model-contract.md).
class ModelError : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::kBadInput; }
};

/// File or HDF5 failure while running.
class IoError : public Error {
 public:
  using Error::Error;
};

/// Communication failure, or the job was aborted by another rank.
class CommError : public Error {
 public:
  using Error::Error;
};

/// Exit code for any exception: Error subclasses say theirs, anything else is a runtime failure.
inline ExitCode exit_code_of(const std::exception& e) {
  const auto* error = dynamic_cast<const Error*>(&e);
  return error ? error->exit_code() : ExitCode::kRuntimeFailure;
}

}  // namespace mpibatch
