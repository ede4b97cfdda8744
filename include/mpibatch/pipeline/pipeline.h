#pragma once
/// \file run_pipeline: one job's work from rank 0's plan to rank 0's result file.
///
/// Data flow (collective over all ranks; the only MPI traffic of a run):
///   workers <--chunk requests / grants--> rank 0's Dispatcher (the runtime.schedule policy;
///     NOTE [chunk protocol] in dispatcher.h); rank 0 computes chunks too
///   every rank: encode -> batches -> ModelRunner -> ItemResults --send per batch--> rank 0
///   rank 0 runs each of its own batches on a helper thread while its main thread answers
///   requests and receives results; between batches its ChapterAssembler writes every chapter
///   as soon as all its items arrived (so memory holds only unfinished chapters)
///   barrier (the slowest rank sets the end), then rank records --gather--> rank 0
/// Timing: every rank's PhaseTimer attributes each moment to one phase; item start/end are on
/// a common clock whose 0 is the end of a barrier just before compute starts.
/// Failures: a batch whose model call throws ModelError is retried item by item; items that
/// still fail are recorded as failed with the error and the job goes on. Any other exception
/// propagates (the caller aborts the job).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mpibatch/comm/communicator.h"
#include "mpibatch/encode/encoder.h"
#include "mpibatch/io/result_parts.h"
#include "mpibatch/io/result_writer.h"
#include "mpibatch/io/run_records.h"
#include "mpibatch/model/model_runner.h"
#include "mpibatch/pipeline/interrupt.h"
#include "mpibatch/sched/policy.h"
#include "mpibatch/timing/phase_timer.h"
#include "mpibatch/work/work_item.h"

namespace mpibatch::pipeline {

/// One item's outcome as it travels to rank 0.
struct ItemResult {
  io::ItemRecord record;
  model::ItemOutput output;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(record, output);
  }
};

/// Results kept from an earlier run of the same job (--resume).
struct ReusedResults {
  std::vector<io::ItemRecord> records;  ///< its ok items; these are not computed again
  /// The earlier run's outputs of one chapter (all its items, as in the earlier file). Called
  /// once per chapter holding reused items, when that chapter is written, so that only
  /// unfinished chapters are in memory. Throws InputError if they do not fit the records.
  std::function<io::ChapterOutput(std::uint32_t chapter)> load_chapter;
};

/// What rank 0 knows about the job; empty on other ranks.
struct WorkPlan {
  std::vector<work::WorkItem> items;        ///< reading order; items[i].id == i
  std::vector<io::ChapterRecord> chapters;  ///< reading order; items == 0 for empty chapters
  ReusedResults reused;
};

/// The plan for `book` split into `items` (work::split_book): chapter rows with title, source,
/// first item and item count, in reading order.
WorkPlan make_work_plan(const work::Book& book, std::vector<work::WorkItem> items);

struct PipelineOptions {
  std::string schedule = "dynamic";  ///< sched::make_policy
  std::vector<double> rank_weights;  ///< weighted: relative speed per rank; empty = measure
  int batch_size = 8;
  /// This rank's runner splits a batch over this many CUDA streams (gpu.streams on a GPU
  /// rank, else 1): its batches hold batch_size x streams items.
  int streams = 1;
  double progress_interval_s = 10.0;  ///< rank 0 logs progress at most this often
  /// Rank 0 reports a rank that holds items but has sent nothing for this long (and its own
  /// batch running this long), naming the item it is on; again after each further period.
  /// 0 = never (runtime.stall_timeout).
  double stall_timeout_s = 600.0;
  std::uint32_t attempt = 0;  ///< recorded in every item computed by this run
  /// A rank that sees the model fail on this many items in a row skips its remaining items
  /// (recorded with the reason); 0 = never.
  int max_consecutive_failures = 32;
  /// TESTING KNOB (runtime.simulate_speed): this rank's model calls are stretched by sleeping
  /// to 1/speed of their time, so a slower device is reproduced on one machine. 1 = real.
  double simulated_speed = 1.0;
  /// Return cached GPU memory to the driver before a batch that begins in another chapter than
  /// the last batch began (gpu.release_memory).
  bool release_memory = false;
  /// Polled between batches: the signal that interrupted rank `rank`, or 0 (NOTE
  /// [interruption]). Default: this process's interrupt_signal() (interrupt.h). Tests replace it.
  std::function<int(int rank)> interrupted = [](int) { return interrupt_signal(); };
  /// Rank 0: where finished chapters are also committed while the job runs (NOTE [result
  /// parts] in io/result_parts.h); null = nowhere.
  io::ResultParts* parts = nullptr;
  /// For tests and benchmarks: on rank 0, makes the policy instead of `schedule`.
  std::function<std::unique_ptr<sched::Policy>()> make_policy;
};

/// For --dry-run: the items each rank computes under a schedule that decides everything up
/// front (static, weighted with rank_weights): for every rank, indices into plan.items,
/// ascending; reused items are left out. std::nullopt for a schedule that decides at run time.
std::optional<std::vector<std::vector<std::size_t>>> assign_items(const WorkPlan& plan,
                                                                  const PipelineOptions& options,
                                                                  int ranks);

/// A rank's collaborators for one run.
struct RankContext {
  comm::Communicator& comm;
  model::ModelRunner& runner;
  const encode::Encoder& encoder;
  timing::PhaseTimer& timer;
};

struct PipelineResult {
  io::RankRecord self;  ///< this rank's row, completed
  /// The signal that interrupted the job (NOTE [interruption] in pipeline.cpp), or 0; on a
  /// worker, only as far as it knows.
  int interrupted_by = 0;
  // Rank 0 only:
  std::vector<io::RankRecord> ranks;        ///< every rank's row, rank order
  std::vector<io::ItemRecord> items;        ///< every item's row, id order
  std::vector<io::ChapterRecord> chapters;  ///< with output_length filled in
  std::uint64_t failed = 0;                 ///< items that failed
  std::vector<std::string> stalls;          ///< the stall reports logged (stall_timeout_s)
};

/// Runs the job. Collective: every rank calls it with the same options; rank 0 passes the
/// plan and the writer (chapters are written to it as they complete, commit is the
/// caller's), other ranks pass an empty plan and nullptr. `self` carries this rank's
/// device/thread fields; the rest of it is filled in.
PipelineResult run_pipeline(RankContext& ctx, const WorkPlan& plan, io::ResultWriter* writer,
                            const PipelineOptions& options, io::RankRecord self);

}  // namespace mpibatch::pipeline
