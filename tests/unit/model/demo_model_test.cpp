#include "mpibatch/model/demo_model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "mpibatch/encode/encoder.h"
#include "mpibatch/error.h"
#include "mpibatch/model/torchscript_runner.h"
#include "support/temp_dir.h"

namespace mpibatch::model {

using encode::make_encoder;
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

}  // namespace
}  // namespace mpibatch::model
