// `mpibatch doctor` under mpiexec: one row per rank as JSON, the table, and a device asked for
// but absent reported as an error with exit code 3 (here: Debian's CPU-only libtorch); and
// `mpibatch probe-batch` on the CPU.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "job_fixture.h"
#include "support/process.h"

using mpibatch::testing::mpibatch_under_mpiexec;
using mpibatch::testing::run_shell;
using ::testing::HasSubstr;

namespace {

nlohmann::json json_in(const std::string& output) {
  const auto begin = output.find('{');
  const auto end = output.rfind('}');
  if (begin == std::string::npos || end == std::string::npos) return nullptr;
  return nlohmann::json::parse(output.substr(begin, end - begin + 1));
}

}  // namespace

TEST(Doctor, EveryRankReportsWhatItSeesAndWouldUse) {
  const auto run = run_shell(mpibatch_under_mpiexec(3) + " doctor --json");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const nlohmann::json report = json_in(run.output);
  ASSERT_EQ(report.at("ranks").size(), 3u) << run.output;
  for (int r = 0; r < 3; ++r) {
    const auto& row = report.at("ranks")[static_cast<std::size_t>(r)];
    EXPECT_EQ(row.at("rank"), r);
    EXPECT_EQ(row.at("local_size"), 3);
    EXPECT_THAT(row.at("mpi").get<std::string>(), HasSubstr("Open MPI"));
    EXPECT_FALSE(row.at("torch").get<std::string>().empty());
    EXPECT_GE(row.at("threads").at("intra_op").get<int>(), 1);
    ASSERT_FALSE(row.at("diagnoses").empty());
    if (!row.at("cuda_built").get<bool>()) {
      EXPECT_EQ(row.at("device"), "cpu");
      EXPECT_EQ(row.at("diagnoses")[0].at("level"), "ok");
    }
  }
  const auto table = run_shell(mpibatch_under_mpiexec(2) + " doctor");
  EXPECT_EQ(table.exit_code, 0) << table.output;
  EXPECT_THAT(table.output, HasSubstr("mpibatch doctor: 2 ranks"));
  EXPECT_THAT(table.output, HasSubstr("rank 1 ["));
}

TEST(Doctor, AGpuAskedForAndAbsentIsAnErrorWithTheReason) {
  const auto run = run_shell("CUDA_VISIBLE_DEVICES= " + mpibatch_under_mpiexec(2) +
                             " doctor --device cuda --on-missing-gpu error");
  EXPECT_EQ(run.exit_code, 3) << run.output;
  EXPECT_THAT(run.output, HasSubstr("rank 0 [error] runtime.device=cuda but "));
  EXPECT_THAT(run.output, HasSubstr("rank 1 [error]"));
  const auto bad = run_shell(mpibatch_under_mpiexec(1) + " doctor --device gpu");
  EXPECT_EQ(bad.exit_code, 3) << bad.output;
  EXPECT_THAT(bad.output, HasSubstr("runtime.device: 'gpu' is not a device"));
}

TEST(ProbeBatch, PrintsItemsPerSecondPerBatchSizeAndTheLargestThatFits) {
  const std::string model = mpibatch::testing::Workspace::get().model();
  const auto run =
      run_shell(mpibatch::testing::mpibatch_binary() + " probe-batch " +
                mpibatch::testing::shell_quote(model) + " --max-batch 8 --tokens 20 --repeat 1");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  for (const char* row : {"      1  yes", "      2  yes", "      4  yes", "      8  yes"}) {
    EXPECT_THAT(run.output, HasSubstr(row)) << run.output;
  }
  EXPECT_THAT(run.output, HasSubstr("largest batch that fits: 8 (the largest tried)"));
  const auto missing =
      run_shell(mpibatch::testing::mpibatch_binary() + " probe-batch /nonexistent.pt");
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_THAT(missing.output, HasSubstr("/nonexistent.pt"));
}
