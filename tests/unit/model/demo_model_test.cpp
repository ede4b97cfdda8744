#include "mpibatch/model/demo_model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "mpibatch/error.h"
#include "mpibatch/model/encoder.h"
#include "mpibatch/model/torchscript_runner.h"
#include "support/temp_dir.h"

namespace mpibatch::model {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

DemoModelOptions small_options() {
  DemoModelOptions options;
  options.channels = 32;
  options.layers = 2;
  options.heads = 4;
  options.hop_length = 16;
  options.seed = 7;
  return options;
}

TorchScriptRunner load(const std::string& path) {
  RunnerOptions options;
  options.path = path;
  return TorchScriptRunner(options);
}

TokenIds encode(const std::string& text) { return make_encoder("bytes")->encode(text); }

/// Largest |a - b| relative to rtol * |b| + atol; <= 1 means allclose.
double closeness(const ItemOutput& a, const ItemOutput& b, double rtol, double atol) {
  EXPECT_EQ(a.length, b.length);
  EXPECT_EQ(a.values.size(), b.values.size());
  double worst = 0;
  for (std::size_t i = 0; i < std::min(a.values.size(), b.values.size()); ++i) {
    const double diff = std::fabs(double(a.values[i]) - double(b.values[i]));
    worst = std::max(worst, diff / (rtol * std::fabs(double(b.values[i])) + atol));
  }
  return worst;
}

TEST(DemoModel, FollowsTheContract) {
  TempDir dir;
  const auto path = dir.file("demo.pt");
  write_demo_model(path, small_options());
  auto runner = load(path);
  const auto a = encode("Hello.");
  const auto b = encode("Grüße, 世界! A longer one.");
  const auto outputs = runner.run({&a, &b});
  ASSERT_EQ(outputs.size(), 2u);
  EXPECT_EQ(outputs[0].length, static_cast<std::int64_t>(a.size()) * 16);
  EXPECT_EQ(outputs[1].length, static_cast<std::int64_t>(b.size()) * 16);
  EXPECT_TRUE(outputs[0].feature_shape.empty());
  EXPECT_EQ(outputs[0].values.size(), a.size() * 16);
}

TEST(DemoModel, SmallestShapesWork) {
  TempDir dir;
  DemoModelOptions options;
  options.channels = 2;
  options.layers = 0;
  options.heads = 1;
  options.hop_length = 1;
  write_demo_model(dir.file("tiny.pt"), options);
  auto runner = load(dir.file("tiny.pt"));
  const TokenIds one{65};
  const auto out = runner.run({&one}).at(0);
  EXPECT_EQ(out.length, 1);
  EXPECT_EQ(out.values.size(), 1u);
}

TEST(DemoModel, OutputsAreNonTrivialWaveforms) {
  TempDir dir;
  const auto path = dir.file("demo.pt");
  write_demo_model(path, DemoModelOptions{});  // the defaults the pipeline uses
  auto runner = load(path);
  const auto ids = encode("The quick brown fox jumps over the lazy dog. Ünïcödé too.");
  const auto out = runner.run({&ids}).at(0);
  ASSERT_EQ(out.length, static_cast<std::int64_t>(ids.size()) * 256);
  double sum = 0, sum_sq = 0;
  std::size_t saturated = 0;
  for (float v : out.values) {
    ASSERT_TRUE(std::isfinite(v));
    ASSERT_LE(std::fabs(v), 1.0f);
    sum += v;
    sum_sq += double(v) * v;
    saturated += std::fabs(v) > 0.99f ? 1 : 0;
  }
  const double n = static_cast<double>(out.values.size());
  const double stddev = std::sqrt(sum_sq / n - (sum / n) * (sum / n));
  EXPECT_GT(stddev, 0.05);
  EXPECT_LT(stddev, 0.8);
  EXPECT_LT(static_cast<double>(saturated) / n, 0.02);
}

TEST(DemoModel, ItemOutputDoesNotDependOnItsBatch) {
  TempDir dir;
  for (const auto& options : {small_options(), DemoModelOptions{}}) {
    const auto path = dir.file("demo-" + std::to_string(options.channels) + ".pt");
    write_demo_model(path, options);
    auto runner = load(path);
    const auto item = encode("Short, with ü.");
    const auto longer =
        encode("A much longer item that forces plenty of padding after the short one.");
    const auto other = encode("Another item of medium length.");
    const auto alone = runner.run({&item}).at(0);
    const auto first = runner.run({&item, &longer, &other}).at(0);
    const auto middle = runner.run({&longer, &item, &other}).at(1);
    EXPECT_LE(closeness(first, alone, 1e-4, 1e-5), 1.0) << "channels " << options.channels;
    EXPECT_LE(closeness(middle, alone, 1e-4, 1e-5), 1.0) << "channels " << options.channels;
  }
}

TEST(DemoModel, SameSeedSameModelOtherSeedOtherModel) {
  TempDir dir;
  auto options = small_options();
  write_demo_model(dir.file("a.pt"), options);
  write_demo_model(dir.file("b.pt"), options);
  options.seed = 8;
  write_demo_model(dir.file("c.pt"), options);
  const auto ids = encode("seed test");
  const auto a = load(dir.file("a.pt")).run({&ids}).at(0);
  const auto b = load(dir.file("b.pt")).run({&ids}).at(0);
  const auto c = load(dir.file("c.pt")).run({&ids}).at(0);
  EXPECT_EQ(a.values, b.values);
  EXPECT_NE(a.values, c.values);
}

TEST(DemoModel, BadOptionsAreConfigErrorsListingEveryProblem) {
  TempDir dir;
  DemoModelOptions options;
  options.channels = 130;
  options.heads = 4;
  options.hop_length = 0;
  try {
    write_demo_model(dir.file("demo.pt"), options);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.problems(),
                ::testing::ElementsAre(HasSubstr("heads (4) must divide channels (130)"),
                                       HasSubstr("hop_length must be >= 1")));
  }
}

TEST(DemoModel, UnwritablePathIsAnIoError) {
  TempDir dir;
  EXPECT_THROW(write_demo_model(dir.file("missing/folder/demo.pt"), small_options()), IoError);
  try {
    write_demo_model(dir.path().string(), small_options());  // a folder, not a file
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_THAT(e.what(), HasSubstr("make-model: cannot write"));
  }
}

/// Throughput of the default demo model, for docs/model-contract.md. Run on purpose:
///   OMP_NUM_THREADS=2 build/tests/unit_model --gtest_also_run_disabled_tests
///       --gtest_filter='*DemoModelThroughput*'
TEST(DemoModel, DISABLED_DemoModelThroughput) {
  TempDir dir;
  write_demo_model(dir.file("demo.pt"), DemoModelOptions{});
  auto runner = load(dir.file("demo.pt"));
  const std::string text =
      "It was a bright cold day in April, and the clocks were striking thirteen. Winston Smith, "
      "his chin nuzzled into his breast in an effort to escape the vile wind, slipped quickly "
      "through the glass doors of Victory Mansions, though not quickly enough to prevent a "
      "swirl of gritty dust from entering along with him.";
  // Batches of 8 sentence-sized items (40-180 chars), a different shape every batch, as the
  // pipeline sends them.
  std::vector<std::vector<TokenIds>> batches;
  for (int b = 0; b < 12; ++b) {
    std::vector<TokenIds> items;
    for (int i = 0; i < 8; ++i) {
      const std::size_t begin = static_cast<std::size_t>((b * 37 + i * 11) % 60);
      items.push_back(
          encode(text.substr(begin, 40 + static_cast<std::size_t>((b * 13 + i * 29) % 140))));
    }
    batches.push_back(std::move(items));
  }
  auto run = [&](const std::vector<TokenIds>& items) {
    std::vector<const TokenIds*> batch;
    std::size_t chars = 0;
    for (const auto& item : items) {
      batch.push_back(&item);
      chars += item.size();
    }
    runner.run(batch);
    return chars;
  };
  run(batches[0]);  // warm-up (the profiling executor optimises after the first runs)
  run(batches[1]);
  std::size_t chars = 0;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t b = 2; b < batches.size(); ++b) chars += run(batches[b]);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "demo model (channels 128, layers 4, hop 256): %.0f chars/s (%zu batches of 8 items, "
      "%zu chars, %.1f ms per batch)\n",
      chars / seconds, batches.size() - 2, chars, 1000 * seconds / (batches.size() - 2));
}

}  // namespace
}  // namespace mpibatch::model
