#include "mpi_check.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "mpibatch/comm/backoff.h"
#include "mpibatch/comm/mpi_communicator.h"
#include "mpibatch/error.h"

namespace mpibatch::comm::detail {
namespace {

/// Logs a warning each kSlowWaitWarning that one wait lasts.
class SlowWaitWatch {
 public:
  SlowWaitWatch(std::string_view op, int rank) : op_(op), rank_(rank) {}
  void check() {
    const auto now = std::chrono::steady_clock::now();
    if (now < next_) return;
    const auto waited = std::chrono::duration_cast<std::chrono::seconds>(now - start_);
    spdlog::warn("rank {} has waited {} s in {}; another rank is slow, stuck or failed", rank_,
                 waited.count(), op_);
    next_ = now + kSlowWaitWarning;
  }

 private:
  std::string_view op_;
  int rank_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point next_ = start_ + kSlowWaitWarning;
};

}  // namespace

std::string mpi_error_string(int code) {
  char text[MPI_MAX_ERROR_STRING] = {};
  int length = 0;
  if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) {
    return "MPI error code " + std::to_string(code);
  }
  return std::string(text, static_cast<std::size_t>(length));
}

void mpi_check(int code, std::string_view op, int rank) {
  if (code == MPI_SUCCESS) return;
  throw CommError(std::string(op) + " failed on rank " + std::to_string(rank) + ": " +
                  mpi_error_string(code));
}

void poll_until(const std::function<bool()>& done, std::string_view op, int rank,
                WaitPolicy policy) {
  Backoff backoff(policy.spin, policy.max_delay);
  SlowWaitWatch watch(op, rank);
  while (!done()) {
    watch.check();
    backoff.pause();
  }
}

void mpi_wait(MPI_Request& request, std::string_view op, int rank, WaitPolicy policy) {
  poll_until(
      [&] {
        int complete = 0;
        for (int call = 0; call < kCallsPerPoll && !complete; ++call) {
          mpi_check(MPI_Test(&request, &complete, MPI_STATUS_IGNORE), op, rank);
        }
        return complete != 0;
      },
      op, rank, policy);
}

bool mpi_iprobe(MPI_Comm comm, int source, int tag, MPI_Status& status, std::string_view op,
                int rank) {
  int found = 0;
  for (int call = 0; call < kCallsPerPoll && !found; ++call) {
    mpi_check(MPI_Iprobe(source, tag, comm, &found, &status), op, rank);
  }
  return found != 0;
}

MPI_Status mpi_probe_wait(MPI_Comm comm, int source, int tag, std::string_view op, int rank,
                          WaitPolicy policy) {
  MPI_Status status;
  poll_until([&] { return mpi_iprobe(comm, source, tag, status, op, rank); }, op, rank, policy);
  return status;
}

}  // namespace mpibatch::comm::detail
