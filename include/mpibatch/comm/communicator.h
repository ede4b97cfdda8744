#pragma once
/// \file Communicator: everything mpibatch needs from MPI, behind an interface.
///
/// Implementations: MpiCommunicator (comm/mpi_communicator.h, the only code that includes
/// <mpi.h>) and FakeWorld (comm/fake_communicator.h, in-process ranks on threads, with fault
/// switches for tests). Payloads are opaque byte strings; pipeline/ serializes with cereal.
///
/// Contract:
/// - Collectives (barrier, broadcast, scatter, gather, all_gather, all_reduce_*) must be
///   called by every rank in the same order. They wait without spinning a core at 100%.
/// - Point-to-point: send() queues and returns; messages from one sender to one receiver with
///   the same tag arrive in order. wait_sends() blocks until every queued send completed.
/// - Errors throw CommError naming the operation and rank. abort() ends every rank of the job.
/// - Not thread-safe: call from the rank's main thread only.
/// \code
///   Bytes mine = comm.scatter(parts_on_root, /*root=*/0);
///   comm.send(0, kTagResult, encode(results));
///   if (comm.rank() == 0) { auto msg = comm.receive(kTagResult); ... }
/// \endcode

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mpibatch::comm {

using Bytes = std::string;

/// Largest tag; tags are in [0, kMaxTag] (the MPI standard guarantees MPI_TAG_UB >= 32767).
inline constexpr int kMaxTag = 32767;

/// A sum started by Communicator::start_all_reduce_sum(); the values hold the sum once wait()
/// has returned (or test() returned true).
class PendingSum {
 public:
  virtual ~PendingSum() = default;
  /// Moves the reduction on without waiting (MPI progresses it only inside MPI calls); true once
  /// it has completed.
  virtual bool test() = 0;
  /// Waits for completion: spins briefly (the ranks are expected together), then polls.
  virtual void wait() = 0;
};

struct Message {
  int source = -1;
  int tag = -1;
  Bytes data;
};

class Communicator {
 public:
  virtual ~Communicator() = default;

  virtual int rank() const = 0;
  virtual int size() const = 0;
  /// This rank's index among the ranks on its node, and their number.
  virtual int local_rank() const = 0;
  virtual int local_size() const = 0;
  /// Host name of this rank's node.
  virtual const std::string& host() const = 0;
  /// MPI library and version ("Open MPI v4.1.4"), or the fake's name.
  virtual std::string library_version() const = 0;

  // --- collectives ---
  virtual void barrier() = 0;
  /// Root's `data` is copied into every rank's `data`.
  virtual void broadcast(Bytes& data, int root) = 0;
  /// Root passes size() parts; every rank receives its part.
  virtual Bytes scatter(const std::vector<Bytes>& parts, int root) = 0;
  /// Root receives size() parts in rank order; other ranks receive an empty vector.
  virtual std::vector<Bytes> gather(const Bytes& data, int root) = 0;
  /// Every rank receives every rank's data, in rank order.
  virtual std::vector<Bytes> all_gather(const Bytes& data) = 0;
  /// Maximum of `value` over all ranks.
  virtual int all_reduce_max(int value) = 0;
  /// Element-wise sum over all ranks of `count` values, in place (every rank passes the same
  /// count): gradient buckets and training statistics. Any count, also beyond INT_MAX.
  virtual void all_reduce_sum(float* values, std::size_t count) = 0;
  virtual void all_reduce_sum(double* values, std::size_t count) = 0;
  /// The same for `count` <= INT_MAX floats, started without waiting (MPI_Iallreduce), so that
  /// gradient buckets move while backward still runs. `values` must stay untouched until the
  /// sum completed. Every rank starts the same sums in the same order and completes them all
  /// before its next other collective. An unfinished PendingSum destroyed while an error
  /// unwinds is abandoned (the job is ending).
  virtual std::unique_ptr<PendingSum> start_all_reduce_sum(float* values, std::size_t count) = 0;

  // --- point to point ---
  /// Queues `data` for `dest` (any rank, including this one); returns at once. The data is
  /// owned by the communicator. Throws CommError for a bad dest or a tag outside [0, kMaxTag].
  virtual void send(int dest, int tag, Bytes data) = 0;
  /// A message with `tag` from any source, if one has arrived completely. Never waits for data
  /// in transit (a message still arriving is handed out by a later call).
  virtual std::optional<Message> try_receive(int tag) = 0;
  /// True while a message try_receive() has seen is still arriving (its data moves only while
  /// this rank is inside MPI calls, unless the transport copies it alone): poll it soon.
  virtual bool receiving() const = 0;
  /// Waits for a message with `tag` from any source.
  Message receive(int tag) { return receive(tag, std::chrono::microseconds::zero()); }
  /// The same, for a message that is due within microseconds (the answer to a request just
  /// sent): polls without sleeping for up to `spin` of CPU time first, then as receive(tag).
  virtual Message receive(int tag, std::chrono::microseconds spin) = 0;
  /// Waits until every queued send has completed.
  virtual void wait_sends() = 0;

  /// Ends every rank of the job with exit code `code`. Does not return.
  [[noreturn]] virtual void abort(int code) = 0;
};

}  // namespace mpibatch::comm
