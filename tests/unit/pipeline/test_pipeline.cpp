#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <map>
#include <mutex>

#include "mpibatch/comm/fake_communicator.h"
#include "mpibatch/encode/encoder.h"
#include "mpibatch/pipeline/pipeline.h"
#include "mpibatch/work/text_splitter.h"
#include "support/fake_model_runner.h"
#include "support/recording_result_writer.h"

namespace mp = mpibatch::pipeline;
namespace mio = mpibatch::io;
using mpibatch::comm::Communicator;
using mpibatch::comm::FakeWorld;
using mpibatch::testing::byte_ids;
using mpibatch::testing::FakeModelRunner;
using mpibatch::testing::RecordingResultWriter;

namespace {

/// A book of `chapters` chapters with `per_chapter` sentences each, plus an empty chapter 1.
mp::WorkPlan make_plan(int chapters, int per_chapter) {
  mpibatch::work::Book book;
  for (int c = 0; c < chapters; ++c) {
    std::string text;
    for (int s = 0; s < per_chapter; ++s) {
      text += std::string(1, static_cast<char>('A' + (c * 7 + s) % 26)) + " sentence " +
              std::to_string(c) + "-" + std::to_string(s) +
              std::string(static_cast<std::size_t>(s % 5), 'x') + ". ";
    }
    book.chapters.push_back(
        {static_cast<std::uint32_t>(book.chapters.size()), "c" + std::to_string(c), "", text});
    if (c == 0) book.chapters.push_back({1, "empty", "", "   "});
  }
  return mp::make_work_plan(book, mpibatch::work::split_book(book, {}));
}

struct RunOutput {
  std::vector<mp::PipelineResult> results;            ///< by rank
  std::vector<std::vector<std::size_t>> batch_sizes;  ///< by rank: the model calls' batch sizes
  std::vector<std::vector<std::size_t>> releases;     ///< by rank: FakeModelRunner::releases
  RecordingResultWriter writer;
};

/// Options for `schedule` with batches of 3.
mp::PipelineOptions with_schedule(const std::string& schedule) {
  mp::PipelineOptions options;
  options.schedule = schedule;
  options.batch_size = 3;
  return options;
}

/// Runs the pipeline on a fake world of `ranks` ranks, each with its own fake model.
void run_on(FakeWorld& world, const mp::WorkPlan& plan, RunOutput& out,
            const std::function<void(FakeModelRunner&, int)>& setup = {},
            const mp::PipelineOptions& options = with_schedule("dynamic")) {
  out.results.resize(static_cast<std::size_t>(world.size()));
  out.batch_sizes.resize(static_cast<std::size_t>(world.size()));
  out.releases.resize(static_cast<std::size_t>(world.size()));
  std::mutex mutex;
  world.run([&](Communicator& comm) {
    FakeModelRunner runner;
    if (setup) setup(runner, comm.rank());
    const auto encoder = mpibatch::encode::make_encoder("bytes");
    mpibatch::timing::SteadyClock clock;
    mpibatch::timing::PhaseTimer timer(clock);
    mp::RankContext ctx{comm, runner, *encoder, timer};
    mio::RankRecord self;
    self.rank = comm.rank();
    const bool root = comm.rank() == 0;
    auto result = mp::run_pipeline(ctx, root ? plan : mp::WorkPlan{}, root ? &out.writer : nullptr,
                                   options, self);
    std::lock_guard<std::mutex> lock(mutex);
    out.results[static_cast<std::size_t>(comm.rank())] = std::move(result);
    out.batch_sizes[static_cast<std::size_t>(comm.rank())] = runner.batch_sizes();
    out.releases[static_cast<std::size_t>(comm.rank())] = runner.releases();
  });
}

/// Checks the run's results; `computed` items were computed in this run (the rest reused).
void expect_complete_and_correct(const mp::WorkPlan& plan, const RunOutput& out, int ranks) {
  const std::size_t computed = plan.items.size() - plan.reused.records.size();
  const mp::PipelineResult& root = out.results[0];
  ASSERT_EQ(root.items.size(), plan.items.size());
  for (std::size_t i = 0; i < root.items.size(); ++i) {
    EXPECT_EQ(root.items[i].id, i);
    EXPECT_EQ(root.items[i].chapter, plan.items[i].chapter);
    EXPECT_EQ(root.items[i].status, mio::ItemStatus::kOk);
    EXPECT_GE(root.items[i].rank, 0);
    EXPECT_LE(root.items[i].start, root.items[i].end);
  }
  // Every chapter written exactly once, outputs in reading order as the model made them.
  ASSERT_EQ(out.writer.writes_per_chapter.size(), plan.chapters.size());
  FakeModelRunner reference;
  for (const auto& chapter : plan.chapters) {
    EXPECT_EQ(out.writer.writes_per_chapter.at(chapter.index), 1);
    const mio::ChapterOutput& output = out.writer.outputs.at(chapter.index);
    ASSERT_EQ(output.offsets.size(), chapter.items + 1u);
    std::vector<float> expected;
    for (std::uint32_t k = 0; k < chapter.items; ++k) {
      const auto e = reference.expected(byte_ids(plan.items[chapter.first_item + k].text));
      EXPECT_EQ(output.offsets[k + 1] - output.offsets[k], e.length);
      expected.insert(expected.end(), e.values.begin(), e.values.end());
    }
    EXPECT_EQ(output.values, expected);
  }
  for (const auto& item : root.items) {
    if (item.rank != 7) EXPECT_LT(item.rank, ranks);
  }
  ASSERT_EQ(root.ranks.size(), static_cast<std::size_t>(ranks));
  std::uint64_t items = 0;
  for (int r = 0; r < ranks; ++r) {
    const mio::RankRecord& row = root.ranks[static_cast<std::size_t>(r)];
    EXPECT_EQ(row.rank, r);
    items += row.items;
    double phases = 0;
    for (double s : row.phase_s) phases += s;
    EXPECT_NEAR(phases, row.wall_s, 1e-6);  // every moment in exactly one phase
  }
  EXPECT_EQ(items, computed);
}

}  // namespace

class PipelineOnRanks : public ::testing::TestWithParam<std::tuple<int, const char*>> {};

TEST_P(PipelineOnRanks, EveryItemExactlyOnceInOrderWithTheModelsOutputs) {
  const auto [ranks, schedule] = GetParam();
  const mp::WorkPlan plan = make_plan(5, 7);
  FakeWorld world(ranks);
  RunOutput out;
  run_on(world, plan, out, {}, with_schedule(schedule));
  expect_complete_and_correct(plan, out, ranks);
  EXPECT_EQ(out.results[0].failed, 0u);
  EXPECT_EQ(out.results[0].chapters[1].items, 0u);  // the empty chapter, written with no rows
  EXPECT_EQ(out.writer.outputs.at(1).offsets, (std::vector<std::int64_t>{0}));
}

INSTANTIATE_TEST_SUITE_P(RanksAndSchedules, PipelineOnRanks,
                         ::testing::Combine(::testing::Values(1, 2, 3, 5),
                                            ::testing::Values("dynamic", "weighted", "static")),
                         [](const auto& info) {  // stable names (not pointers) for CTest
                           return std::string(std::get<1>(info.param)) + "_" +
                                  std::to_string(std::get<0>(info.param));
                         });

TEST(Pipeline, StaticScheduleGivesContiguousBlocks) {
  const mp::WorkPlan plan = make_plan(4, 6);
  FakeWorld world(3);
  RunOutput out;
  run_on(world, plan, out, {}, with_schedule("static"));
  const auto& items = out.results[0].items;
  for (std::size_t i = 1; i < items.size(); ++i) EXPECT_LE(items[i - 1].rank, items[i].rank);
  for (const auto& row : out.results[0].ranks) EXPECT_GT(row.items, 0u);
}

// gpu.streams: batches of batch_size x streams items (the runner splits them over its
// streams); gpu.release_memory: cached memory released before a batch of another chapter.
class PipelineStreams : public ::testing::TestWithParam<int> {};

TEST_P(PipelineStreams, BatchesHoldBatchSizeTimesStreamsAndMemoryIsReleasedBetweenChapters) {
  const int streams = GetParam();
  const mp::WorkPlan plan = make_plan(5, 7);
  FakeWorld world(1);
  RunOutput out;
  mp::PipelineOptions options = with_schedule("static");
  options.streams = streams;
  options.release_memory = true;
  run_on(world, plan, out, {}, options);
  const auto group = static_cast<std::size_t>(3 * streams);
  std::vector<std::size_t> expected_sizes;
  // Before a batch that begins in another chapter than the last one began: the number of
  // batches run before each release.
  std::vector<std::size_t> expected_releases;
  for (std::size_t begin = 0; begin < plan.items.size(); begin += group) {
    expected_sizes.push_back(std::min(group, plan.items.size() - begin));
    if (begin > 0 && plan.items[begin].chapter != plan.items[begin - group].chapter) {
      expected_releases.push_back(begin / group);
    }
  }
  EXPECT_EQ(out.batch_sizes[0], expected_sizes);
  EXPECT_EQ(out.releases[0], expected_releases);
  EXPECT_GE(expected_releases.size(), 3u);
  EXPECT_EQ(out.results[0].items.size(), plan.items.size());
}

INSTANTIATE_TEST_SUITE_P(Streams, PipelineStreams, ::testing::Values(1, 2));

TEST(Pipeline, AFailingItemIsRecordedAndItsBatchMatesSucceed) {
  mp::WorkPlan plan = make_plan(2, 6);
  const std::string victim = plan.items[4].text;
  FakeWorld world(2);
  RunOutput out;
  run_on(world, plan, out, [&](FakeModelRunner& runner, int) { runner.fail_on_text = victim; });
  const auto& items = out.results[0].items;
  EXPECT_EQ(out.results[0].failed, 1u);
  for (const auto& item : items) {
    if (item.id == 4) {
      EXPECT_EQ(item.status, mio::ItemStatus::kFailed);
      EXPECT_EQ(item.error, "fake model refuses '" + victim + "'");
      EXPECT_EQ(item.output_length, 0);
    } else {
      EXPECT_EQ(item.status, mio::ItemStatus::kOk) << item.id;
    }
  }
  const auto& chapter0 = out.writer.outputs.at(0);
  EXPECT_EQ(chapter0.offsets[5], chapter0.offsets[4]);  // no rows for the failed item
}

TEST(Pipeline, TwoDimensionalOutputsKeepTheirFeatureShape) {
  const mp::WorkPlan plan = make_plan(2, 3);
  FakeWorld world(2);
  RunOutput out;
  run_on(world, plan, out, [](FakeModelRunner& runner, int) { runner.features = {3}; });
  EXPECT_EQ(out.writer.outputs.at(0).feature_shape, (std::vector<std::int64_t>{3}));
  EXPECT_EQ(out.writer.outputs.at(0).values.size(),
            static_cast<std::size_t>(out.writer.outputs.at(0).offsets.back() * 3));
}

TEST(Pipeline, ReusedResultsAreNotComputedAgainAndTheirOutputsAreLoadedPerChapter) {
  mp::WorkPlan plan = make_plan(3, 4);
  FakeModelRunner reference;
  const std::vector<std::uint64_t> kept = {0, 1, 5};
  for (std::uint64_t id : kept) {
    mio::ItemRecord r;
    r.id = id;
    r.chapter = plan.items[id].chapter;
    r.index = plan.items[id].index;
    r.rank = 7;  // from an earlier run on more ranks
    r.output_length = reference.expected(byte_ids(plan.items[id].text)).length;
    plan.reused.records.push_back(r);
  }
  // The earlier file's chapter: kept items have their outputs, the others none.
  std::vector<std::uint32_t> loads;
  plan.reused.load_chapter = [&](std::uint32_t c) {
    loads.push_back(c);
    mio::ChapterOutput out;
    out.offsets.push_back(0);
    for (std::uint32_t k = 0; k < plan.chapters[c].items; ++k) {
      const std::uint64_t id = plan.chapters[c].first_item + k;
      std::int64_t rows = 0;
      if (std::find(kept.begin(), kept.end(), id) != kept.end()) {
        const auto e = reference.expected(byte_ids(plan.items[id].text));
        out.values.insert(out.values.end(), e.values.begin(), e.values.end());
        rows = e.length;
      }
      out.offsets.push_back(out.offsets.back() + rows);
    }
    return out;
  };
  FakeWorld world(2);
  RunOutput out;
  run_on(world, plan, out);
  expect_complete_and_correct(plan, out, 2);
  EXPECT_EQ(out.results[0].items[5].rank, 7);
  std::sort(loads.begin(), loads.end());
  EXPECT_EQ(loads, (std::vector<std::uint32_t>{0, 2}));  // once per chapter with kept items
}

TEST(Pipeline, MoreRanksThanItems) {
  const mp::WorkPlan plan = make_plan(1, 2);
  FakeWorld world(4);
  RunOutput out;
  run_on(world, plan, out);
  expect_complete_and_correct(plan, out, 4);
}

TEST(Pipeline, ResultsDoNotRelyOnMessageBuffering) {
  const mp::WorkPlan plan = make_plan(3, 5);
  FakeWorld world(3);
  world.set_synchronous_sends(true);
  RunOutput out;
  run_on(world, plan, out);
  expect_complete_and_correct(plan, out, 3);
}

TEST(Pipeline, ACrashOnOneRankEndsTheJobInsteadOfHanging) {
  const mp::WorkPlan plan = make_plan(3, 6);
  FakeWorld world(3);
  RunOutput out;
  out.results.resize(3);
  const auto result = world.run_collect([&](Communicator& comm) {
    FakeModelRunner runner;
    if (comm.rank() == 2) runner.crash_on_batch = 0;
    const auto encoder = mpibatch::encode::make_encoder("bytes");
    mpibatch::timing::SteadyClock clock;
    mpibatch::timing::PhaseTimer timer(clock);
    mp::RankContext ctx{comm, runner, *encoder, timer};
    const bool root = comm.rank() == 0;
    mp::run_pipeline(ctx, root ? plan : mp::WorkPlan{}, root ? &out.writer : nullptr, {}, {});
  });
  EXPECT_EQ(result.failed_rank, 2);
  EXPECT_NE(result.failure.find("fake crash"), std::string::npos) << result.summary();
}

TEST(Pipeline, AModelFailingOverAndOverStopsAStaticRankButTheJobEndsWithEveryItemAccountedFor) {
  const mp::WorkPlan plan = make_plan(4, 8);
  FakeWorld world(2);
  RunOutput out;
  mp::PipelineOptions options = with_schedule("static");
  options.batch_size = 4;
  options.max_consecutive_failures = 3;
  run_on(
      world, plan, out,
      [](FakeModelRunner& runner, int rank) {
        if (rank == 1) runner.fail_on_text = " ";  // every item has a space: all fail
      },
      options);
  // Rank 1: one batch of 4, then items one by one until 3 failed in a row; no more calls.
  EXPECT_EQ(out.batch_sizes[1], (std::vector<std::size_t>{4, 1, 1, 1}));
  int failed = 0, skipped = 0;
  for (const auto& item : out.results[0].items) {
    if (item.rank == 0) EXPECT_EQ(item.status, mio::ItemStatus::kOk);
    if (item.status == mio::ItemStatus::kFailed) ++failed;
    if (item.status == mio::ItemStatus::kSkipped) {
      ++skipped;
      EXPECT_NE(item.error.find("the model failed on 3 items in a row on rank 1"),
                std::string::npos)
          << item.error;
    }
    if (item.rank == 1 && item.status == mio::ItemStatus::kFailed) EXPECT_GT(item.compute_s, 0.0);
  }
  EXPECT_EQ(failed, 3);
  EXPECT_GT(skipped, 0);
  EXPECT_EQ(out.results[0].items.size(), plan.items.size());
}

TEST(Pipeline, AResultThatDoesNotFitThePlanIsAnErrorNotAnOverflow) {
  mp::WorkPlan plan = make_plan(2, 3);
  plan.chapters[0].items = 1;  // rank results for chapter 0 now point past its rows
  FakeWorld world(1);
  RunOutput out;
  EXPECT_THROW(run_on(world, plan, out), mpibatch::CommError);
}

namespace {

/// Latest item end over the run: the job's compute makespan on the common clock.
double makespan(const RunOutput& out) {
  double end = 0.0;
  for (const auto& item : out.results[0].items) end = std::max(end, item.end);
  return end;
}

}  // namespace

TEST(Pipeline, DynamicScheduleGivesASlowRankFewerItemsAndBeatsStaticBlocks) {
  const mp::WorkPlan plan = make_plan(4, 10);  // 40 items
  auto speeds = [](FakeModelRunner& runner, int rank) {
    runner.seconds_per_item = rank == 2 ? 0.02 : 0.001;  // rank 2 is 20x slower
  };
  RunOutput dynamic_run, static_run;
  {
    FakeWorld world(3);
    run_on(world, plan, dynamic_run, speeds, with_schedule("dynamic"));
  }
  {
    FakeWorld world(3);
    run_on(world, plan, static_run, speeds, with_schedule("static"));
  }
  expect_complete_and_correct(plan, dynamic_run, 3);
  const auto& ranks = dynamic_run.results[0].ranks;
  EXPECT_LT(ranks[2].items * 8, ranks[0].items + ranks[1].items);  // the slow rank's share is small
  EXPECT_GT(ranks[2].items, 0u);  // it measured its speed on real work
  // Static: ~13 items on the slow rank, ~0.27 s; dynamic: ~40 ms of fast work in all.
  EXPECT_LT(makespan(dynamic_run), makespan(static_run) / 2);
}

TEST(Pipeline, WeightedScheduleWithRankWeightsSplitsBySpeed) {
  const mp::WorkPlan plan = make_plan(6, 10);
  mp::PipelineOptions options = with_schedule("weighted");
  options.rank_weights = {1.0, 3.0};
  FakeWorld world(2);
  RunOutput out;
  run_on(world, plan, out, {}, options);
  expect_complete_and_correct(plan, out, 2);
  std::uint64_t chars[2] = {0, 0};
  for (const auto& item : out.results[0].items) chars[item.rank] += item.chars;
  const double share = static_cast<double>(chars[1]) / static_cast<double>(chars[0] + chars[1]);
  EXPECT_NEAR(share, 0.75, 0.03);
}

TEST(Pipeline, ADynamicRankWhoseModelKeepsFailingLeavesAndTheOthersRunTheRest) {
  const mp::WorkPlan plan = make_plan(4, 8);
  FakeWorld world(3);
  RunOutput out;
  mp::PipelineOptions options = with_schedule("dynamic");
  options.batch_size = 2;
  options.max_consecutive_failures = 3;
  run_on(
      world, plan, out,
      [](FakeModelRunner& runner, int rank) {
        runner.seconds_per_item = 0.002;  // so that rank 1 is given more than its first items
        if (rank == 1) runner.fail_on_text = " ";  // every item has a space: all fail
      },
      options);
  std::size_t failed = 0, skipped = 0, ok = 0;
  for (const auto& item : out.results[0].items) {
    if (item.status == mio::ItemStatus::kOk) {
      ++ok;
      EXPECT_NE(item.rank, 1);
    }
    if (item.status == mio::ItemStatus::kFailed) ++failed;
    if (item.status == mio::ItemStatus::kSkipped) ++skipped;
  }
  EXPECT_EQ(failed, 3u);
  EXPECT_EQ(ok + failed + skipped, plan.items.size());
  EXPECT_LT(skipped, plan.items.size() / 4);  // only what rank 1 held when it stopped
}

TEST(Pipeline, WhenTheModelFailsOnEveryRankTheJobStillEndsWithEveryItemAccountedFor) {
  const mp::WorkPlan plan = make_plan(3, 8);
  for (const char* schedule : {"dynamic", "weighted", "static"}) {
    FakeWorld world(2);
    RunOutput out;
    mp::PipelineOptions options = with_schedule(schedule);
    options.max_consecutive_failures = 2;
    run_on(
        world, plan, out, [](FakeModelRunner& runner, int) { runner.fail_on_text = " "; }, options);
    const auto& items = out.results[0].items;
    ASSERT_EQ(items.size(), plan.items.size()) << schedule;
    std::size_t failed = 0;
    for (const auto& item : items) {
      EXPECT_NE(item.status, mio::ItemStatus::kOk) << schedule;
      if (item.status == mio::ItemStatus::kFailed) ++failed;
    }
    EXPECT_LE(failed, 4u) << schedule;  // at most 2 per rank before it stops
  }
}

/// NOTE [interruption]: a signal on rank `signalled` once its model has run 2 batches.
void expect_interruption_accounts_for_every_item(const std::string& schedule, int signalled) {
  const mp::WorkPlan plan = make_plan(6, 20);  // ~0.25 s of work per rank at 5 ms per item
  FakeWorld world(3);
  RunOutput out;
  std::atomic<FakeModelRunner*> runner_of_signalled{nullptr};
  mp::PipelineOptions options = with_schedule(schedule);
  options.batch_size = 2;
  options.interrupted = [&](int rank) {
    FakeModelRunner* runner = runner_of_signalled.load();
    return rank == signalled && runner && runner->batch_sizes().size() >= 2 ? SIGTERM : 0;
  };
  run_on(
      world, plan, out,
      [&](FakeModelRunner& runner, int rank) {
        runner.seconds_per_item = 0.005;
        if (rank == signalled) runner_of_signalled = &runner;
      },
      options);
  const auto& items = out.results[0].items;
  ASSERT_EQ(items.size(), plan.items.size()) << schedule;
  EXPECT_EQ(out.results[0].interrupted_by, SIGTERM) << schedule;
  std::size_t ok = 0, skipped = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ(items[i].id, i);
    if (items[i].status == mio::ItemStatus::kOk) ++ok;
    if (items[i].status == mio::ItemStatus::kSkipped) {
      ++skipped;
      EXPECT_EQ(items[i].error, "not run: the job was interrupted by SIGTERM on rank " +
                                    std::to_string(signalled) + "; run it again with --resume");
    }
  }
  EXPECT_EQ(ok + skipped, items.size()) << schedule;  // nothing failed
  EXPECT_GT(ok, 0u) << schedule;
  EXPECT_GT(skipped, items.size() / 4) << schedule;  // the rest was not run
  // The signalled rank ran no batch after it saw the signal.
  EXPECT_EQ(out.batch_sizes[static_cast<std::size_t>(signalled)].size(), 2u) << schedule;
}

TEST(Pipeline, ASignalOnAWorkerStopsTheJobWithTheItemsNotRunRecordedAsSkipped) {
  for (const char* schedule : {"dynamic", "static"})
    expect_interruption_accounts_for_every_item(schedule, 1);
}

TEST(Pipeline, ASignalOnRankZeroStopsTheWorkersToo) {
  for (const char* schedule : {"dynamic", "static"})
    expect_interruption_accounts_for_every_item(schedule, 0);
}

TEST(Pipeline, ARankSilentForTheStallTimeoutIsReportedWithTheItemItIsOn) {
  const mp::WorkPlan plan = make_plan(2, 6);
  FakeWorld world(2);
  RunOutput out;
  mp::PipelineOptions options = with_schedule("static");
  options.batch_size = 2;
  options.stall_timeout_s = 0.15;
  run_on(
      world, plan, out,
      [](FakeModelRunner& runner, int rank) {
        runner.seconds_per_item = rank == 1 ? 0.15 : 0.0;  // rank 1: 0.3 s per batch
      },
      options);
  const auto& stalls = out.results[0].stalls;
  ASSERT_FALSE(stalls.empty());
  EXPECT_NE(stalls.front().find("rank 1 has sent nothing for"), std::string::npos) << stalls[0];
  EXPECT_NE(stalls.front().find("; it is on item "), std::string::npos) << stalls[0];
  // The job still ends with every item ok: a stall is reported, not an error.
  for (const auto& item : out.results[0].items) EXPECT_EQ(item.status, mio::ItemStatus::kOk);
}
