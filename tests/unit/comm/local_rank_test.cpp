#include "mpibatch/comm/local_rank.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <string>

namespace mpibatch::comm {
namespace {

using Env = std::map<std::string, std::string>;

std::optional<std::string> check(int local_rank, Env env) {
  return check_local_rank(local_rank, fixed_environment(std::move(env)));
}

TEST(LocalRank, NothingSetIsFine) { EXPECT_EQ(check(0, {}), std::nullopt); }

TEST(LocalRank, UnrelatedVariablesAreIgnored) {
  EXPECT_EQ(check(2, {{"HOME", "/root"}, {"OMPI_COMM_WORLD_RANK", "7"}}), std::nullopt);
}

// --- Open MPI mpirun ---

TEST(LocalRank, OpenMpiAgreeing) {
  EXPECT_EQ(check(1, {{"OMPI_COMM_WORLD_LOCAL_RANK", "1"}}), std::nullopt);
}

TEST(LocalRank, OpenMpiDisagreeing) {
  const auto warning = check(1, {{"OMPI_COMM_WORLD_LOCAL_RANK", "0"}});
  ASSERT_TRUE(warning);
  EXPECT_NE(warning->find("OMPI_COMM_WORLD_LOCAL_RANK=0"), std::string::npos) << *warning;
  EXPECT_NE(warning->find("local rank 1"), std::string::npos) << *warning;
}

TEST(LocalRank, MpirunInsideSbatchIgnoresSlurmLocalId) {
  // Every rank started by mpirun inside an allocation sees the batch step's SLURM_LOCALID=0.
  const Env env = {{"OMPI_COMM_WORLD_LOCAL_RANK", "3"},
                   {"SLURM_LOCALID", "0"},
                   {"SLURM_STEP_ID", "0"},
                   {"SLURM_JOB_ID", "1234"}};
  EXPECT_EQ(check(3, env), std::nullopt);
}

TEST(LocalRank, MpirunInsideSbatchStillChecksOpenMpi) {
  const Env env = {
      {"OMPI_COMM_WORLD_LOCAL_RANK", "3"}, {"SLURM_LOCALID", "3"}, {"SLURM_STEP_ID", "0"}};
  EXPECT_TRUE(check(2, env));
}

// --- srun ---

TEST(LocalRank, SrunAgreeing) {
  EXPECT_EQ(check(2, {{"SLURM_LOCALID", "2"}, {"SLURM_STEP_ID", "5"}}), std::nullopt);
}

TEST(LocalRank, SrunDisagreeing) {
  const auto warning = check(2, {{"SLURM_LOCALID", "1"}, {"SLURM_STEP_ID", "5"}});
  ASSERT_TRUE(warning);
  EXPECT_NE(warning->find("SLURM_LOCALID=1"), std::string::npos) << *warning;
}

TEST(LocalRank, SlurmLocalIdWithoutStepIsNotCompared) {
  // The batch script itself (no step): SLURM_LOCALID describes the batch step, not a rank.
  EXPECT_EQ(check(1, {{"SLURM_LOCALID", "0"}, {"SLURM_JOB_ID", "1234"}}), std::nullopt);
}

TEST(LocalRank, SlurmStepWithoutLocalIdIsFine) {
  EXPECT_EQ(check(1, {{"SLURM_STEP_ID", "0"}}), std::nullopt);
}

// --- MPICH and PMI ---

TEST(LocalRank, MpichHydraAgreeing) {
  EXPECT_EQ(check(1, {{"MPI_LOCALRANKID", "1"}}), std::nullopt);
}

TEST(LocalRank, MpichHydraDisagreeing) {
  const auto warning = check(0, {{"MPI_LOCALRANKID", "1"}});
  ASSERT_TRUE(warning);
  EXPECT_NE(warning->find("MPI_LOCALRANKID=1"), std::string::npos) << *warning;
}

TEST(LocalRank, HydraUnderSlurmIgnoresSlurmLocalId) {
  // Hydra's proxies are started by srun, one per node: SLURM_LOCALID=0 on every rank.
  const Env env = {{"MPI_LOCALRANKID", "2"}, {"SLURM_LOCALID", "0"}, {"SLURM_STEP_ID", "0"}};
  EXPECT_EQ(check(2, env), std::nullopt);
}

TEST(LocalRank, PmiLocalRank) {
  EXPECT_EQ(check(4, {{"PMI_LOCAL_RANK", "4"}}), std::nullopt);
  EXPECT_TRUE(check(4, {{"PMI_LOCAL_RANK", "0"}}));
  EXPECT_EQ(check(1, {{"PMI_LOCAL_RANK", "1"}, {"SLURM_LOCALID", "0"}, {"SLURM_STEP_ID", "0"}}),
            std::nullopt);
}

TEST(LocalRank, EveryLauncherVariableSetIsCompared) {
  const auto warning = check(1, {{"OMPI_COMM_WORLD_LOCAL_RANK", "1"}, {"PMI_LOCAL_RANK", "0"}});
  ASSERT_TRUE(warning);
  EXPECT_NE(warning->find("PMI_LOCAL_RANK=0"), std::string::npos) << *warning;
  EXPECT_EQ(warning->find("OMPI_COMM_WORLD_LOCAL_RANK"), std::string::npos) << *warning;
}

TEST(LocalRank, SeveralDisagreementsInOneLine) {
  const auto warning = check(2, {{"OMPI_COMM_WORLD_LOCAL_RANK", "0"}, {"MPI_LOCALRANKID", "1"}});
  ASSERT_TRUE(warning);
  EXPECT_NE(warning->find("OMPI_COMM_WORLD_LOCAL_RANK=0"), std::string::npos) << *warning;
  EXPECT_NE(warning->find("MPI_LOCALRANKID=1"), std::string::npos) << *warning;
  EXPECT_EQ(warning->find('\n'), std::string::npos);
}

// --- values ---

TEST(LocalRank, BlanksAroundTheNumberAreAccepted) {
  EXPECT_EQ(check(12, {{"OMPI_COMM_WORLD_LOCAL_RANK", " 12\n"}}), std::nullopt);
}

TEST(LocalRank, GarbageIsReported) {
  for (const std::string value : {"", "abc", "-1", "1.5", "2x", "99999999999"}) {
    const auto warning = check(0, {{"OMPI_COMM_WORLD_LOCAL_RANK", value}});
    ASSERT_TRUE(warning) << "value '" << value << "'";
    EXPECT_NE(warning->find("is not a local rank"), std::string::npos) << *warning;
  }
  EXPECT_TRUE(check(0, {{"SLURM_LOCALID", "zero"}, {"SLURM_STEP_ID", "1"}}));
}

TEST(LocalRank, ProcessEnvironmentReadsGetenv) {
  ::setenv("MPIBATCH_TEST_LOCAL_RANK_VARIABLE", "42", 1);
  const auto env = process_environment();
  EXPECT_EQ(env("MPIBATCH_TEST_LOCAL_RANK_VARIABLE"), "42");
  ::unsetenv("MPIBATCH_TEST_LOCAL_RANK_VARIABLE");
  EXPECT_EQ(env("MPIBATCH_TEST_LOCAL_RANK_VARIABLE"), std::nullopt);
}

}  // namespace
}  // namespace mpibatch::comm
