// `mpibatch run` of train jobs under mpiexec with 1, 2 and 3 ranks on real data (the test split
// of Debian's Fashion-MNIST, 10,000 images), read back from HDF5: the same loss curve on any
// number of ranks, resume on another number of ranks, and bad data ending with exit code 2.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include "job_fixture.h"

namespace mi = mpibatch::io;
using mpibatch::testing::run_job;
using mpibatch::testing::Workspace;

namespace {

const std::string kData = "/usr/share/datasets/fashion-mnist/";

#define SKIP_WITHOUT_FASHION_MNIST()                                                     \
  if (!std::filesystem::exists(kData + "t10k-images-idx3-ubyte.gz"))                     \
  GTEST_SKIP() << "no " << kData << " (Debian package dataset-fashion-mnist, installed " \
                  "by scripts/setup)"

/// Writes <workspace>/<name>.yaml: the MLP on the test split for `epochs`, constant lr.
std::string train_job(const std::string& name, int epochs,
                      const std::string& images = kData + "t10k-images-idx3-ubyte.gz",
                      const std::string& labels = kData + "t10k-labels-idx1-ubyte.gz") {
  return Workspace::get().dir().write(
      name + ".yaml", "job:\n  kind: train\n"
                      "train:\n"
                      "  data: " + images + "\n  labels: " + labels + "\n"
                      "  eval_data: " + images + "\n  eval_labels: " + labels + "\n"
                      "  model: mlp\n  lr: 0.05\n  lr_schedule: constant\n"
                      "  global_batch: 100\n  epochs: " + std::to_string(epochs) + "\n"
                      "output:\n  overwrite: true\n"
                      "runtime:\n  device: cpu\n  threads_per_rank: 1\n");
}

mi::TrainRecords train_records(const std::string& name) {
  return mi::ResultReader(Workspace::get().output(name)).training();
}

void expect_same_curve(const mi::TrainRecords& a, const mi::TrainRecords& b) {
  ASSERT_EQ(a.steps.size(), b.steps.size());
  for (std::size_t s = 0; s < a.steps.size(); ++s) {
    EXPECT_NEAR(a.steps[s].loss, b.steps[s].loss, 1e-4 * (1 + a.steps[s].loss)) << "step " << s;
  }
}

}  // namespace

TEST(Train, TwoAndThreeRanksFollowTheLossCurveOfOneOnFashionMnist) {
  SKIP_WITHOUT_FASHION_MNIST();
  std::map<int, mi::TrainRecords> runs;
  for (int ranks : {1, 2, 3}) {
    const std::string name = "train" + std::to_string(ranks);
    const auto run = run_job(ranks, train_job(name, 1));
    ASSERT_EQ(run.exit_code, 0) << run.output;
    runs[ranks] = train_records(name);
    const mi::ResultReader file(Workspace::get().output(name));
    EXPECT_EQ(file.info().job_kind, "train");
    EXPECT_EQ(file.ranks().size(), static_cast<std::size_t>(ranks));
    EXPECT_TRUE(file.items().empty());
    EXPECT_GT(std::filesystem::file_size(Workspace::get().dir().file(name + ".pt")), 100000u);
    EXPECT_TRUE(std::filesystem::exists(Workspace::get().dir().file(name + ".ckpt")));
  }
  const mi::TrainRecords& three = runs[3];
  ASSERT_EQ(three.steps.size(), 100u);  // 10,000 samples / 100 per step
  expect_same_curve(runs[1], runs[2]);
  expect_same_curve(runs[1], runs[3]);
  ASSERT_EQ(three.epochs.size(), 1u);
  EXPECT_GT(three.epochs[0].eval_accuracy, 0.7);  // one pass of a small MLP
  EXPECT_EQ(three.epochs[0].eval_samples, 10000u);
  ASSERT_EQ(three.rank_epochs.size(), 3u);
  std::uint64_t samples = 0;
  for (const auto& row : three.rank_epochs) {
    samples += row.samples;
    EXPECT_GT(row.compute_s, 0.0);
    EXPECT_GT(row.allreduce_s, 0.0);
  }
  EXPECT_EQ(samples, 10000u);
}

TEST(Train, InferOverTheTestSplitWithTheExportedModelOnThreeRanks) {
  SKIP_WITHOUT_FASHION_MNIST();
  const auto& dir = Workspace::get().dir();
  ASSERT_EQ(run_job(2, train_job("export", 1)).exit_code, 0);
  const std::string job = dir.write(
      "classify.yaml", "job:\n  kind: infer\ninput:\n  path: " + kData +
                           "t10k-images-idx3-ubyte.gz\n  labels: " + kData +
                           "t10k-labels-idx1-ubyte.gz\nmodel:\n  path: " + dir.file("export.pt") +
                           "\n  batch_size: 300\nruntime:\n  device: cpu\n");
  const auto run = run_job(3, job);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const mi::TrainRecords records = train_records("classify");
  ASSERT_EQ(records.predictions.size(), 10000u);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < records.predictions.size(); ++i) {
    const auto& p = records.predictions[i];
    EXPECT_EQ(p.index, i);  // dataset order
    EXPECT_EQ(p.rank, i < 3334 ? 0 : i < 6667 ? 1 : 2);  // even, contiguous shards
    correct += p.predicted == p.label ? 1 : 0;
  }
  ASSERT_EQ(records.epochs.size(), 1u);
  EXPECT_DOUBLE_EQ(records.epochs[0].eval_accuracy, correct / 10000.0);
  // The same model on the same split as the train job's evaluation.
  EXPECT_NEAR(records.epochs[0].eval_accuracy, train_records("export").epochs[0].eval_accuracy,
              1e-9);
}

TEST(Train, ResumeOnThreeRanksContinuesARunStartedOnTwo) {
  SKIP_WITHOUT_FASHION_MNIST();
  ASSERT_EQ(run_job(1, train_job("whole", 2)).exit_code, 0);
  const std::string job = train_job("parts", 1);
  ASSERT_EQ(run_job(2, job).exit_code, 0);
  const auto resumed = run_job(3, job, "--resume --set train.epochs=2");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("resuming at step 100"), std::string::npos) << resumed.output;
  const mi::TrainRecords parts = train_records("parts");
  expect_same_curve(train_records("whole"), parts);
  EXPECT_EQ(parts.steps.front().attempt, 0u);
  EXPECT_EQ(parts.steps.back().attempt, 1u);
  EXPECT_EQ(mi::ResultReader(Workspace::get().output("parts")).info().attempt, 1u);
}

TEST(Train, ASignalStopsEveryRankAfterOneStepWithACheckpointAndResumeFollowsTheCurve) {
  SKIP_WITHOUT_FASHION_MNIST();
  ASSERT_EQ(run_job(1, train_job("curve", 2)).exit_code, 0);
  const std::string job = train_job("signalled", 2);
  setenv("MPIBATCH_FAULT", "sigterm@1:130", 1);  // rank 1, before global step 130 of 200
  const auto interrupted = run_job(2, job);
  unsetenv("MPIBATCH_FAULT");
  ASSERT_EQ(interrupted.exit_code, 4) << interrupted.output;
  EXPECT_NE(interrupted.output.find("interrupted at step 131 of 200"), std::string::npos)
      << interrupted.output;
  EXPECT_EQ(mi::ResultReader(Workspace::get().output("signalled")).info().exit_status, 4);
  EXPECT_EQ(train_records("signalled").steps.size(), 131u);

  const auto resumed = run_job(3, job, "--resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("resuming at step 131"), std::string::npos) << resumed.output;
  expect_same_curve(train_records("curve"), train_records("signalled"));
}

TEST(Train, CorruptOrMismatchedDataEndsWithExitCode2AndTheFileNamed) {
  SKIP_WITHOUT_FASHION_MNIST();
  const auto& dir = Workspace::get().dir();
  std::ifstream in(kData + "t10k-images-idx3-ubyte.gz", std::ios::binary);
  std::string head(20000, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  const std::string truncated = dir.write("truncated-images.gz", head);

  auto run = run_job(2, train_job("truncated", 1, truncated));
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("truncated-images.gz"), std::string::npos) << run.output;

  run = run_job(2, train_job("mismatch", 1, kData + "t10k-images-idx3-ubyte.gz",
                             kData + "train-labels-idx1-ubyte.gz"));
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("10000 images but"), std::string::npos) << run.output;
  EXPECT_FALSE(std::filesystem::exists(Workspace::get().output("mismatch")));
}
