#pragma once
/// \file RootLoop (rank 0): computes rank 0's chunks while serving the workers.
///
/// Each of rank 0's batches runs on a helper thread (one for the run, so a batch costs no
/// thread start and libtorch sees one compute thread); meanwhile the main thread (the only one
/// that calls the communicator) answers chunk requests (Dispatcher) and receives results, so a
/// worker never waits for rank 0's batch to end. Received results are assembled and chapters
/// written between batches, on the main thread, so the PhaseTimer and the writer are only
/// ever used by one thread at a time. After its last chunk rank 0 serves until every worker
/// is done and every result is in.

#include <boost/asio/thread_pool.hpp>
#include <future>
#include <memory>
#include <vector>

#include "batch_worker.h"
#include "chapter_assembler.h"
#include "dispatcher.h"
#include "progress.h"

namespace mpibatch::pipeline {

class RootLoop {
 public:
  RootLoop(RankContext& ctx, const WorkPlan& plan, io::ResultWriter& writer,
           const PipelineOptions& options, BatchWorker& worker, double epoch);

  void run();

  ChapterAssembler& assembler() { return assembler_; }
  /// The signal that interrupted the job, or 0.
  int interrupted_by() const { return dispatcher_.interrupted_by(); }
  /// The stall reports logged so far.
  const std::vector<std::string>& stalls() const { return stalls_; }

 private:
  /// Handles every message that has arrived; true if there was one. Touches no timer.
  bool poll();
  /// Waits for `batch`, polling meanwhile.
  std::vector<ItemResult> serve_while(std::future<std::vector<ItemResult>>& batch);
  /// Assembles `results` and every result received since the last call.
  void take(std::vector<ItemResult>&& results);
  double now() const;
  /// Progress from the results assembled so far and the dispatcher's busy ranks.
  void show_progress();
  /// Reports each rank that holds unfinished items but has been silent for stall_timeout_s
  /// (rank 0: its own batch running that long), naming the item it is on.
  void check_stalls();
  void report_stall(int rank, double silent_s, std::size_t held, const work::WorkItem& item);
  /// Runs `chunk` batch by batch, each on the helper thread while serving the workers.
  /// Returns the seconds its batches took (serving and assembling not counted, as a worker's
  /// report counts only its own work).
  double run_chunk(const std::vector<const work::WorkItem*>& chunk);
  /// True once the job is interrupted: by this process's signal (passed on to the dispatcher
  /// here) or a worker's (NOTE [interruption]).
  bool interrupted();
  /// When every worker is done but items are left (the ranks that would have run them left:
  /// their model kept failing), rank 0 runs them, or records them as skipped if it stopped too.
  void run_leftovers();

  RankContext& ctx_;
  BatchWorker& worker_;
  double epoch_;
  Dispatcher dispatcher_;
  ChapterAssembler assembler_;
  io::ResultParts* parts_;  ///< PipelineOptions::parts
  Progress progress_;
  std::uint64_t reused_;
  std::function<int(int)> interrupted_by_signal_;  ///< PipelineOptions::interrupted
  std::vector<comm::Bytes> received_;              ///< result messages not yet assembled
  double stall_timeout_s_;                         ///< PipelineOptions::stall_timeout_s
  std::vector<double> last_message_;               ///< by rank: when rank 0 last heard from it
  std::vector<double> last_report_;  ///< by rank: when it was last reported as stalled
  const std::vector<const work::WorkItem*>* running_batch_ = nullptr;  ///< rank 0's own
  double running_since_ = 0.0;
  std::vector<std::string> stalls_;      ///< the reports, for PipelineResult::stalls
  boost::asio::thread_pool compute_{1};  ///< runs rank 0's batches; joined on destruction
};

}  // namespace mpibatch::pipeline
