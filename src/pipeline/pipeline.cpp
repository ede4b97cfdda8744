#include "mpibatch/pipeline/pipeline.h"

#include <spdlog/spdlog.h>

#include <csignal>

#include "batch_worker.h"
#include "dispatcher.h"
#include "mpibatch/pipeline/interrupt.h"
#include "root_loop.h"
#include "wire.h"

namespace mpibatch::pipeline {
namespace {

using timing::Phase;

/// Bytes of results a worker may have in flight before it waits for rank 0 to take them.
constexpr std::size_t kMaxBytesInFlight = 256u << 20;
/// A worker that waits for its next chunk polls without sleeping for this much CPU time
/// first: the grant is due within one of rank 0's polls (NOTE [chunk protocol]); with short
/// items a sleep would cost more than the item (bench_rank0_capacity).
constexpr std::chrono::microseconds kGrantSpin{100};

// NOTE [interruption]: a signal on any rank (interrupt.h) ends the job within about one batch,
// with every item accounted for. A worker that sees its own signal tells rank 0
// (Control::kInterrupted). Rank 0, on its own signal or such a notice, hands out no more work
// (every request gets an empty grant) and sends Stop to every worker still working. From then
// on each rank records the items it still holds as skipped, with the reason, without calling
// the model; rank 0 does the same with the items never handed out. The job then ends as usual:
// the result file is written, the exit code is ExitCode::kInterrupted, and --resume runs the
// skipped items.

/// A worker rank: asks rank 0 for chunks (NOTE [chunk protocol]) and sends results per batch.
/// Returns the signal that interrupted the job, as far as this rank knows, or 0.
int run_worker(RankContext& ctx, BatchWorker& worker,
               const std::function<int(int)>& interrupted_by_signal) {
  comm::Communicator& comm = ctx.comm;
  timing::PhaseTimer& timer = ctx.timer;
  std::size_t in_flight = 0;
  auto deliver = [&](std::vector<ItemResult>&& results) {
    timing::ScopedPhase phase(timer, Phase::kComm);
    comm::Bytes bytes = wire::pack(results);
    in_flight += bytes.size();
    comm.send(0, wire::kTagResults, std::move(bytes));
    if (in_flight > kMaxBytesInFlight) {
      comm.wait_sends();
      in_flight = 0;
    }
  };
  auto control = [&](wire::Control::Kind kind, double seconds) {
    timing::ScopedPhase phase(timer, Phase::kComm);
    comm.send(0, wire::kTagControl, wire::pack(wire::Control{kind, seconds}));
  };
  auto next_chunk = [&] {
    timer.enter(Phase::kWait);
    const comm::Message grant = comm.receive(wire::kTagGrant, kGrantSpin);
    timing::ScopedPhase phase(timer, Phase::kComm);
    auto items = wire::unpack<std::vector<work::WorkItem>>(grant.data, "grant");
    spdlog::debug("chunk of {} items", items.size());
    return items;
  };
  int stop_signal = 0;
  std::string stop_reason;  // set once interrupted (NOTE [interruption])
  auto interrupted = [&] {
    if (!stop_reason.empty()) return true;
    if (const int signal = interrupted_by_signal(comm.rank())) {
      control(wire::Control::kInterrupted, signal);
      stop_signal = signal;
      stop_reason = interrupted_reason(signal, comm.rank());
    } else if (auto stop = comm.try_receive(wire::kTagStop)) {
      stop_signal = SIGTERM;  // some rank's signal; rank 0 records which
      stop_reason = wire::unpack<wire::Stop>(stop->data, "stop").reason;
    }
    return !stop_reason.empty();
  };
  const timing::Clock& clock = timer.clock();
  control(wire::Control::kRequest, 0.0);
  std::vector<work::WorkItem> chunk = next_chunk();
  while (!chunk.empty()) {
    // Prefetch: the next chunk comes while this one runs. A rank whose model keeps failing,
    // or that was interrupted, asks no more; the items it already holds are recorded as skipped.
    const bool asked = !worker.stopped() && !interrupted();
    if (asked) control(wire::Control::kRequest, 0.0);
    const double start = clock.now();
    std::vector<const work::WorkItem*> items;
    for (const work::WorkItem& item : chunk) items.push_back(&item);
    for (const auto& batch : worker.batches(items))
      deliver(interrupted() ? worker.skip_batch(batch, stop_reason) : worker.run_batch(batch));
    control(wire::Control::kReport, clock.now() - start);
    if (asked) {
      chunk = next_chunk();
    } else {
      control(wire::Control::kLeave, 0.0);
      chunk.clear();
    }
  }
  timer.enter(Phase::kComm);
  comm.wait_sends();
  return stop_signal;
}

}  // namespace

std::optional<std::vector<std::vector<std::size_t>>> assign_items(const WorkPlan& plan,
                                                                  const PipelineOptions& options,
                                                                  int ranks) {
  const auto policy = make_schedule_policy(options, ranks);
  std::vector<std::size_t> todo;
  std::vector<double> costs;
  pending_items(plan, todo, costs);
  policy->start(costs, ranks);
  if (!policy->is_static()) return std::nullopt;
  std::vector<std::vector<std::size_t>> shares(static_cast<std::size_t>(ranks));
  for (int r = 0; r < ranks; ++r) {
    for (sched::ItemIndex i : policy->next(r, 0.0)) {
      shares[static_cast<std::size_t>(r)].push_back(todo[i]);
    }
  }
  return shares;
}

WorkPlan make_work_plan(const work::Book& book, std::vector<work::WorkItem> items) {
  WorkPlan plan;
  plan.items = std::move(items);
  for (const work::Chapter& chapter : book.chapters) {
    io::ChapterRecord row;
    row.index = chapter.index;
    row.title = chapter.title;
    row.source = chapter.source;
    row.language = chapter.language;
    plan.chapters.push_back(std::move(row));
  }
  for (const work::WorkItem& item : plan.items) {
    io::ChapterRecord& row = plan.chapters.at(item.chapter);
    if (row.items++ == 0) row.first_item = item.id;
  }
  return plan;
}

PipelineResult run_pipeline(RankContext& ctx, const WorkPlan& plan, io::ResultWriter* writer,
                            const PipelineOptions& options, io::RankRecord self) {
  comm::Communicator& comm = ctx.comm;
  timing::PhaseTimer& timer = ctx.timer;
  const bool root = comm.rank() == 0;

  // 1. The common clock starts when every rank is ready.
  timer.enter(Phase::kWait);
  comm.barrier();
  const double epoch = timer.clock().now();

  // 2. Compute; results stream to rank 0, which assembles and writes chapters as they complete.
  BatchWorker worker(ctx, options, epoch);
  std::unique_ptr<RootLoop> root_loop;
  int interrupted_by = 0;
  if (root) {
    root_loop = std::make_unique<RootLoop>(ctx, plan, *writer, options, worker, epoch);
    root_loop->run();
  } else {
    interrupted_by = run_worker(ctx, worker, options.interrupted);
  }
  self.items = worker.items_done();
  self.items_failed = worker.items_failed();
  self.start = std::max(worker.first_start(), 0.0);
  self.end = worker.items_done() == 0 ? 0.0 : worker.last_end();
  if (const std::size_t limit = ctx.runner.batch_limit(); limit > 0) {  // after OOM back-off
    const auto per_stream = (limit + self.streams - 1) / self.streams;  // items per model call
    self.batch_size = std::min(self.batch_size, static_cast<std::int32_t>(per_stream));
  }
  self.gpu_memory_peak = ctx.runner.memory_peak();

  // 3. The slowest rank sets the end; then rank rows go to rank 0.
  timer.enter(Phase::kWait);
  comm.barrier();
  timer.enter(Phase::kFinalize);
  const timing::PhaseTimer::Totals totals = timer.totals();
  for (std::size_t p = 0; p < timing::kPhaseCount; ++p) self.phase_s[p] = totals.seconds[p];
  self.wall_s = totals.elapsed;
  const std::vector<comm::Bytes> rows = comm.gather(wire::pack(self), 0);

  PipelineResult result;
  result.self = self;
  if (root) {
    for (const comm::Bytes& row : rows) {
      result.ranks.push_back(wire::unpack<io::RankRecord>(row, "rank record"));
    }
    interrupted_by = root_loop->interrupted_by();
    result.stalls = root_loop->stalls();
    ChapterAssembler& assembler = root_loop->assembler();
    result.failed = assembler.failed();
    result.chapters = assembler.chapters();
    result.items = assembler.take_records();
  }
  result.interrupted_by = interrupted_by;
  return result;
}

}  // namespace mpibatch::pipeline
