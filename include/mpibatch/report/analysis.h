#pragma once
/// \file analyze(): every figure of `mpibatch report`, computed from one result file's records.
///
/// Pure functions of the records (no HDF5 here): tests build records by hand. The figures and
/// their definitions are documented in docs/reports.md; renderers (report/render.h) only
/// format them.
///
/// Time accounting per rank (from /ranks' phase seconds, which add up to its wall time):
///   busy = encode + compute   comm = comm   io = read + model_load + write
///   idle = wait + init + finalize (waiting for work, results or peers; start-up; shut-down)
/// \code
///   io::ResultReader reader("run.h5");
///   report::Analysis a = report::analyze(report::RunData::read(reader));
///   report::render_text(a, std::cout);
/// \endcode

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "mpibatch/io/result_reader.h"
#include "mpibatch/io/run_records.h"

namespace mpibatch::report {

/// What analyze() reads: a result file's records.
struct RunData {
  std::string path;  ///< the file, for titles
  io::RunInfo info;
  std::vector<io::RankRecord> ranks;
  std::vector<io::ItemRecord> items;
  std::vector<io::ChapterRecord> chapters;
  io::TrainRecords training;

  static RunData read(const io::ResultReader& reader);
};

struct RankFigures {
  std::int32_t rank = 0;
  std::string host;
  std::string device;       ///< "cpu", "cuda:0"
  std::string device_name;  ///< CPU model or GPU name
  std::uint64_t items = 0;  ///< items (or samples) it computed
  std::uint64_t failed = 0;
  double wall_s = 0.0;
  double busy_s = 0.0;
  double idle_s = 0.0;
  double comm_s = 0.0;
  double io_s = 0.0;
  double accounted = 0.0;          ///< (busy + idle + comm + io) / wall: 1 when nothing is missing
  double utilization = 0.0;        ///< busy / wall
  double items_per_s = 0.0;        ///< items / busy: its speed while working
  double work = 0.0;               ///< work units it did (chars when items carry them, else items)
  double speed = 0.0;              ///< work / busy
  double end = 0.0;                ///< common clock: done with its own work
  double longest_item_s = 0.0;     ///< encode + compute of its longest item
  std::uint64_t longest_item = 0;  ///< its id
  double simulated_speed = 1.0;    ///< below 1: slowed on purpose (runtime.simulate_speed)
};

struct Balance {
  double mean_busy_s = 0.0;
  double max_busy_s = 0.0;
  double balance = 1.0;    ///< mean busy / max busy (1 = perfect)
  double imbalance = 0.0;  ///< (max - mean) / max busy
  double cv = 0.0;         ///< coefficient of variation of busy (stddev / mean)
};

/// A rank that held the job back, and why.
struct Straggler {
  std::int32_t rank = 0;
  double end = 0.0;     ///< when it finished its own work
  double late_s = 0.0;  ///< end minus the mean end of the other ranks
  std::string cause;    ///< slow_device | huge_item | io_wait | too_much_work
  std::string reason;   ///< one sentence for people ("rank 2 (cpu) is 18x slower than ...")
};

struct SlowItem {
  std::uint64_t id = 0;
  std::uint32_t chapter = 0;
  std::int32_t rank = -1;
  io::ItemStatus status = io::ItemStatus::kOk;
  std::uint32_t chars = 0;
  double seconds = 0.0;  ///< encode + compute
  double start = 0.0;
  double end = 0.0;
  std::string error;  ///< why it failed; empty when ok
};

/// Per-epoch step breakdown of a train job, means over the ranks (seconds).
struct EpochFigures {
  std::uint32_t epoch = 0;
  std::uint32_t attempt = 0;
  std::uint64_t samples = 0;
  double seconds = 0.0;  ///< rank 0's wall time of the epoch
  double data_s = 0.0;
  double compute_s = 0.0;
  double allreduce_s = 0.0;
  double max_allreduce_s = 0.0;  ///< of the rank that waited longest
  double checkpoint_s = 0.0;
  double eval_s = 0.0;
  double train_loss = 0.0;
  double eval_accuracy = 0.0;  ///< NaN when not evaluated
};

/// One bar of the timeline: a batch (or, when aggregated, consecutive batches) on one rank.
struct TimelineBar {
  double start = 0.0;
  double end = 0.0;
  std::uint64_t first_item = 0;
  std::uint64_t last_item = 0;
  std::uint32_t chapter = 0;  ///< of the first item
  std::uint32_t items = 0;
  std::uint32_t failed = 0;
};

struct TimelineLane {
  std::int32_t rank = 0;
  std::string device;
  std::vector<TimelineBar> bars;  ///< by start time
};

struct Timeline {
  double end = 0.0;                 ///< latest bar end
  std::vector<TimelineLane> lanes;  ///< one per rank, by rank
  std::size_t batches = 0;          ///< bars before aggregation
  bool aggregated = false;          ///< bars merged across gaps shorter than one bin
};

struct WhatIf {
  double makespan_s = 0.0;         ///< measured: latest rank end
  double without_slowest_s = 0.0;  ///< estimate with the slowest rank removed
  std::int32_t slowest_rank = -1;
  double with_one_more_fastest_s = 0.0;  ///< estimate with one more rank like the fastest
  std::int32_t fastest_rank = -1;
};

struct Analysis {
  std::string path;
  io::RunInfo info;
  // run summary
  double wall_s = 0.0;      ///< longest rank wall time
  double makespan_s = 0.0;  ///< common clock 0 to the latest rank end
  std::uint64_t items = 0;  ///< items, or samples for dataset jobs
  std::uint64_t ok = 0;
  std::uint64_t failed = 0;
  std::uint64_t skipped = 0;
  std::uint64_t carried_over = 0;  ///< ok items kept from earlier attempts (--resume)
  std::uint64_t computed = 0;      ///< items (samples) computed by this attempt
  double throughput = 0.0;         ///< computed / makespan
  std::string devices;             ///< "2 x cpu, 1 x cuda"
  std::string work_unit;           ///< "chars" or "items"
  std::vector<RankFigures> ranks;
  Balance balance;
  double lower_bound_s = 0.0;           ///< max(total work / sum of rank speeds, longest item)
  double efficiency = 0.0;              ///< lower bound / makespan
  std::vector<Straggler> stragglers;    ///< empty when the ranks finished together
  std::vector<SlowItem> slowest_items;  ///< slowest first, at most kSlowestItems
  std::vector<EpochFigures> epochs;     ///< train jobs
  WhatIf what_if;
  Timeline timeline;
};

inline constexpr std::size_t kSlowestItems = 10;
/// Timeline bars kept before aggregating (over all lanes).
inline constexpr std::size_t kMaxTimelineBars = 50'000;

Analysis analyze(const RunData& run, std::size_t max_timeline_bars = kMaxTimelineBars);

/// The timeline alone: one lane per rank, one bar per batch that `attempt` computed (earlier
/// attempts ran on another clock); when there are more than max_bars, each lane's bars are
/// merged across gaps shorter than end x lanes / max_bars, so at most about max_bars remain.
Timeline build_timeline(const std::vector<io::ItemRecord>& items,
                        const std::vector<io::RankRecord>& ranks, std::size_t max_bars,
                        std::uint32_t attempt);

}  // namespace mpibatch::report
