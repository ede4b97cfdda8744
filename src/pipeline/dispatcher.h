#pragma once
/// \file Dispatcher (rank 0): the scheduling policy behind the chunk request protocol.
///
/// NOTE [chunk protocol]: a worker sends Control{kRequest} (tag kTagControl) and gets its next
/// chunk as a grant (tag kTagGrant: the WorkItems themselves, so workers need no plan); an
/// empty grant means "no more work", for good. A worker asks for its next chunk as soon as it
/// starts one (prefetch, one request outstanding), so the answer arrives while it computes;
/// it reports Control{kReport, seconds} when the chunk is done, which feeds the policy's speed
/// estimate. Messages from one worker arrive in order, so reports match chunks first-in,
/// first-out. A worker whose model keeps failing sends Control{kLeave} after its last report
/// and the policy gives its remaining work to the others. Rank 0 asks the policy directly for its
/// own chunks, and answers workers while its own batches run (pipeline.cpp). Reused items
/// (--resume) are never handed out.

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "mpibatch/comm/communicator.h"
#include "mpibatch/pipeline/pipeline.h"
#include "mpibatch/sched/policy.h"

namespace mpibatch::pipeline {

/// The plan's items that this run computes (not reused), as `todo` (plan indices, ascending)
/// and their scheduling costs (characters, at least 1).
void pending_items(const WorkPlan& plan, std::vector<std::size_t>& todo,
                   std::vector<double>& costs);

/// Rank 0's time to handle one request or report, measured by bench_rank0_capacity (about
/// 87,000 chunks/s, each a request, a report and a results message) with a margin.
constexpr double kRank0MessageSeconds = 6e-6;

/// options.schedule with its options for `ranks` ranks. Throws ConfigError for an unknown name.
std::unique_ptr<sched::Policy> make_schedule_policy(const PipelineOptions& options, int ranks);

class Dispatcher {
 public:
  /// Starts `schedule` over the plan's items that are not reused, on `ranks` ranks.
  Dispatcher(const WorkPlan& plan, const PipelineOptions& options, int ranks);

  /// Rank 0's own next chunk (empty: rank 0 is done) and its report.
  std::vector<const work::WorkItem*> next_for_root(double now);
  void root_finished(double seconds);

  /// Handles one control message from a worker: answers a request with a grant via `comm`,
  /// or feeds a report to the policy. Throws CommError for a report without a chunk.
  void handle(const comm::Message& message, comm::Communicator& comm, double now);

  /// Rank 0 wants no more work; the policy hands the rest to the workers.
  void root_leaves();

  /// NOTE [interruption]: `signal` stopped `rank`. From now on every request gets an empty
  /// grant, and every worker still holding items gets Stop{interrupted_reason()} via `comm`.
  /// Later calls do nothing.
  void interrupt(int signal, int rank, comm::Communicator& comm);
  /// The signal of the first interrupt() call, or 0.
  int interrupted_by() const { return interrupt_signal_; }
  /// The error to record for the items not run (empty unless interrupted).
  const std::string& interrupted_reason() const { return interrupt_reason_; }

  /// True once every worker (rank > 0) has been told that there is no more work, or left.
  bool workers_done() const { return workers_done_ == ranks_ - 1; }
  /// Ranks (rank 0 included) holding a chunk they have not reported yet: the others wait for
  /// work or are done.
  int busy_ranks() const;
  /// The items `rank` holds: its chunks not reported yet, oldest first.
  std::vector<const work::WorkItem*> held_by(int rank) const;
  /// Items the policy has not handed out yet.
  std::size_t unassigned() const { return todo_.size() - handed_out_; }
  /// Those items, taken from the policy (when every rank has left: rank 0 records them).
  std::vector<const work::WorkItem*> take_unassigned();

 private:
  /// The policy's next chunk for `rank`, as plan indices, remembered until reported.
  std::vector<std::size_t> next(int rank, double now);
  /// `rank` gets no more work.
  void mark_done(int rank);

  const WorkPlan& plan_;
  std::unique_ptr<sched::Policy> policy_;
  std::vector<std::size_t> todo_;  ///< policy item index -> plan item index
  /// Per rank: chunks handed out and not reported yet (policy indices), oldest first.
  std::vector<std::deque<std::vector<sched::ItemIndex>>> outstanding_;
  std::vector<bool> done_;
  int ranks_;
  int workers_done_ = 0;
  std::size_t handed_out_ = 0;
  std::vector<bool> handed_;  ///< by policy index
  int interrupt_signal_ = 0;
  std::string interrupt_reason_;
};

}  // namespace mpibatch::pipeline
