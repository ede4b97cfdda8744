// Signals and lost ranks under mpiexec (NOTE [interruption] in src/pipeline/pipeline.cpp),
// injected with the MPIBATCH_FAULT testing knob: a signal on one rank ends the job with exit
// code 4 and a resumable file; --resume on another number of ranks completes it; a second
// signal exits at once without a final file; a killed rank ends the job promptly, named, and
// --resume goes on from the parts committed before (NOTE [result parts]).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "job_fixture.h"

namespace mi = mpibatch::io;
using mpibatch::testing::run_job;
using mpibatch::testing::Workspace;
using ::testing::HasSubstr;

namespace {

/// Sets MPIBATCH_FAULT for the commands run while it lives.
class FaultInjected {
 public:
  explicit FaultInjected(const std::string& fault) { setenv("MPIBATCH_FAULT", fault.c_str(), 1); }
  ~FaultInjected() { unsetenv("MPIBATCH_FAULT"); }
};

/// A job over the workspace book with small batches, so every rank runs several.
std::string job(const std::string& name) {
  return Workspace::get().write_job(name, {{"model.batch_size", "2"}});
}

std::size_t count(const std::vector<mi::ItemRecord>& items, mi::ItemStatus status) {
  return static_cast<std::size_t>(std::count_if(
      items.begin(), items.end(), [&](const mi::ItemRecord& i) { return i.status == status; }));
}

/// Every chapter of `done` has the outputs of `reference` (floating-point noise aside).
void expect_same_outputs(const mi::ResultReader& done, const mi::ResultReader& reference) {
  for (const auto& chapter : reference.chapters()) {
    const mi::ChapterOutput a = done.chapter_output(chapter.index);
    const mi::ChapterOutput b = reference.chapter_output(chapter.index);
    EXPECT_EQ(a.offsets, b.offsets) << "chapter " << chapter.index;
    ASSERT_EQ(a.values.size(), b.values.size());
    for (std::size_t v = 0; v < a.values.size(); ++v)
      ASSERT_NEAR(a.values[v], b.values[v], 1e-5 + 1e-4 * std::abs(b.values[v]));
  }
}

}  // namespace

TEST(Interrupt, ASigtermOnOneRankEndsWithExitFourAndResumeOnOtherRanksCompletesIt) {
  auto& ws = Workspace::get();
  const std::string name = "interrupted";
  {
    FaultInjected fault("sigterm@1:0");  // rank 1, before its first batch
    const auto run = run_job(3, job(name));
    ASSERT_EQ(run.exit_code, 4) << run.output;
    EXPECT_THAT(run.output, HasSubstr("SIGTERM on rank 1: no new work is handed out"));
    EXPECT_THAT(run.output, HasSubstr("run the job again with --resume"));
  }
  {
    const mi::ResultReader file(ws.output(name));
    EXPECT_EQ(file.info().exit_status, 4);
    const auto items = file.items();
    const std::size_t skipped = count(items, mi::ItemStatus::kSkipped);
    EXPECT_GT(skipped, 0u);
    EXPECT_EQ(count(items, mi::ItemStatus::kOk) + skipped, items.size());
    for (const auto& item : items) {
      if (item.status == mi::ItemStatus::kSkipped)
        EXPECT_THAT(item.error, HasSubstr("interrupted by SIGTERM on rank 1"));
    }
  }
  const auto resumed = run_job(2, job(name), "--resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;

  // The same as a run that was never interrupted: every item once, the same outputs.
  const std::string whole = "uninterrupted";
  ASSERT_EQ(run_job(1, job(whole)).exit_code, 0);
  const mi::ResultReader done(ws.output(name)), reference(ws.output(whole));
  const auto items = done.items();
  ASSERT_EQ(items.size(), reference.items().size());
  EXPECT_EQ(count(items, mi::ItemStatus::kOk), items.size());
  EXPECT_EQ(done.info().attempt, 1u);
  std::set<std::uint32_t> attempts;
  for (const auto& item : items) attempts.insert(item.attempt);
  EXPECT_EQ(attempts, (std::set<std::uint32_t>{0, 1}));  // timing of both attempts kept
  expect_same_outputs(done, reference);
}

TEST(Interrupt, ASigusr1OnRankZeroStopsTheWorkersToo) {
  FaultInjected fault("sigusr1@0:0");
  const auto run = run_job(2, job("usr1"));
  ASSERT_EQ(run.exit_code, 4) << run.output;
  EXPECT_THAT(run.output, HasSubstr("SIGUSR1 on rank 0"));
  const mi::ResultReader file(Workspace::get().output("usr1"));
  EXPECT_GT(count(file.items(), mi::ItemStatus::kSkipped), 0u);
}

TEST(Interrupt, ASecondSignalExitsAtOnceAndLeavesNoFinalFile) {
  FaultInjected fault("sigterm-twice@1:0");
  const auto run = run_job(2, job("twice"));
  EXPECT_NE(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("second signal: exiting now"));
  EXPECT_FALSE(std::filesystem::exists(Workspace::get().output("twice")));
}

TEST(Interrupt, AKilledRankEndsTheJobPromptlyAndResumeKeepsTheCommittedParts) {
  // 30 chapters of 3 sentences, one item per batch, static schedule (rank 1 holds 30 items):
  // rank 1 dies before its 16th batch, so the job cannot end first, and by then the other
  // ranks have finished chapters that rank 0 committed (commit_interval 1 ms) to parts.
  auto& ws = Workspace::get();
  for (int c = 1; c <= 30; ++c) {
    ws.dir().write("long-book/chapter" + std::to_string(c) + ".txt",
                   "Chapter " + std::to_string(c) + " begins. The keeper counts the gulls. " +
                       "Night falls on the bay.");
  }
  const auto long_job = [&](const std::string& name) {
    return ws.write_job(name, {{"input.path", "long-book"},
                               {"model.batch_size", "1"},
                               {"output.commit_interval", "0.001"}});
  };
  const std::string name = "killed";
  const std::string parts = ws.output(name) + ".parts";
  {
    FaultInjected fault("sigkill@1:15");
    const auto start = std::chrono::steady_clock::now();
    const auto run = run_job(3, long_job(name), "--set runtime.schedule=static");
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_NE(run.exit_code, 0) << run.output;
    EXPECT_THAT(run.output, ::testing::ContainsRegex("rank 1 .*(signal 9|Killed)")) << run.output;
    EXPECT_LT(seconds, 60.0);
  }
  EXPECT_FALSE(std::filesystem::exists(ws.output(name)));
  ASSERT_TRUE(std::filesystem::is_directory(parts));

  const auto resumed = run_job(2, long_job(name), "--resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_THAT(resumed.output, ::testing::ContainsRegex("resuming from [0-9]+ committed parts? in"));
  EXPECT_THAT(resumed.output, ::testing::ContainsRegex("[1-9][0-9]* of 90 items kept"));
  EXPECT_FALSE(std::filesystem::exists(parts));  // the result file holds everything now

  // The same as a run that was never interrupted: every item once, the same outputs.
  ASSERT_EQ(run_job(1, long_job("never-killed")).exit_code, 0);
  const mi::ResultReader done(ws.output(name)), reference(ws.output("never-killed"));
  const auto items = done.items();
  ASSERT_EQ(items.size(), 90u);
  EXPECT_EQ(count(items, mi::ItemStatus::kOk), items.size());
  std::set<std::uint32_t> attempts;
  for (const auto& item : items) attempts.insert(item.attempt);
  EXPECT_EQ(attempts, (std::set<std::uint32_t>{0, 1}));  // items of both attempts
  expect_same_outputs(done, reference);
}

TEST(Interrupt, AMalformedFaultSwitchIsAUsageError) {
  FaultInjected fault("explode@1");
  const auto run = run_job(1, job("bad-fault"));
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_THAT(run.output, HasSubstr("MPIBATCH_FAULT='explode@1'"));
}

TEST(Interrupt, AStalledRankIsReportedWithItsItemAndTheJobStillEnds) {
  FaultInjected fault("stall@1:0");  // rank 1 sleeps 3 s before its first batch
  const auto run = run_job(2, job("stalled"), "--set runtime.stall_timeout=1");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output,
              ::testing::ContainsRegex(
                  "rank 1 has sent nothing for [0-9]+ s \\(runtime.stall_timeout 1 s\\) "
                  "holding [0-9]+ items; it is on item [0-9]+"));
}
