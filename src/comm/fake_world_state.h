#pragma once
/// \file The shared state of a FakeWorld (private): mailboxes, collective slots, rank states,
/// and the one blocking primitive, wait_locked(), that turns job failures, deadlocks and
/// timeouts into CommError. Everything is guarded by one mutex; every change notifies all.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "mpibatch/comm/communicator.h"
#include "mpibatch/comm/fake_communicator.h"

namespace mpibatch::comm::detail {

/// Thrown by the fake's abort(). Deliberately not a std::exception, so that code under test
/// which catches std::exception (or CommError) cannot swallow an abort.
struct FakeAbortSignal {
  int code;
};

/// One collective call, numbered per rank; all ranks' n-th collectives meet here.
struct FakeCollective {
  std::string op;       ///< "gather(root 0)"; must match on every rank
  int first_rank = -1;  ///< the rank that named `op`
  int arrived = 0;
  int departed = 0;
  std::vector<std::vector<Bytes>> inputs;  ///< by rank
};

enum class FakeRankState { kRunning, kBlocked, kFinished };

struct FakeWorldState {
  // --- configuration: set before run() ---
  std::vector<std::string> hosts;
  std::vector<int> local_ranks;
  std::vector<int> local_sizes;
  std::map<int, long> fail_collective_at;  ///< rank -> n
  std::map<int, long> fail_send_at;        ///< rank -> n
  bool synchronous_sends = false;
  std::chrono::milliseconds timeout = FakeWorld::kDefaultTimeout;

  // --- one run, guarded by mutex ---
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::deque<Message>> mailboxes;  ///< by receiver, in arrival order
  std::vector<long> unreceived;                ///< by sender
  std::vector<long> collectives_started;       ///< by rank
  std::vector<long> sends_started;             ///< by rank
  std::map<long, FakeCollective> collectives;  ///< by collective number
  std::vector<FakeRankState> states;
  std::vector<const std::function<bool()>*> ready;  ///< a blocked rank's wake-up condition
  std::vector<std::string> waiting_in;              ///< what a blocked rank waits in
  bool failed = false;
  int failed_rank = -1;
  std::string failure;

  int size() const { return static_cast<int>(hosts.size()); }
  /// Empties mailboxes, counters and the failure for a new run.
  void reset();
  /// Records the job's first failure (rank -1: the world's) and wakes every rank.
  void fail_locked(int rank, const std::string& reason);
  /// Throws CommError on `rank` if the job failed.
  void throw_if_failed_locked() const;
  /// Blocks `rank` until ready() holds. Throws CommError when the job fails meanwhile, when
  /// no rank can make progress any more (deadlock), or after `timeout`.
  void wait_locked(std::unique_lock<std::mutex>& lock, int rank, const std::string& what,
                   const std::function<bool()>& ready_fn);
  /// Marks `rank` finished; fails the job if that leaves the others deadlocked.
  void finish_locked(int rank);

 private:
  /// Where each rank is stuck, when no rank can proceed; empty otherwise.
  std::string deadlock_locked() const;
};

/// The Communicator of one fake rank.
class FakeCommunicator final : public Communicator {
 public:
  FakeCommunicator(FakeWorldState& world, int rank) : world_(world), rank_(rank) {}

  int rank() const override { return rank_; }
  int size() const override { return world_.size(); }
  int local_rank() const override;
  int local_size() const override;
  const std::string& host() const override;
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
  std::optional<Message> try_receive(int tag) override;
  bool receiving() const override { return false; }  ///< messages arrive whole
  using Communicator::receive;
  Message receive(int tag, std::chrono::microseconds spin) override;
  void wait_sends() override;
  [[noreturn]] void abort(int code) override;

 private:
  using Inputs = std::vector<std::vector<Bytes>>;
  /// Joins this rank's next collective with `input`; once every rank joined, returns
  /// extract(all inputs). Throws for injected failures and mismatched collectives.
  void collective(const std::string& op, std::vector<Bytes> input,
                  const std::function<void(const Inputs&)>& extract);
  /// all_reduce_sum: element-wise, in rank order (deterministic).
  template <typename T>
  void sum_in_rank_order(T* values, std::size_t count);
  void check_root(int root, const std::string& op) const;
  void check_tag(int tag, const std::string& op) const;
  /// Index of the first message with `tag` in this rank's mailbox, or -1. Lock held.
  long find_locked(int tag) const;
  /// Removes and returns message `index` of this rank's mailbox. Lock held.
  Message take_locked(long index);

  FakeWorldState& world_;
  int rank_;
};

}  // namespace mpibatch::comm::detail
