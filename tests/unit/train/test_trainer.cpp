// Trainer on in-process ranks (FakeWorld): data-parallel training equals training on one rank
// (the global batch's mean gradient whatever the split), a resumed run continues the same
// loss curve on another number of ranks, and bad checkpoints are clear errors.
#include "mpibatch/train/trainer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/script.h>

#include <cmath>
#include <fstream>
#include <mutex>
#include <random>

#include "mpibatch/comm/fake_communicator.h"
#include "mpibatch/error.h"
#include "mpibatch/timing/clock.h"
#include "support/temp_dir.h"

namespace mpibatch::train {
namespace {

using ::testing::HasSubstr;

void write_u32(std::ofstream& out, std::uint32_t value) {
  const unsigned char bytes[4] = {static_cast<unsigned char>(value >> 24),
                                  static_cast<unsigned char>(value >> 16),
                                  static_cast<unsigned char>(value >> 8),
                                  static_cast<unsigned char>(value)};
  out.write(reinterpret_cast<const char*>(bytes), 4);
}

/// IDX images [n, 6, 6] and labels [n] of 3 classes: class c lights row 2c, plus noise.
void write_idx(const std::string& images, const std::string& labels, std::uint32_t n) {
  std::mt19937 rng(5);
  std::ofstream x(images, std::ios::binary), y(labels, std::ios::binary);
  write_u32(x, 0x803);
  write_u32(x, n);
  write_u32(x, 6);
  write_u32(x, 6);
  write_u32(y, 0x801);
  write_u32(y, n);
  for (std::uint32_t i = 0; i < n; ++i) {
    const auto label = static_cast<unsigned char>(rng() % 3);
    y.put(static_cast<char>(label));
    for (int p = 0; p < 36; ++p) {
      const bool lit = p / 6 == 2 * label || p / 6 == 2 * label + 1;
      x.put(static_cast<char>((lit ? 160 : 0) + rng() % 60));
    }
  }
}

struct Fixture {
  testing::TempDir dir;
  config::JobConfig config;
  Fixture() {
    write_idx(dir.file("x.idx"), dir.file("y.idx"), 203);  // 203: uneven tails everywhere
    config.job.kind = "train";
    config.effective_yaml = "job: {kind: train}\n";
    config.train.data = dir.file("x.idx");
    config.train.labels = dir.file("y.idx");
    config.train.eval_data = dir.file("x.idx");
    config.train.eval_labels = dir.file("y.idx");
    config.train.global_batch = 16;
    config.train.epochs = 2;
    config.train.lr = 0.05;
    config.train.bucket_mb = 1;
  }
};

struct TrainRun {
  io::TrainRecords records;  ///< rank 0's
  std::vector<at::Tensor> parameters;  ///< the exported model's, in order
};

TrainRun train_on(int ranks, config::JobConfig config, const std::string& name, bool resume = false) {
  config.train.checkpoint = config.train.checkpoint.empty() ? name + ".ckpt" : config.train.checkpoint;
  config.train.export_model = name + ".pt";
  TrainRun run;
  std::mutex mutex;
  comm::FakeWorld world(ranks);
  world.run([&](comm::Communicator& comm) {
    timing::SteadyClock clock;
    timing::PhaseTimer timer(clock);
    Trainer trainer(comm, config, "cpu", timer, resume);
    io::TrainRecords records = trainer.run();
    if (comm.rank() == 0) {
      std::lock_guard<std::mutex> lock(mutex);
      run.records = std::move(records);
    }
  });
  for (const at::Tensor& p : torch::jit::load(config.train.export_model).parameters()) {
    run.parameters.push_back(p.detach().clone());
  }
  return run;
}

double max_difference(const TrainRun& a, const TrainRun& b) {
  double worst = 0.0;
  EXPECT_EQ(a.parameters.size(), b.parameters.size());
  for (std::size_t i = 0; i < a.parameters.size() && i < b.parameters.size(); ++i) {
    worst = std::max(worst, (a.parameters[i] - b.parameters[i]).abs().max().item<double>());
  }
  return worst;
}

void expect_same_losses(const io::TrainRecords& a, const io::TrainRecords& b) {
  ASSERT_EQ(a.steps.size(), b.steps.size());
  for (std::size_t s = 0; s < a.steps.size(); ++s) {
    EXPECT_EQ(a.steps[s].samples, b.steps[s].samples) << "step " << s;
    EXPECT_NEAR(a.steps[s].loss, b.steps[s].loss, 1e-5) << "step " << s;
    EXPECT_DOUBLE_EQ(a.steps[s].lr, b.steps[s].lr) << "step " << s;
  }
}

class TrainerOnRanks : public ::testing::TestWithParam<std::string> {};

TEST_P(TrainerOnRanks, TwoAndThreeRanksTrainTheSameModelAsOne) {
  Fixture f;
  f.config.train.model = GetParam();
  f.config.train.optimizer = GetParam() == "cnn" ? "adamw" : "sgd";
  f.config.train.lr = GetParam() == "cnn" ? 0.005 : 0.05;
  const TrainRun one = train_on(1, f.config, f.dir.file("one"));
  const TrainRun two = train_on(2, f.config, f.dir.file("two"));
  const TrainRun three = train_on(3, f.config, f.dir.file("three"));
  ASSERT_EQ(one.records.steps.size(), 2u * 13u);  // ceil(203 / 16) steps per epoch
  EXPECT_EQ(one.records.steps[12].samples, 11u);  // the tail: 203 - 12 * 16
  expect_same_losses(one.records, two.records);
  expect_same_losses(one.records, three.records);
  EXPECT_LT(max_difference(one, two), 1e-5);
  EXPECT_LT(max_difference(one, three), 1e-5);
  // It learned: the classes are easy.
  EXPECT_LT(one.records.steps.back().loss, 0.5 * one.records.steps.front().loss);
  ASSERT_EQ(three.records.epochs.size(), 2u);
  EXPECT_GT(three.records.epochs.back().eval_accuracy, 0.9);
  EXPECT_EQ(three.records.epochs.back().eval_samples, 203u);
  // Per-rank rows: every rank, every epoch; samples add up to the epoch.
  ASSERT_EQ(three.records.rank_epochs.size(), 6u);
  std::uint64_t samples = 0;
  for (const auto& row : three.records.rank_epochs) samples += row.epoch == 0 ? row.samples : 0;
  EXPECT_EQ(samples, 203u);
}

INSTANTIATE_TEST_SUITE_P(Models, TrainerOnRanks, ::testing::Values("mlp", "cnn"));

TEST(Trainer, AResumedRunContinuesTheSameCurveOnAnotherNumberOfRanks) {
  Fixture f;
  f.config.train.lr_schedule = "constant";  // so that stopping after epoch 1 changes nothing
  f.config.train.optimizer = "adamw";       // optimizer state must survive the checkpoint
  f.config.train.lr = 0.01;
  const TrainRun whole = train_on(2, f.config, f.dir.file("whole"));

  config::JobConfig first = f.config;
  first.train.epochs = 1;
  first.train.checkpoint = f.dir.file("resumed.ckpt");
  train_on(2, first, f.dir.file("first"));
  config::JobConfig rest = f.config;
  rest.train.checkpoint = f.dir.file("resumed.ckpt");
  const TrainRun resumed = train_on(3, rest, f.dir.file("resumed"), /*resume=*/true);

  expect_same_losses(whole.records, resumed.records);
  EXPECT_LT(max_difference(whole, resumed), 1e-5);
  EXPECT_EQ(resumed.records.steps.front().attempt, 0u);
  EXPECT_EQ(resumed.records.steps.back().attempt, 1u);
  EXPECT_EQ(resumed.records.epochs.size(), 2u);
}

TEST(Trainer, ACheckpointOfAnotherJobOrNoneIsAClearError) {
  Fixture f;
  f.config.train.epochs = 1;
  f.config.train.checkpoint = f.dir.file("a.ckpt");
  train_on(1, f.config, f.dir.file("a"));
  config::JobConfig other = f.config;
  other.train.global_batch = 32;
  try {
    train_on(1, other, f.dir.file("b"), true);
    FAIL() << "expected an error";
  } catch (const std::exception& e) {
    EXPECT_THAT(e.what(), HasSubstr("belongs to another job"));
    EXPECT_THAT(e.what(), HasSubstr("global_batch=16"));
  }
  other = f.config;
  other.train.checkpoint = f.dir.file("none.ckpt");
  try {
    train_on(1, other, f.dir.file("c"), true);
    FAIL() << "expected an error";
  } catch (const std::exception& e) {
    EXPECT_THAT(e.what(), HasSubstr("does not exist"));
  }
}

TEST(Trainer, AModelThatDoesNotFitTheDataIsAModelError) {
  Fixture f;
  f.config.train.model = "cnn";
  testing::TempDir dir;
  // 2-D samples [n, 36]: no image for a CNN.
  std::ofstream x(dir.file("x.idx"), std::ios::binary), y(dir.file("y.idx"), std::ios::binary);
  write_u32(x, 0x802);
  write_u32(x, 2);
  write_u32(x, 36);
  write_u32(y, 0x801);
  write_u32(y, 2);
  x.write(std::string(72, '\1').data(), 72);
  y.write("\0\1", 2);
  x.close();
  y.close();
  f.config.train.data = dir.file("x.idx");
  f.config.train.labels = dir.file("y.idx");
  f.config.train.eval_data.clear();
  comm::FakeWorld world(1);
  world.run([&](comm::Communicator& comm) {
    timing::SteadyClock clock;
    timing::PhaseTimer timer(clock);
    try {
      Trainer trainer(comm, f.config, "cpu", timer, false);
      FAIL() << "expected ModelError";
    } catch (const ModelError& e) {
      EXPECT_THAT(e.what(), HasSubstr("cnn needs image samples"));
    }
  });
}

}  // namespace
}  // namespace mpibatch::train
