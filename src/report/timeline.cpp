#include <algorithm>
#include <numeric>

#include "mpibatch/report/analysis.h"

namespace mpibatch::report {
namespace {

/// Merges, in each lane, bars separated by less than `gap_s`; bars stay in start order.
void aggregate(Timeline& timeline, double gap_s) {
  for (TimelineLane& lane : timeline.lanes) {
    std::vector<TimelineBar> merged;
    for (const TimelineBar& bar : lane.bars) {
      if (!merged.empty() && bar.start - merged.back().end < gap_s) {
        TimelineBar& last = merged.back();
        last.end = std::max(last.end, bar.end);
        last.first_item = std::min(last.first_item, bar.first_item);
        last.last_item = std::max(last.last_item, bar.last_item);
        last.items += bar.items;
        last.failed += bar.failed;
      } else {
        merged.push_back(bar);
      }
    }
    lane.bars = std::move(merged);
  }
  timeline.aggregated = true;
}

}  // namespace

Timeline build_timeline(const std::vector<io::ItemRecord>& items,
                        const std::vector<io::RankRecord>& ranks, std::size_t max_bars,
                        std::uint32_t attempt) {
  Timeline timeline;
  std::vector<std::size_t> lane_of;  // rank -> lane
  for (const io::RankRecord& rank : ranks) {
    const auto r = static_cast<std::size_t>(std::max(rank.rank, 0));
    if (lane_of.size() <= r) lane_of.resize(r + 1, ranks.size());
    lane_of[r] = timeline.lanes.size();
    timeline.lanes.push_back({rank.rank, rank.device, {}});
  }

  // Items of this attempt that a known rank computed, by (rank, start, batch): a batch's items
  // share its start and end, so each run of equal (rank, batch) is one bar.
  std::vector<std::size_t> order;
  order.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const io::ItemRecord& item = items[i];
    if (item.attempt != attempt || item.status == io::ItemStatus::kSkipped || item.rank < 0)
      continue;
    const auto r = static_cast<std::size_t>(item.rank);
    if (r < lane_of.size() && lane_of[r] < timeline.lanes.size()) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const io::ItemRecord& x = items[a];
    const io::ItemRecord& y = items[b];
    if (x.rank != y.rank) return x.rank < y.rank;
    if (x.start != y.start) return x.start < y.start;
    if (x.batch != y.batch) return x.batch < y.batch;
    return x.id < y.id;
  });

  const io::ItemRecord* previous = nullptr;
  for (std::size_t i : order) {
    const io::ItemRecord& item = items[i];
    std::vector<TimelineBar>& bars =
        timeline.lanes[lane_of[static_cast<std::size_t>(item.rank)]].bars;
    const bool failed = item.status == io::ItemStatus::kFailed;
    if (previous && previous->rank == item.rank && previous->batch == item.batch &&
        previous->start == item.start) {
      TimelineBar& bar = bars.back();
      bar.end = std::max(bar.end, item.end);
      bar.first_item = std::min(bar.first_item, item.id);
      bar.last_item = std::max(bar.last_item, item.id);
      ++bar.items;
      bar.failed += failed;
    } else {
      bars.push_back({item.start, item.end, item.id, item.id, item.chapter, 1, failed ? 1u : 0u});
      ++timeline.batches;
    }
    timeline.end = std::max(timeline.end, item.end);
    previous = &item;
  }

  if (timeline.batches > max_bars && max_bars > 0) {
    aggregate(timeline, timeline.end * static_cast<double>(timeline.lanes.size()) /
                            static_cast<double>(max_bars));
  }
  return timeline;
}

}  // namespace mpibatch::report
