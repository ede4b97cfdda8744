#include "mpibatch/sched/simulator.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <numeric>
#include <optional>
#include <queue>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>

namespace mpibatch::sched {

double makespan_lower_bound(std::vector<double> costs, std::vector<double> speeds) {
  if (costs.empty() || speeds.empty()) return 0.0;
  const double total_cost = std::accumulate(costs.begin(), costs.end(), 0.0);
  const double total_speed = std::accumulate(speeds.begin(), speeds.end(), 0.0);
  double bound = total_cost / total_speed;
  const std::size_t k_max = std::min(costs.size(), speeds.size());
  std::partial_sort(costs.begin(), costs.begin() + static_cast<std::ptrdiff_t>(k_max), costs.end(),
                    std::greater<>());
  std::sort(speeds.begin(), speeds.end(), std::greater<>());
  double cost = 0.0;
  double speed = 0.0;
  for (std::size_t k = 0; k < k_max; ++k) {
    cost += costs[k];
    speed += speeds[k];
    bound = std::max(bound, cost / speed);
  }
  return bound;
}

namespace {

/// In the order they are handled at one instant (NOTE [simulated protocol]).
enum class EventKind { kComputeDone, kGrantAtRank, kReportAtRoot, kRequestAtRoot };

struct Event {
  double time;
  EventKind kind;
  std::size_t rank;
  bool operator>(const Event& other) const {
    return std::tie(time, kind, rank) > std::tie(other.time, other.kind, other.rank);
  }
};

struct Report {
  std::vector<ItemIndex> items;
  double seconds;
};

struct RankState {
  std::vector<ItemIndex> answer;                  ///< on its way from rank 0
  std::optional<std::vector<ItemIndex>> arrived;  ///< prefetched, waits for the running chunk
  std::vector<ItemIndex> running;
  double running_s = 0.0;
  bool computing = false;
  bool told_done = false;   ///< got an empty answer
  std::deque<Report> sent;  ///< reports on their way to rank 0, oldest first
  double stopped_at = 0.0;
};

/// One run of simulate(): the ranks' state and the event queue.
class Simulation {
 public:
  Simulation(Policy& policy, const std::vector<double>& costs, const std::vector<double>& speeds,
             const SimulationOptions& options)
      : policy_(policy),
        costs_(costs),
        speeds_(speeds),
        options_(options),
        ranks_(speeds.size()),
        handed_out_(costs.size(), false) {
    result_.busy_s.assign(speeds.size(), 0.0);
    result_.idle_s.assign(speeds.size(), 0.0);
    result_.items.assign(speeds.size(), 0);
    result_.lower_bound = makespan_lower_bound(costs, speeds);
  }

  SimulationResult run() {
    policy_.start(costs_, static_cast<int>(ranks_.size()));
    for (std::size_t r = 0; r < ranks_.size(); ++r) send_request(r, 0.0);
    while (!events_.empty()) {
      const Event e = events_.top();
      events_.pop();
      switch (e.kind) {
        case EventKind::kComputeDone:
          on_compute_done(e.rank, e.time);
          break;
        case EventKind::kGrantAtRank:
          on_answer(e.rank, e.time);
          break;
        case EventKind::kReportAtRoot:
          on_report(e.rank, e.time);
          break;
        case EventKind::kRequestAtRoot:
          on_request(e.rank, e.time);
          break;
      }
    }
    const auto missing = std::count(handed_out_.begin(), handed_out_.end(), false);
    if (missing > 0) {
      throw std::logic_error(policy_.name() + " policy never handed out " +
                             std::to_string(missing) + " item(s)");
    }
    for (std::size_t r = 0; r < ranks_.size(); ++r) {
      result_.idle_s[r] = std::max(0.0, ranks_[r].stopped_at - result_.busy_s[r]);
    }
    return std::move(result_);
  }

 private:
  double one_way_s(std::size_t rank) const {
    return (rank == 0 ? options_.rank0_latency_s : options_.request_latency_s) / 2;
  }

  void send_request(std::size_t rank, double now) {
    events_.push({now + one_way_s(rank), EventKind::kRequestAtRoot, rank});
  }

  /// Rank 0 takes a message that arrived at `now` when it is free; returns when it is done.
  double serve(double now) {
    root_free_at_ = std::max(now, root_free_at_) + options_.service_s;
    return root_free_at_;
  }

  void on_request(std::size_t rank, double arrived) {
    const double now = serve(arrived);
    std::vector<ItemIndex> chunk = policy_.next(static_cast<int>(rank), now);
    ++result_.requests;
    for (ItemIndex i : chunk) {
      if (i >= costs_.size() || handed_out_[i]) {
        throw std::logic_error(policy_.name() + " policy handed out item " + std::to_string(i) +
                               " twice or out of range");
      }
      handed_out_[i] = true;
    }
    if (!chunk.empty()) ++result_.chunks;
    ranks_[rank].answer = std::move(chunk);
    events_.push({now + one_way_s(rank), EventKind::kGrantAtRank, rank});
  }

  void on_answer(std::size_t rank, double now) {
    RankState& s = ranks_[rank];
    if (s.answer.empty()) {
      s.told_done = true;
      if (!s.computing) s.stopped_at = now;
    } else if (s.computing) {
      s.arrived = std::move(s.answer);
    } else {
      start_chunk(rank, std::move(s.answer), now);
    }
    s.answer = {};
  }

  void start_chunk(std::size_t rank, std::vector<ItemIndex> chunk, double now) {
    RankState& s = ranks_[rank];
    double cost = 0.0;
    for (ItemIndex i : chunk) cost += costs_[i];
    s.running_s = cost / speeds_[rank];
    s.computing = true;
    result_.busy_s[rank] += s.running_s;
    result_.items[rank] += chunk.size();
    s.running = std::move(chunk);
    events_.push({now + s.running_s, EventKind::kComputeDone, rank});
    if (options_.prefetch) send_request(rank, now);
  }

  void on_compute_done(std::size_t rank, double now) {
    RankState& s = ranks_[rank];
    s.computing = false;
    result_.makespan = std::max(result_.makespan, now);
    s.sent.push_back({std::move(s.running), s.running_s});
    events_.push({now + one_way_s(rank), EventKind::kReportAtRoot, rank});
    if (s.arrived) {
      std::vector<ItemIndex> next = std::move(*s.arrived);
      s.arrived.reset();
      start_chunk(rank, std::move(next), now);
    } else if (s.told_done) {
      s.stopped_at = now;
    } else if (!options_.prefetch) {
      send_request(rank, now);
    }  // else its request is outstanding: it waits for the answer
  }

  void on_report(std::size_t rank, double arrived) {
    serve(arrived);
    RankState& s = ranks_[rank];
    policy_.finished(static_cast<int>(rank), s.sent.front().items, s.sent.front().seconds);
    s.sent.pop_front();
  }

  Policy& policy_;
  const std::vector<double>& costs_;
  const std::vector<double>& speeds_;
  SimulationOptions options_;
  std::vector<RankState> ranks_;
  std::vector<bool> handed_out_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  double root_free_at_ = 0.0;  ///< when rank 0 is done with the messages taken so far
  SimulationResult result_;
};

}  // namespace

SimulationResult simulate(Policy& policy, const std::vector<double>& costs,
                          const std::vector<double>& speeds, const SimulationOptions& options) {
  return Simulation(policy, costs, speeds, options).run();
}

}  // namespace mpibatch::sched
