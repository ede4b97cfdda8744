// OomBackoffRunner against a fake device that throws libtorch's own out-of-memory error
// (c10::OutOfMemoryError, what a CUDA allocation failure raises) above a memory budget.
#include "mpibatch/model/oom_backoff_runner.h"

#include <c10/util/Exception.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/script.h>

#include <numeric>

#include "mpibatch/error.h"
#include "mpibatch/model/batch_probe.h"
#include "mpibatch/model/torchscript_runner.h"
#include "support/temp_dir.h"

namespace mpibatch::model {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

/// A device with room for `budget` tokens per batch: a larger batch throws the real c10 OOM
/// error. Each item's output is one row holding its first id.
class SmallGpu final : public ModelRunner {
 public:
  explicit SmallGpu(std::size_t budget) : budget_(budget) {}
  std::vector<ItemOutput> run(const std::vector<const TokenIds*>& batch) override {
    calls.push_back(batch.size());
    std::size_t tokens = 0;
    for (const TokenIds* ids : batch) tokens += ids->size();
    TORCH_CHECK_WITH(OutOfMemoryError, tokens <= budget_,
                     "CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 79.11 GiB total)");
    if (fail_with_model_error) throw ModelError("model says no");
    std::vector<ItemOutput> outputs(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
      outputs[i].values = {static_cast<float>(batch[i]->front())};
      outputs[i].length = 1;
    }
    return outputs;
  }
  std::string describe() const override { return "small GPU"; }
  void release_memory() override { ++releases; }

  std::vector<std::size_t> calls;
  int releases = 0;
  bool fail_with_model_error = false;

 private:
  std::size_t budget_;
};

std::vector<TokenIds> items(std::size_t n, std::size_t tokens) {
  std::vector<TokenIds> all;
  for (std::size_t i = 0; i < n; ++i) {
    TokenIds ids(tokens, 1);
    ids.front() = static_cast<std::int64_t>(i + 1);
    all.push_back(ids);
  }
  return all;
}

std::vector<const TokenIds*> pointers(const std::vector<TokenIds>& all) {
  std::vector<const TokenIds*> out;
  for (const auto& ids : all) out.push_back(&ids);
  return out;
}

TEST(OomBackoffRunner, HalvesTheBatchUntilItFitsAndKeepsTheLimit) {
  SmallGpu gpu(30);  // 3 items of 10 tokens fit, 4 do not
  OomBackoffRunner runner(gpu, 8);
  const auto eight = items(8, 10);
  const auto outputs = runner.run(pointers(eight));
  // 8 -> OOM, 4 -> OOM, then pieces of 2.
  EXPECT_THAT(gpu.calls, ElementsAre(8, 4, 2, 2, 2, 2));
  ASSERT_EQ(outputs.size(), 8u);
  for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(outputs[i].values.front(), i + 1.0f);  // in order
  EXPECT_EQ(runner.batch_limit(), 2u);
  EXPECT_EQ(runner.oom_count(), 2u);
  EXPECT_EQ(gpu.releases, 2);  // cached memory released after each OOM
  gpu.calls.clear();
  runner.run(pointers(items(5, 10)));
  EXPECT_THAT(gpu.calls, ElementsAre(2, 2, 1));  // the limit stays down
}

TEST(OomBackoffRunner, AnItemTooBigAloneIsAModelErrorForThatItem) {
  SmallGpu gpu(30);
  OomBackoffRunner runner(gpu, 4);
  const auto huge = items(1, 100);
  try {
    runner.run(pointers(huge));
    FAIL() << "expected ModelError";
  } catch (const ModelError& e) {
    const std::string what = e.what();
    EXPECT_THAT(what, HasSubstr("out of memory on one item of 100 tokens, even alone"));
    EXPECT_THAT(what, HasSubstr("CUDA out of memory. Tried to allocate 2.00 GiB"));
    EXPECT_THAT(what, HasSubstr("lower input.max_chars"));
    EXPECT_EQ(what.find('\n'), std::string::npos);
  }
  EXPECT_EQ(runner.batch_limit(), 4u);  // one item alone says nothing about batches
  // The runner goes on with items that fit.
  EXPECT_EQ(runner.run(pointers(items(2, 10))).size(), 2u);
}

TEST(OomBackoffRunner, OtherErrorsPassUnchangedAndNothingIsHalved) {
  SmallGpu gpu(1000);
  gpu.fail_with_model_error = true;
  OomBackoffRunner runner(gpu, 8);
  EXPECT_THROW(runner.run(pointers(items(8, 10))), ModelError);
  EXPECT_EQ(runner.batch_limit(), 8u);
  EXPECT_EQ(runner.oom_count(), 0u);
  EXPECT_EQ(runner.describe(), "small GPU");
}

}  // namespace
}  // namespace mpibatch::model

namespace mpibatch::model {
namespace {

/// A TorchScript model that runs batches of up to 2 items and asks the allocator for 2^50
/// bytes for a larger one: a real allocation failure, raised through the TorchScript
/// interpreter (which turns it into a plain std::runtime_error, NOTE [oom through the
/// interpreter]).
std::string model_needing_small_batches(const std::string& folder) {
  torch::jit::Module module("SmallBatches");
  module.define(R"(
def forward(self, ids: Tensor, lengths: Tensor):
    if ids.size(0) > 2:
        huge = torch.ones([281474976710656])
        return huge.float().unsqueeze(0).unsqueeze(0), lengths
    return ids.float().unsqueeze(2), lengths
)");
  const std::string path = folder + "/small-batches.pt";
  module.save(path);
  return path;
}

TEST(OomBackoffRunner, ARealAllocationFailureInsideTorchScriptIsBackedOffToo) {
  testing::TempDir dir;
  RunnerOptions options;
  options.path = model_needing_small_batches(dir.path().string());
  TorchScriptRunner model(options);
  OomBackoffRunner runner(model, 8);
  const auto eight = items(8, 10);
  const auto outputs = runner.run(pointers(eight));
  ASSERT_EQ(outputs.size(), 8u);
  for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(outputs[i].values.front(), i + 1.0f);
  EXPECT_EQ(runner.batch_limit(), 2u);  // 8 -> 4 -> 2
  EXPECT_EQ(runner.oom_count(), 2u);
}

}  // namespace
}  // namespace mpibatch::model

namespace mpibatch::model {
namespace {

TEST(ProbeBatch, DoublesUntilOutOfMemoryThenFindsTheLargestThatFits) {
  SmallGpu gpu(35);  // items of 10 tokens: 3 fit, 4 do not
  BatchProbeOptions options;
  options.tokens = 10;
  options.repeat = 1;
  const BatchProbe probe = probe_batch(gpu, options);
  std::vector<std::size_t> tried;
  for (const auto& point : probe.points) tried.push_back(point.batch);
  EXPECT_THAT(tried, ElementsAre(1, 2, 4, 3));  // 1, 2 fit; 4 does not; 3 fits
  EXPECT_EQ(probe.largest_fit, 3u);
  EXPECT_FALSE(probe.points[2].fits);
  EXPECT_EQ(probe.points[2].items_per_s, 0.0);
  EXPECT_GT(probe.best_items_per_s, 0.0);
  EXPECT_EQ(gpu.releases, 1);
  EXPECT_THAT(gpu.calls, ElementsAre(1, 1, 1, 2, 2, 2, 4, 3, 3, 3));  // 2 warm-ups + 1 timed
}

TEST(ProbeBatch, StopsAtMaxBatchAndReportsNothingFitting) {
  SmallGpu roomy(1u << 30);
  BatchProbeOptions options;
  options.tokens = 10;
  options.max_batch = 16;
  options.repeat = 1;
  EXPECT_EQ(probe_batch(roomy, options).largest_fit, 16u);
  SmallGpu tiny(5);
  const BatchProbe none = probe_batch(tiny, options);
  EXPECT_EQ(none.largest_fit, 0u);
  EXPECT_EQ(none.best, 0u);
  EXPECT_EQ(none.points.size(), 1u);
}

}  // namespace
}  // namespace mpibatch::model
