#pragma once
/// \file MpiCommunicator: the Communicator of a real job, over (a duplicate of) MPI_COMM_WORLD.
///
/// - Construction and destruction are collective (MPI_Comm_dup of MPI_COMM_WORLD, so mpibatch's
///   messages never match those of other MPI users in the process). A live MpiEnvironment is
///   required for the whole lifetime.
/// - Node-local rank and size come from MPI_Comm_split_type(MPI_COMM_TYPE_SHARED); at
///   construction they are cross-checked against the launcher's variables (check_local_rank)
///   and a disagreement is logged with spdlog::warn.
/// - Waiting for a slow rank never spins: each collective starts with a small nonblocking one
///   that needs every rank (MPI_Ibarrier, MPI_Iallgather of sizes, MPI_Iallreduce) polled with
///   MPI_Test and Backoff sleeps (50 us .. 5 ms), then moves the payload with the blocking call
///   at full speed (NOTE [sync then move] in mpi_collectives.cpp); receive() polls MPI_Iprobe
///   the same way, and try_receive() posts receives without waiting for their data (NOTE
///   [receives in flight] in mpi_communicator.cpp). Data already on its way is waited for per NOTE
///   [transfer spin] (backoff.h). A wait longer than kSlowWaitWarning logs a warning (once per
///   interval) naming the operation, so a stuck job says where it is stuck.
/// - send() is MPI_Isend; the communicator owns the bytes until the send completed. Completed
///   sends are reaped on every call; wait_sends() waits for the rest. Without single-copy
///   shared memory, or over TCP, MPI moves a large (rendezvous: above 4 KiB in shared memory,
///   64 KiB over TCP) message only while the sender is inside some MPI call, so call
///   wait_sends() (or any other operation) before long computations when the peer waits.
/// - Payloads of any size (NOTE [chunking]): MPI counts are int, so bytes move in pieces of at
///   most max_chunk_bytes (INT_MAX): variable-size collectives run in rounds whose total fits
///   the limit, and a long send() becomes several messages (a piece of exactly
///   max_chunk_bytes means "more follows", so the last piece is shorter, possibly empty).
///   Callers never see the pieces.
/// - Collectives validate their arguments identically on every rank (root in range; scatter's
///   part count is checked on the root and the verdict broadcast), so a bad argument throws
///   CommError on all ranks instead of leaving some blocked.
/// - Not thread-safe; only the thread that created the MpiEnvironment may use it.
/// \code
///   comm::MpiEnvironment env(&argc, &argv);
///   comm::MpiCommunicator world(env);
///   spdlog::info("rank {}/{} on {} ({} local)", world.rank(), world.size(), world.host(),
///                world.local_rank());
/// \endcode

#include <chrono>
#include <cstddef>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mpibatch/comm/communicator.h"

namespace mpibatch::comm {

class MpiEnvironment;

/// Largest count of one MPI call, and the default piece size for payloads beyond it.
inline constexpr std::size_t kMaxChunkBytes = std::numeric_limits<int>::max();
/// A rank waiting this long in one operation logs a warning (and again each interval).
inline constexpr std::chrono::seconds kSlowWaitWarning{300};

struct MpiCommunicatorOptions {
  /// Pieces are at most this many bytes, in [1, kMaxChunkBytes]; must be equal on all ranks.
  /// Small values exercise the chunking in tests.
  std::size_t max_chunk_bytes = kMaxChunkBytes;
};

class MpiCommunicator final : public Communicator {
 public:
  /// Collective over MPI_COMM_WORLD. Throws CommError on MPI failure or bad options.
  explicit MpiCommunicator(const MpiEnvironment& env, MpiCommunicatorOptions options = {});
  /// Collective (MPI_Comm_free). Sends still pending are reported with spdlog::warn and their
  /// buffers deliberately leaked, since MPI may still read them; call wait_sends() first.
  ~MpiCommunicator() override;
  MpiCommunicator(const MpiCommunicator&) = delete;
  MpiCommunicator& operator=(const MpiCommunicator&) = delete;

  int rank() const override;
  int size() const override;
  int local_rank() const override;
  int local_size() const override;
  const std::string& host() const override;
  /// First line of MPI_Get_library_version, trimmed
  /// ("Open MPI v4.1.4, package: Debian OpenMPI, ident: 4.1.4, repo rev: v4.1.4, May 26, 2022").
  std::string library_version() const override;

  void barrier() override;
  void broadcast(Bytes& data, int root) override;
  Bytes scatter(const std::vector<Bytes>& parts, int root) override;
  std::vector<Bytes> gather(const Bytes& data, int root) override;
  std::vector<Bytes> all_gather(const Bytes& data) override;
  int all_reduce_max(int value) override;
  void all_reduce_sum(float* values, std::size_t count) override;
  void all_reduce_sum(double* values, std::size_t count) override;
  std::unique_ptr<PendingSum> start_all_reduce_sum(float* values, std::size_t count) override;

  void send(int dest, int tag, Bytes data) override;
  /// May wait (without spinning) for the remaining pieces of a chunked message it started.
  std::optional<Message> try_receive(int tag) override;
  bool receiving() const override;
  using Communicator::receive;
  Message receive(int tag, std::chrono::microseconds spin) override;
  void wait_sends() override;
  /// Number of sends not yet known to be complete (after reaping).
  std::size_t pending_sends();

  /// MPI_Abort(MPI_COMM_WORLD, code).
  [[noreturn]] void abort(int code) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mpibatch::comm
