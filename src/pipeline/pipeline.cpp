#include "mpibatch/pipeline/pipeline.h"

#include <spdlog/spdlog.h>

#include "batch_worker.h"
#include "chapter_assembler.h"
#include "mpibatch/sched/policy.h"
#include "progress.h"
#include "wire.h"

namespace mpibatch::pipeline {
namespace {

using timing::Phase;

/// Bytes of results a worker may have in flight before it waits for rank 0 to take them.
constexpr std::size_t kMaxBytesInFlight = 256u << 20;

/// Rank 0: every rank's share of the items, as scatter parts.
std::vector<comm::Bytes> plan_shares(const WorkPlan& plan, const std::string& schedule, int ranks) {
  std::vector<comm::Bytes> parts;
  for (const auto& indices : assign_items(plan, schedule, ranks)) {
    std::vector<work::WorkItem> share;
    share.reserve(indices.size());
    for (std::size_t i : indices) share.push_back(plan.items[i]);
    parts.push_back(wire::pack(share));
  }
  return parts;
}

}  // namespace

std::vector<std::vector<std::size_t>> assign_items(const WorkPlan& plan,
                                                   const std::string& schedule, int ranks) {
  std::vector<bool> reused(plan.items.size(), false);
  for (const io::ItemRecord& r : plan.reused.records) reused.at(r.id) = true;
  std::vector<std::size_t> todo;
  std::vector<double> costs;
  for (const auto& item : plan.items) {
    if (reused[item.id]) continue;
    todo.push_back(item.id);
    costs.push_back(static_cast<double>(std::max<std::uint32_t>(item.chars, 1)));
  }
  const auto policy = sched::make_policy(schedule);
  if (!policy->is_static()) throw Error("policy '" + schedule + "' needs the dynamic dispatcher");
  policy->start(costs, ranks);
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
  const timing::Clock& clock = timer.clock();
  const bool root = comm.rank() == 0;

  // 1. Distribute: rank 0 decides every rank's share and scatters it.
  timer.enter(Phase::kComm);
  const std::vector<comm::Bytes> parts =
      root ? plan_shares(plan, options.schedule, comm.size()) : std::vector<comm::Bytes>{};
  const auto mine = wire::unpack<std::vector<work::WorkItem>>(comm.scatter(parts, 0), "work share");
  spdlog::debug("received {} items", mine.size());

  // 2. The common clock starts when every rank is ready.
  timer.enter(Phase::kWait);
  comm.barrier();
  const double epoch = clock.now();

  // 3. Compute; results stream to rank 0, which assembles and writes chapters as they complete.
  // Rank 0's own bookkeeping between batches counts as comm (and its writes as write).
  std::unique_ptr<ChapterAssembler> assembler;
  std::unique_ptr<Progress> progress;
  const std::uint64_t reused = plan.reused.records.size();
  if (root) {
    assembler = std::make_unique<ChapterAssembler>(plan.chapters, plan.items.size(), plan.reused,
                                                   *writer, timer);
    progress =
        std::make_unique<Progress>(plan.items.size() - reused, clock, options.progress_interval_s);
  }
  auto take = [&](std::vector<ItemResult>&& results) {
    for (ItemResult& r : results) assembler->add(std::move(r));
    progress->update(assembler->received() - reused, assembler->failed());
  };
  std::size_t in_flight = 0;
  auto deliver = [&](std::vector<ItemResult>&& results) {
    timing::ScopedPhase phase(timer, Phase::kComm);
    if (root) {
      take(std::move(results));
      return;
    }
    comm::Bytes bytes = wire::pack(results);
    in_flight += bytes.size();
    comm.send(0, wire::kTagResults, std::move(bytes));
    if (in_flight > kMaxBytesInFlight) {
      comm.wait_sends();
      in_flight = 0;
    }
  };
  auto between = [&] {
    if (!root) return;
    timing::ScopedPhase phase(timer, Phase::kComm);
    while (auto message = comm.try_receive(wire::kTagResults)) {
      take(wire::unpack<std::vector<ItemResult>>(message->data, "results"));
    }
  };
  BatchWorker worker(ctx, options, epoch);
  worker.run(mine, deliver, between);
  self.items = worker.items_done();
  self.items_failed = worker.items_failed();
  self.start = std::max(worker.first_start(), 0.0);
  self.end = mine.empty() ? 0.0 : worker.last_end();

  // 4. Rank 0 takes the remaining results; workers make sure theirs went out.
  if (root) {
    while (!assembler->complete()) {
      timer.enter(Phase::kWait);
      comm::Message message = comm.receive(wire::kTagResults);
      timer.enter(Phase::kComm);
      take(wire::unpack<std::vector<ItemResult>>(message.data, "results"));
    }
    progress->finish(assembler->received() - reused, assembler->failed());
  } else {
    timer.enter(Phase::kComm);
    comm.wait_sends();
  }

  // 5. The slowest rank sets the end; then rank rows go to rank 0.
  timer.enter(Phase::kWait);
  comm.barrier();
  timer.enter(Phase::kFinalize);
  for (std::size_t p = 0; p < timing::kPhaseCount; ++p) {
    self.phase_s[p] = timer.seconds(static_cast<Phase>(p));
  }
  self.wall_s = timer.elapsed();
  const std::vector<comm::Bytes> rows = comm.gather(wire::pack(self), 0);

  PipelineResult result;
  result.self = self;
  if (root) {
    for (const comm::Bytes& row : rows) {
      result.ranks.push_back(wire::unpack<io::RankRecord>(row, "rank record"));
    }
    result.failed = assembler->failed();
    result.chapters = assembler->chapters();
    result.items = assembler->take_records();
  }
  return result;
}

}  // namespace mpibatch::pipeline
