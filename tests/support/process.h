#pragma once
/// \file Running the mpibatch binary (and other commands) from tests.

#include <string>

namespace mpibatch::testing {

struct ProcessResult {
  int exit_code = -1;  ///< the command's exit status; 128 + N when killed by signal N
  std::string output;  ///< stdout and stderr, interleaved
};

/// Runs `command` with /bin/sh, capturing its output.
ProcessResult run_shell(const std::string& command);

/// "mpiexec -n <ranks> <test flags> <mpibatch binary>" ready for arguments.
std::string mpibatch_under_mpiexec(int ranks);

/// The mpibatch binary, without mpiexec.
std::string mpibatch_binary();

/// Quotes `arg` for /bin/sh.
std::string shell_quote(const std::string& arg);

}  // namespace mpibatch::testing
