#pragma once
/// \file Logging set-up (spdlog), done once per process by the CLI.
///
/// Every line carries the rank and host: "[12:00:01.234] [rank 1/4 node07] [warning] ...".
/// Rank 0 logs at info, the others at warning, unless --verbose (debug on every rank).
/// Optional per-rank log files (runtime.log_dir) record everything at debug level.

#include <string>

namespace mpibatch::app {

struct LogSetup {
  int rank = -1;  ///< -1: not an MPI command (no rank in the lines)
  int size = 1;
  std::string host;
  bool verbose = false;
};

/// Replaces the default logger with a stderr logger as described above.
void setup_logging(const LogSetup& setup);

/// Adds a file sink writing <dir>/rank-<rank>.log at debug level; creates `dir`.
/// Throws InputError naming runtime.log_dir if it cannot.
void add_rank_log_file(const std::string& dir, int rank);

}  // namespace mpibatch::app
