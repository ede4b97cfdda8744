// The simulator against hand-computed event times of the chunk protocol (NOTE [simulated
// protocol]): requests, prefetch, reports, latency, rank 0 as a worker; and the lower bound.
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "mpibatch/sched/simulator.h"
#include "mpibatch/sched/static_policy.h"

namespace ms = mpibatch::sched;

namespace {

using Chunk = std::vector<ms::ItemIndex>;

/// One call the simulator made: next(rank, at) answered with `items`, or finished(rank,
/// items, seconds) (`at` holds the seconds; finished() gets no clock).
struct Call {
  std::string kind;  ///< "next" or "finished"
  int rank;
  double at_or_seconds;
  Chunk items;
};

/// Hands each rank its scripted chunks in order, then nothing; records every call.
class ScriptedPolicy final : public ms::Policy {
 public:
  explicit ScriptedPolicy(std::map<int, std::deque<Chunk>> script) : script_(std::move(script)) {}
  std::string name() const override { return "scripted"; }
  bool is_static() const override { return false; }
  void start(const std::vector<double>&, int) override {}
  Chunk next(int rank, double now) override {
    Chunk chunk;
    auto& queue = script_[rank];
    if (!queue.empty()) {
      chunk = queue.front();
      queue.pop_front();
    }
    calls.push_back({"next", rank, now, chunk});
    return chunk;
  }
  void finished(int rank, const Chunk& items, double seconds) override {
    calls.push_back({"finished", rank, seconds, items});
  }

  std::vector<Call> calls;

 private:
  std::map<int, std::deque<Chunk>> script_;
};

void expect_calls(const std::vector<Call>& actual, const std::vector<Call>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE("call " + std::to_string(i));
    EXPECT_EQ(actual[i].kind, expected[i].kind);
    EXPECT_EQ(actual[i].rank, expected[i].rank);
    EXPECT_NEAR(actual[i].at_or_seconds, expected[i].at_or_seconds, 1e-9);
    EXPECT_EQ(actual[i].items, expected[i].items);
  }
}

void expect_near_each(const std::vector<double>& actual, const std::vector<double>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(actual[i], expected[i], 1e-9);
}

// Rank 0 gets nothing; rank 1 gets item 0 (1 s), item 1 (0.1 s), item 2 (0.5 s) at speed 1.
const std::vector<double> kCosts = {1.0, 0.1, 0.5};
const std::vector<double> kSpeeds = {1.0, 1.0};
std::map<int, std::deque<Chunk>> three_chunks_for_rank1() { return {{1, {{0}, {1}, {2}}}}; }

}  // namespace

TEST(LowerBound, IsTheLargerOfTotalWorkAndTheBiggestItemsOnTheFastestRanks) {
  EXPECT_DOUBLE_EQ(ms::makespan_lower_bound({1, 1, 1, 1}, {1, 1}), 2.0);         // total / speed
  EXPECT_DOUBLE_EQ(ms::makespan_lower_bound({10, 1, 1}, {1, 1}), 10.0);          // one huge item
  EXPECT_DOUBLE_EQ(ms::makespan_lower_bound({6, 6, 0.5, 0.5}, {2, 1, 1}), 4.0);  // two largest
  EXPECT_DOUBLE_EQ(ms::makespan_lower_bound({9, 1}, {2, 1}), 4.5);    // on the fastest two
  EXPECT_DOUBLE_EQ(ms::makespan_lower_bound({3}, {1, 3, 0.5}), 1.0);  // on the fastest
  EXPECT_DOUBLE_EQ(ms::makespan_lower_bound({}, {1}), 0.0);
}

TEST(Simulator, StaticBlocksOnEqualRanksTakeTheLargestBlock) {
  ms::StaticPolicy policy;
  const auto result = ms::simulate(policy, {1, 1, 1, 1, 1, 1}, {1, 1, 1});
  EXPECT_DOUBLE_EQ(result.makespan, 2.0);
  EXPECT_EQ(result.items, (std::vector<std::size_t>{2, 2, 2}));
  EXPECT_EQ(result.chunks, 3u);
  EXPECT_EQ(result.requests, 6u);  // each rank: its block, then the prefetch gets nothing
}

TEST(Simulator, PrefetchAsksWhenAChunkStartsAndStartsTheNextOnArrival) {
  ScriptedPolicy policy(three_chunks_for_rank1());
  const auto result = ms::simulate(policy, kCosts, kSpeeds, {0.2});
  // Rank 1, messages 0.1 s each way: asks at 0 -> item 0 arrives 0.2, runs to 1.2; asks at
  // 0.2 -> item 1 arrives 0.4, starts at 1.2 at once, runs to 1.3; asks at 1.2 (at rank 0 at
  // 1.3, after the report of item 0 sent at 1.2) -> item 2 arrives 1.4, so rank 1 waits from
  // 1.3 to 1.4, runs it to 1.9; asks at 1.4 -> nothing (1.6, while computing). Rank 0 asks
  // itself at 0 with no latency and gets nothing.
  expect_calls(policy.calls, {{"next", 0, 0.0, {}},
                              {"next", 1, 0.1, {0}},
                              {"next", 1, 0.3, {1}},
                              {"finished", 1, 1.0, {0}},  // at 1.3: reports before requests
                              {"next", 1, 1.3, {2}},
                              {"finished", 1, 0.1, {1}},  // at 1.4
                              {"next", 1, 1.5, {}},
                              {"finished", 1, 0.5, {2}}});  // at 2.0
  EXPECT_NEAR(result.makespan, 1.9, 1e-9);
  expect_near_each(result.busy_s, {0.0, 1.6});
  expect_near_each(result.idle_s, {0.0, 0.3});  // waiting 0.2 for item 0, 0.1 for item 2
  EXPECT_EQ(result.items, (std::vector<std::size_t>{0, 3}));
  EXPECT_EQ(result.chunks, 3u);
  EXPECT_EQ(result.requests, 5u);
}

TEST(Simulator, WithoutPrefetchARankAsksOnlyAfterReporting) {
  ScriptedPolicy policy(three_chunks_for_rank1());
  ms::SimulationOptions options;
  options.request_latency_s = 0.2;
  options.prefetch = false;
  const auto result = ms::simulate(policy, kCosts, kSpeeds, options);
  // Rank 1: item 0 runs 0.2..1.2; report and request reach rank 0 at 1.3; item 1 runs
  // 1.4..1.5; next pair at 1.6; item 2 runs 1.7..2.2; next pair at 2.3; "nothing" at 2.4.
  expect_calls(policy.calls, {{"next", 0, 0.0, {}},
                              {"next", 1, 0.1, {0}},
                              {"finished", 1, 1.0, {0}},
                              {"next", 1, 1.3, {1}},
                              {"finished", 1, 0.1, {1}},
                              {"next", 1, 1.6, {2}},
                              {"finished", 1, 0.5, {2}},
                              {"next", 1, 2.3, {}}});
  EXPECT_NEAR(result.makespan, 2.2, 1e-9);
  expect_near_each(result.busy_s, {0.0, 1.6});
  expect_near_each(result.idle_s, {0.0, 0.8});  // stops at 2.4, when told there is no more
  EXPECT_EQ(result.chunks, 3u);
  EXPECT_EQ(result.requests, 5u);
}

TEST(Simulator, RankZeroAloneHasNoLatencyByDefault) {
  ScriptedPolicy policy({{0, {{0}, {1}}}});
  const auto result = ms::simulate(policy, {1.0, 2.0}, {2.0}, {0.2});  // worker latency unused
  // Item 0 runs 0..0.5, item 1 (prefetched at 0) 0.5..1.5; the request at 0.5 gets nothing.
  expect_calls(policy.calls, {{"next", 0, 0.0, {0}},
                              {"next", 0, 0.0, {1}},
                              {"finished", 0, 0.5, {0}},
                              {"next", 0, 0.5, {}},
                              {"finished", 0, 1.0, {1}}});
  EXPECT_NEAR(result.makespan, 1.5, 1e-9);
  expect_near_each(result.busy_s, {1.5});
  expect_near_each(result.idle_s, {0.0});
  EXPECT_EQ(result.items, (std::vector<std::size_t>{2}));
}

TEST(Simulator, RankZeroLatencyWhenSet) {
  ScriptedPolicy policy({{0, {{0}, {1}}}});
  ms::SimulationOptions options;
  options.rank0_latency_s = 0.2;
  const auto result = ms::simulate(policy, {1.0, 2.0}, {2.0}, options);
  // Item 0 arrives 0.2, runs to 0.7; item 1 asked at 0.2, arrives 0.4, runs 0.7..1.7.
  expect_calls(policy.calls, {{"next", 0, 0.1, {0}},
                              {"next", 0, 0.3, {1}},
                              {"finished", 0, 0.5, {0}},  // at 0.8
                              {"next", 0, 0.8, {}},
                              {"finished", 0, 1.0, {1}}});
  EXPECT_NEAR(result.makespan, 1.7, 1e-9);
  expect_near_each(result.idle_s, {0.2});
}

TEST(Simulator, PrefetchIsOneRequestDeep) {
  // Round trip 1 s, chunks of 0.01 s: a rank can only start one chunk per round trip.
  ScriptedPolicy policy({{0, {{0}, {1}, {2}}}});
  ms::SimulationOptions options;
  options.rank0_latency_s = 1.0;
  const auto result = ms::simulate(policy, {0.01, 0.01, 0.01}, {1.0}, options);
  std::vector<double> asked;
  for (const Call& c : policy.calls) {
    if (c.kind == "next") asked.push_back(c.at_or_seconds);
  }
  expect_near_each(asked, {0.5, 1.5, 2.5, 3.5});
  EXPECT_NEAR(result.makespan, 3.01, 1e-9);       // item 2 runs 3.0..3.01
  expect_near_each(result.idle_s, {4.0 - 0.03});  // told "no more" at 4.0
}

TEST(Simulator, RankZeroServesOneMessageAtATime) {
  // Three ranks ask at 0 (no latency); each request or report takes rank 0 0.1 s.
  ScriptedPolicy policy({{0, {{0}}}, {1, {{1}}}, {2, {{2}}}});
  ms::SimulationOptions options;
  options.service_s = 0.1;
  const auto result = ms::simulate(policy, {1.0, 1.0, 1.0}, {1.0, 1.0, 1.0}, options);
  // Answers at 0.1, 0.2, 0.3; then the three prefetch requests (0.4, 0.5, 0.6: nothing);
  // items end at 1.1, 1.2, 1.3.
  std::vector<double> asked;
  for (const Call& c : policy.calls) {
    if (c.kind == "next") asked.push_back(c.at_or_seconds);
  }
  expect_near_each(asked, {0.1, 0.2, 0.3, 0.4, 0.5, 0.6});
  EXPECT_NEAR(result.makespan, 1.3, 1e-9);
  expect_near_each(result.idle_s, {0.1, 0.2, 0.3});
}

TEST(Simulator, NoItemsMeansOneEmptyAnswerPerRank) {
  ScriptedPolicy policy({});
  const auto result = ms::simulate(policy, {}, {1.0, 1.0}, {0.2});
  expect_calls(policy.calls, {{"next", 0, 0.0, {}}, {"next", 1, 0.1, {}}});
  EXPECT_EQ(result.makespan, 0.0);
  EXPECT_EQ(result.chunks, 0u);
  EXPECT_EQ(result.requests, 2u);
  EXPECT_EQ(result.items, (std::vector<std::size_t>{0, 0}));
  expect_near_each(result.busy_s, {0.0, 0.0});
  expect_near_each(result.idle_s, {0.0, 0.2});  // rank 1 waited for its answer
}

TEST(Simulator, AnItemHandedOutTwiceOutOfRangeOrNeverIsALogicError) {
  ScriptedPolicy twice({{0, {{0}, {0, 1}}}});
  EXPECT_THROW(ms::simulate(twice, {1.0, 1.0}, {1.0}), std::logic_error);
  ScriptedPolicy across_ranks({{0, {{0}}}, {1, {{0, 1}}}});
  EXPECT_THROW(ms::simulate(across_ranks, {1.0, 1.0}, {1.0, 1.0}), std::logic_error);
  ScriptedPolicy out_of_range({{0, {{0}, {1}, {2}}}});
  EXPECT_THROW(ms::simulate(out_of_range, {1.0, 1.0}, {1.0}), std::logic_error);
  ScriptedPolicy never({{0, {{1}}}});
  EXPECT_THROW(ms::simulate(never, {1.0, 1.0}, {1.0}), std::logic_error);
  ScriptedPolicy all_once({{0, {{1}}}, {1, {{0}}}});
  EXPECT_NO_THROW(ms::simulate(all_once, {1.0, 1.0}, {1.0, 1.0}));
}
