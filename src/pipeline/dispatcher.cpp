#include "dispatcher.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "mpibatch/error.h"
#include "mpibatch/pipeline/interrupt.h"
#include "mpibatch/sched/dynamic_policy.h"
#include "wire.h"

namespace mpibatch::pipeline {

void pending_items(const WorkPlan& plan, std::vector<std::size_t>& todo,
                   std::vector<double>& costs) {
  std::vector<bool> reused(plan.items.size(), false);
  for (const io::ItemRecord& r : plan.reused.records) reused.at(r.id) = true;
  todo.clear();
  costs.clear();
  for (const work::WorkItem& item : plan.items) {
    if (reused[item.id]) continue;
    todo.push_back(item.id);
    costs.push_back(static_cast<double>(std::max<std::uint32_t>(item.chars, 1)));
  }
}

std::unique_ptr<sched::Policy> make_schedule_policy(const PipelineOptions& options, int ranks) {
  if (options.make_policy) return options.make_policy();
  sched::PolicyOptions policy;
  policy.rank_weights = options.rank_weights;
  policy.calibration_items = static_cast<std::size_t>(std::max(options.batch_size, 1));
  policy.min_chunk_s = sched::min_chunk_for(ranks, kRank0MessageSeconds);
  return sched::make_policy(options.schedule, policy);
}

Dispatcher::Dispatcher(const WorkPlan& plan, const PipelineOptions& options, int ranks)
    : plan_(plan),
      policy_(make_schedule_policy(options, ranks)),
      outstanding_(static_cast<std::size_t>(ranks)),
      done_(static_cast<std::size_t>(ranks), false),
      ranks_(ranks) {
  std::vector<double> costs;
  pending_items(plan, todo_, costs);
  handed_.assign(todo_.size(), false);
  policy_->start(costs, ranks);
}

std::vector<std::size_t> Dispatcher::next(int rank, double now) {
  const auto r = static_cast<std::size_t>(rank);
  std::vector<sched::ItemIndex> chunk;
  if (interrupt_signal_ == 0) chunk = policy_->next(rank, now);
  std::vector<std::size_t> items;
  items.reserve(chunk.size());
  for (sched::ItemIndex i : chunk) {
    if (handed_.at(i)) {
      throw std::logic_error("the " + policy_->name() + " policy handed out item " +
                             std::to_string(todo_[i]) + " twice");
    }
    handed_[i] = true;
    items.push_back(todo_[i]);
  }
  if (chunk.empty()) {
    mark_done(rank);
  } else {
    handed_out_ += chunk.size();
    outstanding_[r].push_back(std::move(chunk));
  }
  return items;
}

std::vector<const work::WorkItem*> Dispatcher::held_by(int rank) const {
  std::vector<const work::WorkItem*> items;
  for (const auto& chunk : outstanding_.at(static_cast<std::size_t>(rank)))
    for (sched::ItemIndex i : chunk) items.push_back(&plan_.items[todo_[i]]);
  return items;
}

int Dispatcher::busy_ranks() const {
  return static_cast<int>(std::count_if(outstanding_.begin(), outstanding_.end(),
                                        [](const auto& chunks) { return !chunks.empty(); }));
}

void Dispatcher::mark_done(int rank) {
  const auto r = static_cast<std::size_t>(rank);
  if (!done_[r] && rank != 0) ++workers_done_;
  done_[r] = true;
}

std::vector<const work::WorkItem*> Dispatcher::take_unassigned() {
  std::vector<const work::WorkItem*> items;
  for (std::size_t i = 0; i < todo_.size(); ++i) {
    if (handed_[i]) continue;
    handed_[i] = true;
    items.push_back(&plan_.items[todo_[i]]);
  }
  handed_out_ = todo_.size();
  return items;
}

void Dispatcher::interrupt(int signal, int rank, comm::Communicator& comm) {
  if (interrupt_signal_ != 0) return;
  interrupt_signal_ = signal;
  interrupt_reason_ = pipeline::interrupted_reason(signal, rank);
  spdlog::warn(
      "{} on rank {}: no new work is handed out; the batches in flight finish, the "
      "items not run are recorded as skipped; run the job again with --resume",
      signal_name(signal), rank);
  // Every worker still holding items: not done, or done (a static share, say) but not yet
  // reported.
  for (int r = 1; r < ranks_; ++r) {
    const auto w = static_cast<std::size_t>(r);
    if (!done_[w] || !outstanding_[w].empty())
      comm.send(r, wire::kTagStop, wire::pack(wire::Stop{interrupt_reason_}));
  }
}

void Dispatcher::root_leaves() {
  policy_->leave(0);
  mark_done(0);
}

std::vector<const work::WorkItem*> Dispatcher::next_for_root(double now) {
  std::vector<const work::WorkItem*> chunk;
  for (std::size_t i : next(0, now)) chunk.push_back(&plan_.items[i]);
  return chunk;
}

void Dispatcher::root_finished(double seconds) {
  policy_->finished(0, outstanding_[0].front(), seconds);
  outstanding_[0].pop_front();
}

void Dispatcher::handle(const comm::Message& message, comm::Communicator& comm, double now) {
  const auto control = wire::unpack<wire::Control>(message.data, "control");
  const int rank = message.source;
  auto& outstanding = outstanding_.at(static_cast<std::size_t>(rank));
  if (control.kind == wire::Control::kReport) {
    if (outstanding.empty()) {
      throw CommError("rank " + std::to_string(rank) + " reported a chunk it was never given");
    }
    policy_->finished(rank, outstanding.front(), control.seconds);
    outstanding.pop_front();
    return;
  }
  if (control.kind == wire::Control::kInterrupted) {
    interrupt(static_cast<int>(control.seconds), rank, comm);
    return;
  }
  if (control.kind == wire::Control::kLeave && interrupt_signal_ != 0) {
    mark_done(rank);  // it skipped what it held
    return;
  }
  if (control.kind == wire::Control::kLeave) {
    spdlog::warn("rank {} takes no more work; the other ranks run what is left", rank);
    policy_->leave(rank);
    mark_done(rank);
    return;
  }
  std::vector<work::WorkItem> grant;
  for (std::size_t i : next(rank, now)) grant.push_back(plan_.items[i]);
  spdlog::trace("rank {} gets {} items", rank, grant.size());
  comm.send(rank, wire::kTagGrant, wire::pack(grant));
}

}  // namespace mpibatch::pipeline
