// analyze(): every figure of the report from hand-made records (and one hand-made file), with
// the expected values worked out by hand in the comments.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "mpibatch/io/h5_result_writer.h"
#include "mpibatch/io/result_reader.h"
#include "mpibatch/report/analysis.h"
#include "records.h"
#include "support/temp_dir.h"

namespace mpibatch::report {
namespace {
using io::ItemStatus;
using timing::Phase;
using namespace testing_records;
using ::testing::HasSubstr;

TEST(Analysis, SplitsEveryPhaseOfWallTimeIntoBusyIdleCommIo) {
  io::RankRecord r;
  const double seconds[] = {0.1, 0.2, 0.3, 0.4, 2.0, 0.5, 0.6, 0.7, 0.2};  // Phase order
  for (std::size_t p = 0; p < timing::kPhaseCount; ++p) r.phase_s[p] = seconds[p];
  r.wall_s = 5.0;
  r.items = 12;
  r.end = 4.0;
  const Analysis a = analyze(run_of({r}, {}));
  ASSERT_EQ(a.ranks.size(), 1u);
  const RankFigures& f = a.ranks[0];
  EXPECT_DOUBLE_EQ(f.busy_s, 2.4);  // encode + compute
  EXPECT_DOUBLE_EQ(f.comm_s, 0.5);
  EXPECT_DOUBLE_EQ(f.io_s, 1.1);    // read + model load + write
  EXPECT_DOUBLE_EQ(f.idle_s, 1.0);  // init + wait + finalize
  EXPECT_DOUBLE_EQ(f.accounted, 1.0);
  EXPECT_DOUBLE_EQ(f.utilization, 2.4 / 5.0);
  EXPECT_DOUBLE_EQ(f.items_per_s, 12 / 2.4);
  EXPECT_DOUBLE_EQ(a.makespan_s, 4.0);
  EXPECT_DOUBLE_EQ(a.throughput, 12 / 4.0);
  EXPECT_TRUE(a.stragglers.empty());      // one rank: nobody to wait for
  EXPECT_EQ(a.what_if.slowest_rank, -1);  // cannot remove the only rank
  EXPECT_EQ(a.what_if.fastest_rank, 0);
  // Twice the speed halves the busy 2.4 s; the 1.6 s not busy before its end stays.
  EXPECT_DOUBLE_EQ(a.what_if.with_one_more_fastest_s, 1.2 + 1.6);
}

TEST(Analysis, BalanceIsMeanOverMaxBusyWithImbalanceAndCv) {
  const Analysis a = analyze(run_of({rank(0, 2, 6, 1), rank(1, 4, 6, 1), rank(2, 6, 6, 1)}, {}));
  EXPECT_DOUBLE_EQ(a.balance.mean_busy_s, 4.0);
  EXPECT_DOUBLE_EQ(a.balance.max_busy_s, 6.0);
  EXPECT_DOUBLE_EQ(a.balance.balance, 4.0 / 6.0);
  EXPECT_DOUBLE_EQ(a.balance.imbalance, 2.0 / 6.0);
  EXPECT_NEAR(a.balance.cv, std::sqrt(8.0 / 3.0) / 4.0, 1e-12);  // population stddev / mean
  EXPECT_EQ(a.devices, "3 x cpu");
}

TEST(Analysis, LowerBoundSpreadsAllWorkOverTheMeasuredSpeeds) {
  const Analysis a = analyze(two_speeds());
  EXPECT_EQ(a.work_unit, "chars");
  EXPECT_DOUBLE_EQ(a.ranks[0].speed, 100.0);
  EXPECT_DOUBLE_EQ(a.ranks[1].speed, 50.0);
  EXPECT_DOUBLE_EQ(a.lower_bound_s, 400.0 / 150.0);
  EXPECT_DOUBLE_EQ(a.efficiency, (400.0 / 150.0) / 4.0);
  EXPECT_EQ(a.devices, "1 x cuda, 1 x cpu");
  // Work spread by speed, plus the mean time not busy before each rank's end ((0 + 2) / 2):
  // 400 / 100 + 1 without rank 1, 400 / 250 + 1 with a second rank like rank 0.
  EXPECT_EQ(a.what_if.slowest_rank, 1);
  EXPECT_DOUBLE_EQ(a.what_if.without_slowest_s, 5.0);
  EXPECT_EQ(a.what_if.fastest_rank, 0);
  EXPECT_DOUBLE_EQ(a.what_if.with_one_more_fastest_s, 2.6);
}

TEST(Analysis, LowerBoundIsNeverBelowTheLongestItem) {
  RunData run = two_speeds();
  run.items[0].compute_s = 3.5;  // one item longer than the spread-out bound (2.67 s)
  EXPECT_DOUBLE_EQ(analyze(run).lower_bound_s, 3.5);
}

TEST(Stragglers, ASlowDeviceIsNamedWithHowMuchSlower) {
  const Analysis a = analyze(two_speeds());
  ASSERT_EQ(a.stragglers.size(), 1u);
  const Straggler& s = a.stragglers[0];
  EXPECT_EQ(s.rank, 1);
  EXPECT_DOUBLE_EQ(s.late_s, 1.0);
  EXPECT_EQ(s.cause, "slow_device");
  EXPECT_THAT(s.reason, HasSubstr("2.0x slower than rank 0 (cuda:0)"));
}

TEST(Stragglers, OneHugeItemIsNamedById) {
  // Equal speeds, but rank 1's item 7 alone takes 3 s; the others take 0.1 s.
  std::vector<io::ItemRecord> items;
  for (int k = 0; k < 10; ++k) items.push_back(item(k, 0, k, 0.1 * k, 0.1, 10));
  items.push_back(item(10, 1, 0, 0.0, 0.1, 10));
  items.push_back(item(11, 1, 1, 0.1, 3.0, 300));
  const Analysis a = analyze(run_of({rank(0, 1.0, 1.0, 10), rank(1, 3.1, 3.1, 2)}, items));
  ASSERT_EQ(a.stragglers.size(), 1u);
  EXPECT_EQ(a.stragglers[0].cause, "huge_item");
  EXPECT_THAT(a.stragglers[0].reason, HasSubstr("id 11, chapter 1, 300 chars"));
}

TEST(Stragglers, IoTimeIsNamedWhenItExplainsTheDelay) {
  io::RankRecord slow_io = rank(0, 2.0, 4.0, 2);
  set(slow_io, Phase::kRead, 1.5);
  set(slow_io, Phase::kWrite, 0.5);
  std::vector<io::ItemRecord> items = {item(0, 0, 0, 1.5, 1.0, 10), item(1, 0, 1, 2.5, 1.0, 10),
                                       item(2, 1, 0, 0.0, 1.0, 10), item(3, 1, 1, 1.0, 1.0, 10)};
  const Analysis a = analyze(run_of({slow_io, rank(1, 2.0, 2.0, 2)}, items));
  ASSERT_EQ(a.stragglers.size(), 1u);
  EXPECT_EQ(a.stragglers[0].rank, 0);
  EXPECT_EQ(a.stragglers[0].cause, "io_wait");
}

TEST(Stragglers, TooMuchWorkAtEqualSpeedSuggestsDynamicForStatic) {
  std::vector<io::ItemRecord> items;
  for (int k = 0; k < 6; ++k) items.push_back(item(k, k < 2 ? 0 : 1, k, k * 1.0, 1.0, 10));
  const Analysis a = analyze(run_of({rank(0, 2, 2, 2), rank(1, 4, 6, 4)}, items, "static"));
  ASSERT_EQ(a.stragglers.size(), 1u);
  EXPECT_EQ(a.stragglers[0].cause, "too_much_work");
  EXPECT_THAT(a.stragglers[0].reason,
              HasSubstr("66.7% of the work where its speed gives it 50.0%"));
  EXPECT_THAT(a.stragglers[0].reason, HasSubstr("schedule: dynamic"));
}

TEST(Stragglers, NoneWhenRanksEndWithinFivePercent) {
  const Analysis a = analyze(run_of({rank(0, 2, 10.0, 1), rank(1, 2, 10.4, 1)}, {}));
  EXPECT_TRUE(a.stragglers.empty());
}

TEST(Analysis, ResumedRunCountsCarriedItemsButTimesOnlyThisAttempt) {
  RunData run = run_of({rank(0, 2, 2, 3), rank(1, 2, 2, 1)},
                       {item(0, 0, 0, 50.0, 9.0, 10, ItemStatus::kOk, 0),  // earlier clock
                        item(1, 1, 0, 0.0, 1.0, 10, ItemStatus::kOk, 1),
                        item(2, 0, 0, 0.0, 1.5, 10, ItemStatus::kOk, 1),
                        item(3, 0, 0, 0.0, 1.5, 10, ItemStatus::kFailed, 1),
                        item(4, -1, -1, 0.0, 0.0, 0, ItemStatus::kSkipped, 1)});
  run.info.attempt = 1;
  const Analysis a = analyze(run);
  EXPECT_EQ(a.items, 5u);
  EXPECT_EQ(a.ok, 3u);
  EXPECT_EQ(a.failed, 1u);
  EXPECT_EQ(a.skipped, 1u);
  EXPECT_EQ(a.carried_over, 1u);
  EXPECT_EQ(a.computed, 4u);  // /ranks: this attempt's items
  ASSERT_FALSE(a.slowest_items.empty());
  EXPECT_EQ(a.slowest_items[0].id, 2u);  // not item 0 (9 s, attempt 0)
  EXPECT_EQ(a.slowest_items.size(), 3u);
  EXPECT_DOUBLE_EQ(a.timeline.end, 1.5);
  EXPECT_EQ(a.timeline.batches, 2u);
}

TEST(Timeline, OneBarPerBatchWithItsItemsAndFailures) {
  RunData run = run_of({rank(0, 3, 3, 5), rank(1, 1, 1, 1)},
                       {item(0, 0, 0, 0.0, 1.0), item(1, 0, 0, 0.0, 1.0), item(2, 0, 0, 0.0, 1.0),
                        item(3, 0, 1, 1.5, 1.0), item(4, 0, 1, 1.5, 1.0, 0, ItemStatus::kFailed),
                        item(5, 1, 0, 0.0, 1.0)});
  const Timeline t = analyze(run).timeline;
  ASSERT_EQ(t.lanes.size(), 2u);
  ASSERT_EQ(t.lanes[0].bars.size(), 2u);
  const TimelineBar& second = t.lanes[0].bars[1];
  EXPECT_DOUBLE_EQ(second.start, 1.5);  // the idle gap 1.0 .. 1.5 stays visible
  EXPECT_EQ(second.first_item, 3u);
  EXPECT_EQ(second.last_item, 4u);
  EXPECT_EQ(second.items, 2u);
  EXPECT_EQ(second.failed, 1u);
  EXPECT_EQ(t.lanes[0].bars[0].items, 3u);
  EXPECT_EQ(t.lanes[1].bars.size(), 1u);
  EXPECT_EQ(t.batches, 3u);
  EXPECT_FALSE(t.aggregated);
}

TEST(Timeline, DenseTimelinesAreMergedToAboutTheBarBudgetKeepingEveryItem) {
  // 4 lanes x 1,000 batches of 10 ms with 1 ms gaps; one 2 s gap in lane 3 must survive.
  std::vector<io::ItemRecord> items;
  std::vector<io::RankRecord> ranks;
  std::uint64_t id = 0;
  for (int r = 0; r < 4; ++r) {
    ranks.push_back(rank(r, 11, 13, 1000));
    for (int b = 0; b < 1000; ++b) {
      const double start = b * 0.011 + (r == 3 && b >= 500 ? 2.0 : 0.0);
      items.push_back(item(id++, r, b, start, 0.010));
    }
  }
  const Timeline t = build_timeline(items, ranks, 100, 0);
  EXPECT_TRUE(t.aggregated);
  EXPECT_EQ(t.batches, 4000u);
  std::size_t bars = 0, covered = 0;
  for (const TimelineLane& lane : t.lanes) {
    bars += lane.bars.size();
    for (const TimelineBar& bar : lane.bars) covered += bar.items;
  }
  EXPECT_LE(bars, 100u + t.lanes.size());
  EXPECT_EQ(covered, 4000u);
  ASSERT_EQ(t.lanes[3].bars.size(), 2u);  // the long gap splits lane 3
  EXPECT_NEAR(t.lanes[3].bars[1].start, 500 * 0.011 + 2.0, 1e-9);
}

TEST(Analysis, TrainEpochsAreRankMeansJoinedWithTheEpochRows) {
  RunData run = run_of({rank(0, 4, 4, 600), rank(1, 4, 4, 600)}, {});
  run.info.job_kind = "train";
  for (int r = 0; r < 2; ++r)
    for (std::uint32_t e = 0; e < 2; ++e)
      run.training.rank_epochs.push_back(
          {r, e, 300, 0.1 * (r + 1), 1.0 + r, 0.2 * (r + 1), r == 0 ? 0.3 : 0.0, 0.05, 0});
  run.training.epochs.push_back({0, 0.9, 0.8, 0.7, 100, 2.5, 0});
  run.training.epochs.push_back({1, 0.6, 0.5, std::nan(""), 0, 2.4, 0});
  const Analysis a = analyze(run);
  EXPECT_EQ(a.work_unit, "samples");
  ASSERT_EQ(a.epochs.size(), 2u);
  const EpochFigures& e = a.epochs[0];
  EXPECT_EQ(e.samples, 600u);
  EXPECT_DOUBLE_EQ(e.data_s, 0.15);
  EXPECT_DOUBLE_EQ(e.compute_s, 1.5);
  EXPECT_DOUBLE_EQ(e.allreduce_s, 0.3);
  EXPECT_DOUBLE_EQ(e.max_allreduce_s, 0.4);
  EXPECT_DOUBLE_EQ(e.checkpoint_s, 0.15);
  EXPECT_DOUBLE_EQ(e.seconds, 2.5);
  EXPECT_DOUBLE_EQ(e.train_loss, 0.9);
  EXPECT_DOUBLE_EQ(e.eval_accuracy, 0.7);
  EXPECT_TRUE(std::isnan(a.epochs[1].eval_accuracy));
  EXPECT_EQ(a.items, 1200u);  // dataset jobs count samples from /ranks
}

TEST(Analysis, ReadsAHandMadeResultFile) {
  mpibatch::testing::TempDir dir;
  const std::string path = dir.file("run.h5");
  RunData made = two_speeds("static");
  made.items.push_back(item(5, 1, 2, 3.0, 0.5, 20, ItemStatus::kFailed));
  made.ranks[1].items_failed = 1;
  {
    io::H5ResultWriter writer(path, {});
    io::ChapterRecord chapter;
    chapter.items = 6;
    writer.write_chapter(chapter, {});
    made.info.job_name = "hand-made";
    writer.commit(made.info, {chapter}, made.ranks, made.items);
  }
  const Analysis a = analyze(RunData::read(io::ResultReader(path)));
  EXPECT_EQ(a.path, path);
  EXPECT_EQ(a.info.job_name, "hand-made");
  EXPECT_EQ(a.items, 6u);
  EXPECT_EQ(a.failed, 1u);
  EXPECT_DOUBLE_EQ(a.ranks[1].work, 120.0);  // the failed item was computed too
  ASSERT_EQ(a.stragglers.size(), 1u);
  EXPECT_EQ(a.stragglers[0].rank, 1);
  EXPECT_EQ(a.timeline.lanes[1].bars.size(), 3u);
  EXPECT_EQ(a.timeline.lanes[1].bars[2].failed, 1u);
}

/// Writes `run` to an HDF5 result file and analyses what is read back.
Analysis through_file(const RunData& run) {
  mpibatch::testing::TempDir dir;
  const std::string path = dir.file("run.h5");
  {
    io::H5ResultWriter writer(path, {});
    io::ChapterRecord chapter;
    chapter.items = static_cast<std::uint32_t>(run.items.size());
    if (!run.items.empty()) writer.write_chapter(chapter, {});
    writer.commit(run.info,
                  run.items.empty() ? std::vector<io::ChapterRecord>{}
                                    : std::vector<io::ChapterRecord>{chapter},
                  run.ranks, run.items);
  }
  return analyze(RunData::read(io::ResultReader(path)));
}

/// One rank; a resumed run (attempt 1) with a carried item, a failed and a skipped one.
std::vector<RunData> file_cases() {
  RunData one = run_of({rank(0, 2, 2.5, 2)}, {item(0, 0, 0, 0, 1, 10), item(1, 0, 1, 1.5, 1, 10)});
  RunData resumed = run_of({rank(0, 2, 2, 3), rank(1, 2, 2, 1)},
                           {item(0, 0, 0, 50.0, 9.0, 10, ItemStatus::kOk, 0),
                            item(1, 1, 0, 0.0, 1.0, 10, ItemStatus::kOk, 1),
                            item(2, 0, 0, 0.0, 1.5, 10, ItemStatus::kOk, 1),
                            item(3, 0, 0, 0.0, 1.5, 10, ItemStatus::kFailed, 1),
                            item(4, -1, -1, 0.0, 0.0, 0, ItemStatus::kSkipped, 1)});
  resumed.info.attempt = 1;
  return {one, resumed, two_speeds("static")};
}

TEST(Analysis, HandMadeFilesGiveTheSameFiguresAsTheirRecords) {
  for (const RunData& run : file_cases()) {
    const Analysis direct = analyze(run);
    const Analysis read = through_file(run);
    SCOPED_TRACE(run.ranks.size());
    EXPECT_EQ(read.items, direct.items);
    EXPECT_EQ(read.ok, direct.ok);
    EXPECT_EQ(read.failed, direct.failed);
    EXPECT_EQ(read.skipped, direct.skipped);
    EXPECT_EQ(read.carried_over, direct.carried_over);
    EXPECT_DOUBLE_EQ(read.makespan_s, direct.makespan_s);
    EXPECT_DOUBLE_EQ(read.lower_bound_s, direct.lower_bound_s);
    EXPECT_DOUBLE_EQ(read.balance.cv, direct.balance.cv);
    EXPECT_DOUBLE_EQ(read.what_if.with_one_more_fastest_s, direct.what_if.with_one_more_fastest_s);
    EXPECT_EQ(read.stragglers.size(), direct.stragglers.size());
    ASSERT_EQ(read.slowest_items.size(), direct.slowest_items.size());
    for (std::size_t i = 0; i < read.slowest_items.size(); ++i)
      EXPECT_EQ(read.slowest_items[i].id, direct.slowest_items[i].id);
    EXPECT_EQ(read.timeline.batches, direct.timeline.batches);
  }
}

}  // namespace
}  // namespace mpibatch::report
