#include "stragglers.h"

#include <fmt/format.h>

#include <algorithm>

namespace mpibatch::report {
namespace {

constexpr double kLateShare = 0.05;  // of the makespan
constexpr std::size_t kMaxStragglers = 3;

double median_item_seconds(const std::vector<io::ItemRecord>& items, std::uint32_t attempt) {
  std::vector<double> seconds;
  for (const io::ItemRecord& item : items)
    if (item.attempt == attempt && item.rank >= 0 && item.status != io::ItemStatus::kSkipped)
      seconds.push_back(item.encode_s + item.compute_s);
  if (seconds.empty()) return 0.0;
  auto middle = seconds.begin() + static_cast<std::ptrdiff_t>(seconds.size() / 2);
  std::nth_element(seconds.begin(), middle, seconds.end());
  return *middle;
}

const io::ItemRecord* item_by_id(const std::vector<io::ItemRecord>& items, std::uint64_t id) {
  auto it =
      std::lower_bound(items.begin(), items.end(), id,
                       [](const io::ItemRecord& item, std::uint64_t v) { return item.id < v; });
  return it != items.end() && it->id == id ? &*it : nullptr;
}

/// What a static schedule user should change, or nothing when work is already handed out live.
std::string schedule_advice(const std::string& schedule) {
  return schedule == "static" ? "; schedule: dynamic (or weighted) hands out work by speed" : "";
}

Straggler explain(const Analysis& a, const RankFigures& late, double late_s, double median_item_s,
                  const std::vector<io::ItemRecord>& items) {
  Straggler s{late.rank, late.end, late_s, "", ""};
  const RankFigures* fastest = nullptr;
  double total_work = 0.0, total_speed = 0.0;
  for (const RankFigures& f : a.ranks) {
    total_work += f.work;
    total_speed += f.speed;
    if (f.rank != late.rank && (!fastest || f.speed > fastest->speed)) fastest = &f;
  }
  if (late.longest_item_s > 0.5 * late_s && late.longest_item_s > 4 * median_item_s) {
    const io::ItemRecord* item = item_by_id(items, late.longest_item);
    s.cause = "huge_item";
    s.reason = fmt::format(
        "rank {} spent {:.3f} s on one item (id {}{}), {:.0f}x the median item; split long "
        "items (input.max_chars) so no single item outlasts the others",
        late.rank, late.longest_item_s, late.longest_item,
        item ? fmt::format(", chapter {}, {} chars", item->chapter, item->chars) : "",
        median_item_s > 0 ? late.longest_item_s / median_item_s : 0.0);
  } else if (fastest && late.speed > 0 && late.speed < fastest->speed * 2.0 / 3.0) {
    s.cause = "slow_device";
    s.reason = fmt::format(
        "rank {} ({}) is {:.1f}x slower than rank {} ({}): {:.1f} against {:.1f} {}/s{}", late.rank,
        late.device, fastest->speed / late.speed, fastest->rank, fastest->device, late.speed,
        fastest->speed, a.work_unit,
        a.info.schedule == "static" ? schedule_advice(a.info.schedule)
                                    : "; smaller batches end its last one sooner, or drop it "
                                      "(see what-if)");
  } else if (late.io_s > 0.5 * late_s) {
    s.cause = "io_wait";
    s.reason = fmt::format(
        "rank {} spent {:.3f} s reading input, loading the model and writing "
        "results; faster storage or a smaller model file shortens it",
        late.rank, late.io_s);
  } else {
    s.cause = "too_much_work";
    s.reason = fmt::format("rank {} did {:.1f}% of the work where its speed gives it {:.1f}%{}",
                           late.rank, total_work > 0 ? 100.0 * late.work / total_work : 0.0,
                           total_speed > 0 ? 100.0 * late.speed / total_speed : 0.0,
                           schedule_advice(a.info.schedule));
  }
  return s;
}

}  // namespace

std::vector<Straggler> find_stragglers(const Analysis& a,
                                       const std::vector<io::ItemRecord>& items) {
  std::vector<Straggler> stragglers;
  const std::size_t n = a.ranks.size();
  if (n < 2 || a.makespan_s <= 0) return stragglers;
  double sum_end = 0.0;
  for (const RankFigures& f : a.ranks) sum_end += f.end;
  const double median_item_s = median_item_seconds(items, a.info.attempt);
  for (const RankFigures& f : a.ranks) {
    const double late_s = f.end - (sum_end - f.end) / static_cast<double>(n - 1);
    if (late_s > kLateShare * a.makespan_s)
      stragglers.push_back(explain(a, f, late_s, median_item_s, items));
  }
  std::sort(stragglers.begin(), stragglers.end(),
            [](const Straggler& x, const Straggler& y) { return x.end > y.end; });
  if (stragglers.size() > kMaxStragglers) stragglers.resize(kMaxStragglers);
  return stragglers;
}

}  // namespace mpibatch::report
