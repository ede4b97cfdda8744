// Signals and lost ranks under mpiexec (NOTE [interruption] in src/pipeline/pipeline.cpp),
// injected with the MPIBATCH_FAULT testing knob: a signal on one rank ends the job with exit
// code 4 and a resumable file; --resume on another number of ranks completes it; a second
// signal exits at once without a final file; a killed rank ends the job promptly, named.
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
  for (const auto& chapter : reference.chapters()) {
    const mi::ChapterOutput a = done.chapter_output(chapter.index);
    const mi::ChapterOutput b = reference.chapter_output(chapter.index);
    EXPECT_EQ(a.offsets, b.offsets) << "chapter " << chapter.index;
    ASSERT_EQ(a.values.size(), b.values.size());
    for (std::size_t v = 0; v < a.values.size(); ++v)
      ASSERT_NEAR(a.values[v], b.values[v], 1e-5 + 1e-4 * std::abs(b.values[v]));
  }
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

TEST(Interrupt, AKilledRankEndsTheJobPromptlyNamingItAndWritesNoFinalFile) {
  FaultInjected fault("sigkill@1:0");
  const auto start = std::chrono::steady_clock::now();
  const auto run = run_job(3, job("killed"));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_NE(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, ::testing::ContainsRegex("rank 1 .*(signal 9|Killed)")) << run.output;
  EXPECT_LT(seconds, 60.0);
  EXPECT_FALSE(std::filesystem::exists(Workspace::get().output("killed")));
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
