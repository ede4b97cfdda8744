#pragma once
/// \file Collective error agreement: a set-up step either succeeds on every rank or every rank
/// learns why it failed and exits with the same code, without MPI_Abort and without a hang.

#include <functional>
#include <string>

#include "mpibatch/comm/communicator.h"
#include "mpibatch/error.h"

namespace mpibatch::app {

/// Thrown on every rank when a step failed on some rank. Rank 0 has already logged the
/// failure (one line per problem, naming the rank when it was not rank 0).
class JobFailed : public Error {
 public:
  JobFailed(ExitCode code, const std::string& message) : Error(message), code_(code) {}
  ExitCode exit_code() const override { return code_; }

 private:
  ExitCode code_;
};

/// Runs `step` on this rank, then agrees with every rank (one all_gather): if any rank's step
/// threw mpibatch::Error (or std::exception), every rank throws JobFailed with the failure of
/// the lowest failing rank. Collective.
void run_on_all(comm::Communicator& comm, const std::function<void()>& step);

}  // namespace mpibatch::app
