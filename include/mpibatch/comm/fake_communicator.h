#pragma once
/// \file FakeWorld: N in-process ranks on threads, for unit tests of code that communicates.
///
/// Every rank gets a Communicator with the same semantics as MpiCommunicator: collectives in
/// lock step (a rank waits until every rank called the same collective, and mismatched
/// collectives fail with a CommError naming both calls), point-to-point ordered per
/// sender/receiver/tag, any-source receive(), self-sends. Payloads are copied.
///
/// Nothing can hang a test: when a rank throws or calls abort(code), every rank blocked in a
/// collective, receive() or wait_sends() (and every later call) throws
/// CommError("job aborted by rank R: <what>"); a deadlock (every unfinished rank blocked and
/// none can proceed, e.g. a rank returned without joining a collective) fails at once with a
/// CommError describing where each rank waits; and any single wait fails after timeout()
/// (kDefaultTimeout). abort() never ends the process: the rank's function is unwound and
/// run() reports the code.
///
/// Fault switches, like c10d's fakes, make failure paths testable: fail_collective(rank, n)
/// and fail_send(rank, n) make that rank's n-th collective / send (counting from 1 in each
/// run) throw CommError. The other ranks then wait as they would under MPI, until the failing
/// rank's error ends its function or it calls abort().
///
/// Sends are eager by default (wait_sends() returns at once, as MPI does for small messages);
/// set_synchronous_sends(true) makes a send complete only when received, as MPI does for
/// large (rendezvous) messages, to expose code that relies on buffering.
///
/// Configure the world (switches, timeout) before run(), not during it. Each run() starts
/// with empty mailboxes and counters; switches stay armed. Rank functions run concurrently:
/// gtest EXPECT_* is fine in them, state shared between ranks needs its own synchronisation.
/// \code
///   FakeWorld world({"nodeA", "nodeA", "nodeB"});   // local ranks 0, 1, 0
///   world.fail_collective(/*rank=*/2, /*n=*/1);
///   FakeRunResult result = world.run_collect([](Communicator& comm) { comm.barrier(); });
///   EXPECT_EQ(result.failed_rank, 2);                  // the others were woken, not hung
///   world.run([](Communicator& comm) { ... });         // throws the first failure, if any
/// \endcode

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mpibatch/comm/communicator.h"
#include "mpibatch/error.h"

namespace mpibatch::comm {

namespace detail {
struct FakeWorldState;
}

/// How one rank's function ended.
struct FakeRankOutcome {
  std::exception_ptr error;       ///< what the function threw; null if it returned or aborted
  std::optional<int> abort_code;  ///< set when the rank called abort(code)
  std::string message;            ///< what() of `error`, or "abort(<code>)"; empty when ok()
  bool ok() const { return !error && !abort_code; }
};

/// What FakeWorld::run_collect() saw: every rank's outcome and the failure that ended the job.
struct FakeRunResult {
  std::vector<FakeRankOutcome> ranks;
  /// The rank whose failure (exception or abort) ended the job first; -1 when none did, or
  /// when the world itself failed (deadlock, mismatched collectives).
  int failed_rank = -1;
  /// One line on the failure that ended the job; empty when the job succeeded.
  std::string failure;
  /// Messages sent and never received, over all ranks.
  std::size_t unreceived_messages = 0;

  bool ok() const;
  /// The code passed to abort() by failed_rank, if that is how the job ended.
  std::optional<int> abort_code() const;
  /// Rethrows what ended the job: failed_rank's exception, FakeAborted for an abort, or
  /// CommError(failure) for a world failure. Does nothing when ok().
  void rethrow() const;
  /// One line per rank ("rank 1: CommError ...") for test failure messages.
  std::string summary() const;
};

/// Thrown by FakeWorld::run() when a rank called abort(code); never thrown inside a rank.
class FakeAborted : public CommError {
 public:
  FakeAborted(int rank, int code);
  int rank() const { return rank_; }
  int code() const { return code_; }

 private:
  int rank_;
  int code_;
};

class FakeWorld {
 public:
  /// Any single wait longer than this fails with CommError.
  static constexpr std::chrono::milliseconds kDefaultTimeout{60'000};
  using RankFunction = std::function<void(Communicator&)>;

  /// `size` ranks, all on host "fake-node".
  explicit FakeWorld(int size);
  /// One rank per entry, on that host: local rank/size follow from equal host names.
  explicit FakeWorld(std::vector<std::string> hosts);
  ~FakeWorld();
  FakeWorld(const FakeWorld&) = delete;
  FakeWorld& operator=(const FakeWorld&) = delete;

  int size() const;

  /// `rank`'s n-th collective (n >= 1) throws CommError.
  void fail_collective(int rank, int n);
  /// `rank`'s n-th send (n >= 1) throws CommError.
  void fail_send(int rank, int n);
  /// Sends complete only once received (wait_sends() waits); default false.
  void set_synchronous_sends(bool synchronous);
  void set_timeout(std::chrono::milliseconds timeout);
  std::chrono::milliseconds timeout() const;

  /// Runs `fn` on every rank's thread and returns when all finished; rethrows what ended the
  /// job (FakeRunResult::rethrow) if anything failed.
  void run(const RankFunction& fn);
  /// Like run(), but returns every rank's outcome instead of throwing.
  [[nodiscard]] FakeRunResult run_collect(const RankFunction& fn);

 private:
  std::unique_ptr<detail::FakeWorldState> state_;
};

}  // namespace mpibatch::comm
