#include "root_loop.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/packaged_task.hpp>
#include <boost/asio/post.hpp>

#include "mpibatch/comm/backoff.h"
#include "mpibatch/pipeline/interrupt.h"
#include "wire.h"

namespace mpibatch::pipeline {

using timing::Phase;

namespace {

/// Longest sleep of rank 0 between polls while its own batch runs (NOTE [serving cadence]).
constexpr std::chrono::microseconds kServeMaxDelay{2000};

}  // namespace

RootLoop::RootLoop(RankContext& ctx, const WorkPlan& plan, io::ResultWriter& writer,
                   const PipelineOptions& options, BatchWorker& worker, double epoch)
    : ctx_(ctx),
      worker_(worker),
      epoch_(epoch),
      dispatcher_(plan, options, ctx.comm.size()),
      assembler_(plan.chapters, plan.items.size(), plan.reused, writer, ctx.timer, options.parts),
      parts_(options.parts),
      progress_(plan.items.size() - plan.reused.records.size(), ctx.comm.size(), ctx.timer.clock(),
                options.progress_interval_s),
      reused_(plan.reused.records.size()),
      interrupted_by_signal_(options.interrupted),
      stall_timeout_s_(options.stall_timeout_s),
      last_message_(static_cast<std::size_t>(ctx.comm.size()), 0.0),
      last_report_(static_cast<std::size_t>(ctx.comm.size()), 0.0) {}

double RootLoop::now() const { return ctx_.timer.clock().now() - epoch_; }

bool RootLoop::poll() {
  bool any = false;
  while (auto message = ctx_.comm.try_receive(wire::kTagControl)) {
    last_message_[static_cast<std::size_t>(message->source)] = now();
    dispatcher_.handle(*message, ctx_.comm, now());
    any = true;
  }
  while (auto message = ctx_.comm.try_receive(wire::kTagResults)) {
    last_message_[static_cast<std::size_t>(message->source)] = now();
    received_.push_back(std::move(message->data));
    any = true;
  }
  return any;
}

std::vector<ItemResult> RootLoop::serve_while(std::future<std::vector<ItemResult>>& batch) {
  // NOTE [serving cadence]: at least one poll per batch, else with short batches the workers
  // would wait for rank 0's whole chunk (requests unanswered, sends piling up). Then sleeps
  // of up to kServeMaxDelay, or kTransferMaxDelay while a message is arriving (its data moves
  // only while rank 0 polls). Each wake-up interrupts rank 0's own batch: at 200 µs rank 0
  // computed ~25% slower than when it polled only between batches (2 ranks on a 2-core VM,
  // bench/hetero's jobs), at 2 ms ~5%. Workers ask for their next chunk one chunk ahead, so
  // a 2 ms answer is in time unless their chunks are shorter than that.
  comm::Backoff backoff(std::chrono::microseconds::zero(), kServeMaxDelay);
  do {
    if (poll()) backoff.reset();
    show_progress();  // on time even while rank 0's own batch is long
    check_stalls();
  } while (batch.wait_for(ctx_.comm.receiving()
                              ? std::min(backoff.next_delay(), comm::Backoff::kTransferMaxDelay)
                              : backoff.next_delay()) != std::future_status::ready);
  return batch.get();
}

void RootLoop::take(std::vector<ItemResult>&& results) {
  timing::ScopedPhase phase(ctx_.timer, Phase::kComm);
  for (ItemResult& r : results) assembler_.add(std::move(r));
  for (const comm::Bytes& bytes : received_) {
    for (ItemResult& r : wire::unpack<std::vector<ItemResult>>(bytes, "results")) {
      assembler_.add(std::move(r));
    }
  }
  received_.clear();
  if (parts_ && parts_->due()) {
    timing::ScopedPhase write(ctx_.timer, Phase::kWrite);
    parts_->commit();
  }
  show_progress();
  check_stalls();
}

void RootLoop::check_stalls() {
  if (stall_timeout_s_ <= 0) return;
  const double t = now();
  const auto due = [&](int rank, double since) {
    return t - since >= stall_timeout_s_ &&
           t - last_report_[static_cast<std::size_t>(rank)] >= stall_timeout_s_;
  };
  if (running_batch_ && !running_batch_->empty() && due(0, running_since_)) {
    report_stall(0, t - running_since_, running_batch_->size(), *running_batch_->front());
  }
  for (int rank = 1; rank < ctx_.comm.size(); ++rank) {
    if (!due(rank, last_message_[static_cast<std::size_t>(rank)])) continue;
    const std::vector<const work::WorkItem*> held = dispatcher_.held_by(rank);
    const auto current = std::find_if(held.begin(), held.end(), [&](const work::WorkItem* item) {
      return !assembler_.has(item->id);
    });
    if (current != held.end()) {
      report_stall(rank, t - last_message_[static_cast<std::size_t>(rank)], held.size(), **current);
    }
  }
}

void RootLoop::report_stall(int rank, double silent_s, std::size_t held,
                            const work::WorkItem& item) {
  last_report_[static_cast<std::size_t>(rank)] = now();
  stalls_.push_back(fmt::format(
      "rank {} {} for {:.0f} s (runtime.stall_timeout {:g} s) holding {} items; it is on item {} "
      "(chapter {}, #{}, {} chars): a hung model call or device? The job keeps waiting; end it "
      "(a signal writes what is done) and run again with --resume",
      rank, rank == 0 ? "has run its batch" : "has sent nothing", silent_s, stall_timeout_s_, held,
      item.id, item.chapter, item.index, item.chars));
  spdlog::warn("{}", stalls_.back());
}

void RootLoop::show_progress() {
  progress_.update(assembler_.received() - reused_, assembler_.failed(), dispatcher_.busy_ranks());
}

bool RootLoop::interrupted() {
  if (const int signal = interrupted_by_signal_(0)) dispatcher_.interrupt(signal, 0, ctx_.comm);
  return dispatcher_.interrupted_by() != 0;
}

void RootLoop::run_leftovers() {
  const std::vector<const work::WorkItem*> items = dispatcher_.take_unassigned();
  spdlog::debug("{} items no other rank can take: rank 0 runs them", items.size());
  run_chunk(items);  // a stopped worker records them as skipped without calling the model
}

double RootLoop::run_chunk(const std::vector<const work::WorkItem*>& chunk) {
  double busy_s = 0.0;
  for (const auto& batch : worker_.batches(chunk)) {
    if (interrupted()) {  // NOTE [interruption]
      take(worker_.skip_batch(batch, dispatcher_.interrupted_reason()));
      continue;
    }
    running_batch_ = &batch;
    running_since_ = now();
    auto running = boost::asio::post(
        compute_, std::packaged_task<std::vector<ItemResult>()>([this, &batch, &busy_s] {
          const double start = now();
          std::vector<ItemResult> results = worker_.run_batch(batch);
          busy_s += now() - start;  // read after the future is ready
          return results;
        }));
    std::vector<ItemResult> results = serve_while(running);
    running_batch_ = nullptr;
    take(std::move(results));
  }
  return busy_s;
}

void RootLoop::run() {
  for (;;) {
    ctx_.timer.enter(Phase::kComm);
    poll();
    take({});
    interrupted();
    if (worker_.stopped()) {  // the model keeps failing here: the workers run what is left
      dispatcher_.root_leaves();
      break;
    }
    const std::vector<const work::WorkItem*> chunk = dispatcher_.next_for_root(now());
    spdlog::debug("chunk of {} items", chunk.size());
    if (chunk.empty()) break;
    dispatcher_.root_finished(run_chunk(chunk));
  }
  // Rank 0 is done computing: serve until every worker is done and every result is in.
  comm::Backoff backoff(std::chrono::microseconds::zero(), comm::Backoff::kTransferMaxDelay);
  while (!dispatcher_.workers_done() || !assembler_.complete()) {
    ctx_.timer.enter(Phase::kComm);
    const bool any = poll();
    take({});
    interrupted();
    if (dispatcher_.workers_done() && dispatcher_.unassigned() > 0) {
      run_leftovers();
      continue;
    }
    if (any) {
      backoff.reset();
    } else {
      ctx_.timer.enter(Phase::kWait);
      backoff.pause();
    }
  }
  progress_.finish(assembler_.received() - reused_, assembler_.failed());
}

}  // namespace mpibatch::pipeline
