#include "mpibatch/report/analysis.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <utility>

#include "stragglers.h"

namespace mpibatch::report {
namespace {
using timing::Phase;

bool computed_by(const io::ItemRecord& item, std::uint32_t attempt) {
  return item.attempt == attempt && item.rank >= 0 && item.status != io::ItemStatus::kSkipped;
}

RankFigures rank_figures(const io::RankRecord& r) {
  RankFigures f;
  f.rank = r.rank;
  f.host = r.host;
  f.device = r.device;
  f.device_name = r.device_name;
  f.items = r.items;
  f.failed = r.items_failed;
  f.wall_s = r.wall_s;
  f.busy_s = r.phase(Phase::kEncode) + r.phase(Phase::kCompute);
  f.comm_s = r.phase(Phase::kComm);
  f.io_s = r.phase(Phase::kRead) + r.phase(Phase::kModelLoad) + r.phase(Phase::kWrite);
  f.idle_s = r.phase(Phase::kWait) + r.phase(Phase::kInit) + r.phase(Phase::kFinalize);
  if (r.wall_s > 0) {
    f.accounted = (f.busy_s + f.idle_s + f.comm_s + f.io_s) / r.wall_s;
    f.utilization = f.busy_s / r.wall_s;
  }
  if (f.busy_s > 0) f.items_per_s = static_cast<double>(f.items) / f.busy_s;
  f.end = r.end;
  f.simulated_speed = r.simulated_speed;
  return f;
}

/// Work per rank from the items this attempt computed: code points when the items carry them
/// (a sentence's cost grows with its length), else items. Also each rank's longest item.
/// Dataset jobs have no item rows: their work is the rank's sample count.
void add_work(Analysis& a, const RunData& run) {
  std::map<std::int32_t, RankFigures*> by_rank;
  for (RankFigures& f : a.ranks) by_rank[f.rank] = &f;
  bool chars = false;
  for (const io::ItemRecord& item : run.items)
    chars = chars || (computed_by(item, run.info.attempt) && item.chars > 0);
  a.work_unit = chars ? "chars" : "items";
  if (run.items.empty()) {
    for (RankFigures& f : a.ranks) f.work = static_cast<double>(f.items);
    a.work_unit = a.info.job_kind == "train" ? "samples" : "items";
  }
  for (const io::ItemRecord& item : run.items) {
    if (!computed_by(item, run.info.attempt)) continue;
    auto it = by_rank.find(item.rank);
    if (it == by_rank.end()) continue;
    RankFigures& f = *it->second;
    f.work += chars ? item.chars : 1.0;
    const double seconds = item.encode_s + item.compute_s;
    if (seconds > f.longest_item_s) {
      f.longest_item_s = seconds;
      f.longest_item = item.id;
    }
  }
  for (RankFigures& f : a.ranks) f.speed = f.busy_s > 0 ? f.work / f.busy_s : 0.0;
}

void count_items(Analysis& a, const RunData& run) {
  for (const io::RankRecord& r : run.ranks) a.computed += r.items;
  if (run.items.empty()) {  // dataset jobs: counts from /ranks
    for (const io::RankRecord& r : run.ranks) a.failed += r.items_failed;
    a.items = a.computed;
    a.ok = a.items - a.failed;
    return;
  }
  a.items = run.items.size();
  for (const io::ItemRecord& item : run.items) {
    a.ok += item.status == io::ItemStatus::kOk;
    a.failed += item.status == io::ItemStatus::kFailed;
    a.skipped += item.status == io::ItemStatus::kSkipped;
    a.carried_over += item.status == io::ItemStatus::kOk && item.attempt < run.info.attempt;
  }
}

std::string device_counts(const std::vector<RankFigures>& ranks) {
  std::vector<std::pair<std::string, int>> counts;  // in order of first appearance
  for (const RankFigures& f : ranks) {
    const std::string kind = f.device.substr(0, f.device.find(':'));
    auto it = std::find_if(counts.begin(), counts.end(), [&](auto& c) { return c.first == kind; });
    if (it == counts.end())
      counts.emplace_back(kind, 1);
    else
      ++it->second;
  }
  std::string text;
  for (const auto& [kind, n] : counts)
    text += (text.empty() ? "" : ", ") + std::to_string(n) + " x " + kind;
  return text;
}

Balance balance_of(const std::vector<RankFigures>& ranks) {
  Balance b;
  if (ranks.empty()) return b;
  for (const RankFigures& f : ranks) {
    b.mean_busy_s += f.busy_s;
    b.max_busy_s = std::max(b.max_busy_s, f.busy_s);
  }
  b.mean_busy_s /= static_cast<double>(ranks.size());
  double variance = 0.0;
  for (const RankFigures& f : ranks)
    variance += (f.busy_s - b.mean_busy_s) * (f.busy_s - b.mean_busy_s);
  variance /= static_cast<double>(ranks.size());
  if (b.max_busy_s > 0) {
    b.balance = b.mean_busy_s / b.max_busy_s;
    b.imbalance = (b.max_busy_s - b.mean_busy_s) / b.max_busy_s;
  }
  if (b.mean_busy_s > 0) b.cv = std::sqrt(variance) / b.mean_busy_s;
  return b;
}

/// The shortest possible makespan at the measured speeds: all work spread so every rank ends
/// together, but never shorter than the longest single item.
double lower_bound(double work, double total_speed, double longest_item_s) {
  return std::max(total_speed > 0 ? work / total_speed : 0.0, longest_item_s);
}

/// Estimates with one rank fewer (the slowest) or more (like the fastest): the work spread by
/// speed (as the dynamic schedule does), plus the ranks' mean time in the compute window that
/// was not busy (start-up, messages, I/O, waiting), which does not shrink with more ranks.
WhatIf what_if(const Analysis& a, double work, double total_speed, double longest_item_s) {
  WhatIf w;
  w.makespan_s = a.makespan_s;
  if (a.lower_bound_s <= 0 || a.ranks.empty()) return w;
  double overhead_s = 0.0;
  for (const RankFigures& f : a.ranks) overhead_s += std::max(0.0, f.end - f.busy_s);
  overhead_s /= static_cast<double>(a.ranks.size());
  const auto by_speed = [](const RankFigures& x, const RankFigures& y) {
    return x.speed < y.speed;
  };
  const RankFigures& slowest = *std::min_element(a.ranks.begin(), a.ranks.end(), by_speed);
  const RankFigures& fastest = *std::max_element(a.ranks.begin(), a.ranks.end(), by_speed);
  if (a.ranks.size() > 1) {
    w.slowest_rank = slowest.rank;
    w.without_slowest_s =
        lower_bound(work, total_speed - slowest.speed, longest_item_s) + overhead_s;
  }
  w.fastest_rank = fastest.rank;
  w.with_one_more_fastest_s =
      lower_bound(work, total_speed + fastest.speed, longest_item_s) + overhead_s;
  return w;
}

std::vector<SlowItem> slowest_items(const RunData& run) {
  std::vector<const io::ItemRecord*> computed;
  for (const io::ItemRecord& item : run.items)
    if (computed_by(item, run.info.attempt)) computed.push_back(&item);
  const auto seconds = [](const io::ItemRecord* i) { return i->encode_s + i->compute_s; };
  const std::size_t n = std::min(kSlowestItems, computed.size());
  std::partial_sort(computed.begin(), computed.begin() + static_cast<std::ptrdiff_t>(n),
                    computed.end(), [&](auto* x, auto* y) {
                      return seconds(x) != seconds(y) ? seconds(x) > seconds(y) : x->id < y->id;
                    });
  std::vector<SlowItem> slow;
  for (std::size_t i = 0; i < n; ++i) {
    const io::ItemRecord& item = *computed[i];
    slow.push_back({item.id, item.chapter, item.rank, item.status, item.chars, seconds(&item),
                    item.start, item.end, item.error});
  }
  return slow;
}

/// Per (epoch, attempt): the ranks' mean breakdown, joined with /train/epochs.
std::vector<EpochFigures> epoch_figures(const io::TrainRecords& training) {
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::pair<EpochFigures, int>> groups;
  for (const io::RankEpochRecord& row : training.rank_epochs) {
    auto& [e, ranks] = groups[{row.epoch, row.attempt}];
    e.epoch = row.epoch;
    e.attempt = row.attempt;
    e.samples += row.samples;
    e.data_s += row.data_s;
    e.compute_s += row.compute_s;
    e.allreduce_s += row.allreduce_s;
    e.max_allreduce_s = std::max(e.max_allreduce_s, row.allreduce_s);
    e.checkpoint_s += row.checkpoint_s;
    e.eval_s += row.eval_s;
    ++ranks;
  }
  std::vector<EpochFigures> epochs;
  for (auto& [key, group] : groups) {
    auto& [e, ranks] = group;
    for (double* mean : {&e.data_s, &e.compute_s, &e.allreduce_s, &e.checkpoint_s, &e.eval_s})
      *mean /= ranks;
    e.train_loss = e.eval_accuracy = std::numeric_limits<double>::quiet_NaN();
    for (const io::EpochRecord& row : training.epochs) {
      if (row.epoch != e.epoch || row.attempt != e.attempt) continue;
      e.seconds = row.seconds;
      e.train_loss = row.train_loss;
      e.eval_accuracy = row.eval_accuracy;
    }
    epochs.push_back(e);
  }
  return epochs;
}

}  // namespace

RunData RunData::read(const io::ResultReader& reader) {
  return {reader.path(),  reader.info(),     reader.ranks(),
          reader.items(), reader.chapters(), reader.training()};
}

Analysis analyze(const RunData& run, std::size_t max_timeline_bars) {
  Analysis a;
  a.path = run.path;
  a.info = run.info;
  for (const io::RankRecord& r : run.ranks) {
    a.ranks.push_back(rank_figures(r));
    a.wall_s = std::max(a.wall_s, r.wall_s);
    a.makespan_s = std::max(a.makespan_s, r.end);
  }
  count_items(a, run);
  if (a.makespan_s > 0) a.throughput = static_cast<double>(a.computed) / a.makespan_s;
  a.devices = device_counts(a.ranks);
  add_work(a, run);
  a.balance = balance_of(a.ranks);

  double work = 0.0, total_speed = 0.0, longest_item_s = 0.0;
  for (const RankFigures& f : a.ranks) {
    work += f.work;
    total_speed += f.speed;
    longest_item_s = std::max(longest_item_s, f.longest_item_s);
  }
  a.lower_bound_s = lower_bound(work, total_speed, longest_item_s);
  if (a.makespan_s > 0) a.efficiency = a.lower_bound_s / a.makespan_s;
  a.what_if = what_if(a, work, total_speed, longest_item_s);
  a.slowest_items = slowest_items(run);
  a.stragglers = find_stragglers(a, run.items);
  if (run.info.job_kind == "train") a.epochs = epoch_figures(run.training);
  a.timeline = build_timeline(run.items, run.ranks, max_timeline_bars, run.info.attempt);
  return a;
}

}  // namespace mpibatch::report
