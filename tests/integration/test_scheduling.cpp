// Scheduling policies end to end under mpiexec -n 3, with one rank made 20x slower by the
// testing knob runtime.simulate_speed: dynamic gives it few items and beats the equal split;
// weighted with rank_weights splits by them. Every item once, read back from HDF5.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "job_fixture.h"

namespace mi = mpibatch::io;
using mpibatch::testing::run_job;
using mpibatch::testing::Workspace;

namespace {

/// A book of 6 chapters x 20 sentences (120 items, ~7,000 chars), written once.
std::string sched_book() {
  static const std::string path = [] {
    auto& ws = Workspace::get();
    for (int c = 1; c <= 6; ++c) {
      std::string text;
      for (int s = 1; s <= 20; ++s) {
        text += "Sentence " + std::to_string(s) + " of chapter " + std::to_string(c) +
                std::string(static_cast<std::size_t>(s % 7) * 6, 'a') + " ends here. ";
      }
      ws.dir().write("sched-book/ch" + std::to_string(c) + ".txt", text);
    }
    return std::string("sched-book");
  }();
  return path;
}

struct ScheduledRun {
  std::vector<mi::ItemRecord> items;
  std::vector<std::uint64_t> items_per_rank;
  std::vector<std::uint64_t> chars_per_rank;
  double makespan = 0.0;  ///< last item end, common clock
};

ScheduledRun run_with(const std::string& name, const std::string& schedule,
                      const std::string& extra = "") {
  auto& ws = Workspace::get();
  std::map<std::string, std::string> keys = {{"input.path", sched_book()},
                                             {"input.max_chars", "300"},
                                             {"runtime.schedule", schedule},
                                             {"runtime.threads_per_rank", "1"},
                                             {"runtime.simulate_speed", "[1, 1, 0.05]"}};
  if (!extra.empty()) keys["runtime.rank_weights"] = extra;
  const auto result = run_job(3, ws.write_job(name, keys));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  const mi::ResultReader file(ws.output(name));
  ScheduledRun run;
  run.items = file.items();
  run.items_per_rank.assign(3, 0);
  run.chars_per_rank.assign(3, 0);
  for (std::size_t i = 0; i < run.items.size(); ++i) {
    const auto& item = run.items[i];
    EXPECT_EQ(item.id, i);
    EXPECT_EQ(item.status, mi::ItemStatus::kOk) << item.error;
    if (item.rank < 0 || item.rank > 2) {
      ADD_FAILURE() << "item " << i << " on rank " << item.rank;
      continue;
    }
    ++run.items_per_rank[static_cast<std::size_t>(item.rank)];
    run.chars_per_rank[static_cast<std::size_t>(item.rank)] += item.chars;
    run.makespan = std::max(run.makespan, item.end);
  }
  for (const auto& row : file.ranks()) {
    EXPECT_EQ(row.items, run.items_per_rank.at(static_cast<std::size_t>(row.rank)));
  }
  return run;
}

}  // namespace

TEST(Scheduling, DynamicGivesTheSlowRankFewItemsAndBeatsTheEqualSplit) {
  const ScheduledRun dynamic = run_with("sched-dynamic", "dynamic");
  const ScheduledRun equal = run_with("sched-static", "static");
  ASSERT_EQ(dynamic.items.size(), 120u);
  ASSERT_EQ(equal.items.size(), 120u);
  // Static: 40 items each, the slow rank's 40 at 1/20 speed set the end.
  EXPECT_EQ(equal.items_per_rank[2], 40u);
  // Dynamic: the slow rank is measured on a short item and then gets little.
  EXPECT_GT(dynamic.items_per_rank[2], 0u);
  // (Not per fast rank: in a job this short, on a busy test machine, a fast rank whose first
  // item was descheduled looks slow and may be held back early too.)
  EXPECT_LT(dynamic.items_per_rank[2] * 8, dynamic.items_per_rank[0] + dynamic.items_per_rank[1]);
  EXPECT_LT(dynamic.makespan * 2, equal.makespan)
      << "dynamic " << dynamic.makespan << " s, static " << equal.makespan << " s";
}

TEST(Scheduling, WeightedWithRankWeightsSplitsTheCharsByThem) {
  const ScheduledRun weighted = run_with("sched-weighted", "weighted", "[20, 20, 1]");
  ASSERT_EQ(weighted.items.size(), 120u);
  const double total = static_cast<double>(weighted.chars_per_rank[0] + weighted.chars_per_rank[1] +
                                           weighted.chars_per_rank[2]);
  // 1/41 of the chars for the slow rank, 20/41 for each fast one (within an item or two).
  EXPECT_LT(static_cast<double>(weighted.chars_per_rank[2]) / total, 0.06);
  EXPECT_NEAR(static_cast<double>(weighted.chars_per_rank[0]) / total, 20.0 / 41, 0.05);
}
