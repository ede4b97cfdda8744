#pragma once
/// \file Checked MPI calls (private): every raw MPI return code goes through mpi_check, and
/// every wait goes through the no-spin pollers below. Include <mpi.h> only through this file.

// NOTE [no C++ bindings]: without these, Open MPI's (and MPICH's) mpi.h pulls in the removed
// MPI C++ bindings, which need libmpi_cxx at link time; mpibatch links MPI::MPI_C only.
#ifndef OMPI_SKIP_MPICXX
#define OMPI_SKIP_MPICXX 1
#endif
#ifndef MPICH_SKIP_MPICXX
#define MPICH_SKIP_MPICXX 1
#endif
#include <mpi.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "mpibatch/comm/backoff.h"

namespace mpibatch::comm::detail {

/// MPI_Error_string of `code` ("MPI_ERR_RANK: invalid rank").
std::string mpi_error_string(int code);

/// Throws CommError("<op> failed on rank <rank>: <MPI_Error_string>") unless MPI_SUCCESS.
void mpi_check(int code, std::string_view op, int rank);

/// MPI calls per poll before a wait sleeps. NOTE [progress per poll]: Open MPI's MPI_Iprobe
/// matches before it progresses, so a message that arrived since the last poll is seen only by
/// the next call; and nonblocking collectives advance one step per progress call. A handful of
/// calls per poll (well under a microsecond each when idle) removes a whole sleep from the
/// latency of every message and collective step.
inline constexpr int kCallsPerPoll = 8;

/// How a wait pauses between polls (NOTE [transfer spin] in backoff.h).
struct WaitPolicy {
  std::chrono::microseconds spin{0};
  std::chrono::microseconds max_delay = Backoff::kMaxDelay;
};

/// Waiting for peers to arrive: no spin; shorter sleeps while this rank has sends in flight
/// (its peers' receives progress only while it polls).
inline WaitPolicy arrival_policy(bool sends_in_flight) {
  return {std::chrono::microseconds{0},
          sends_in_flight ? Backoff::kTransferMaxDelay : Backoff::kMaxDelay};
}

/// Waiting for `bytes` that are on their way.
inline WaitPolicy transfer_policy(std::size_t bytes) {
  return {transfer_spin(bytes), Backoff::kTransferMaxDelay};
}

/// Calls `done` until it returns true, pausing per `policy` in between and logging a warning
/// every kSlowWaitWarning; `op` names the wait in that warning.
void poll_until(const std::function<bool()>& done, std::string_view op, int rank,
                WaitPolicy policy = {});

/// Polls `request` (MPI_Test, kCallsPerPoll per poll) until it completes.
void mpi_wait(MPI_Request& request, std::string_view op, int rank, WaitPolicy policy = {});

/// One poll: MPI_Iprobe(source, tag, comm) up to kCallsPerPoll times; true when found.
bool mpi_iprobe(MPI_Comm comm, int source, int tag, MPI_Status& status, std::string_view op,
                int rank);

/// Polls mpi_iprobe until a message is there.
MPI_Status mpi_probe_wait(MPI_Comm comm, int source, int tag, std::string_view op, int rank,
                          WaitPolicy policy = {});

}  // namespace mpibatch::comm::detail
