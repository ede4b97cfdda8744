#include "mpibatch/model/torchscript_runner.h"

#include <c10/util/Exception.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "mpibatch/error.h"
#include "python_models.h"
#include "support/temp_dir.h"

namespace mpibatch::model {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::TempDir;

RunnerOptions options_for(const std::string& path, const std::string& device = "cpu") {
  RunnerOptions options;
  options.path = path;
  options.device = device;
  return options;
}

/// The ModelError message from loading `path`; fails the test if loading succeeds.
std::string load_error(const std::string& path, const std::string& device = "cpu") {
  try {
    TorchScriptRunner runner(options_for(path, device));
  } catch (const ModelError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.find('\n'), std::string::npos) << "not one line: " << what;
    EXPECT_EQ(exit_code_of(e), ExitCode::kBadInput);
    return what;
  }
  ADD_FAILURE() << "expected ModelError loading " << path;
  return "";
}

std::string bad(const std::string& name) { return testing::bad_model(name); }

TEST(TorchScriptRunnerLoad, MissingFile) {
  TempDir dir;
  const auto path = dir.file("nope.pt");
  EXPECT_THAT(load_error(path), HasSubstr("model.path: '" + path + "' does not exist"));
  EXPECT_THAT(load_error(""), HasSubstr("model.path: empty"));
}

TEST(TorchScriptRunnerLoad, Directory) {
  TempDir dir;
  EXPECT_THAT(load_error(dir.path().string()), HasSubstr("is a directory"));
}

TEST(TorchScriptRunnerLoad, EmptyFile) {
  TempDir dir;
  const auto path = dir.write("empty.pt", "");
  EXPECT_THAT(load_error(path), HasSubstr("model.path: '" + path + "' is empty"));
}

TEST(TorchScriptRunnerLoad, NotAZipFile) {
  TempDir dir;
  const auto path = dir.write("model.pt", "this is not a model\n");
  const auto what = load_error(path);
  EXPECT_THAT(what, HasSubstr("model.path: '" + path + "' is not a TorchScript archive"));
  EXPECT_THAT(what, HasSubstr("export it with torch.jit.script(model).save(path)"));
}

TEST(TorchScriptRunnerLoad, TruncatedArchive) {
  TempDir dir;
  const std::string whole = testing::read_file(bad("plain_tensor.pt"));
  const auto path = dir.write("truncated.pt", whole.substr(0, whole.size() / 2));
  const auto what = load_error(path);
  EXPECT_THAT(what, HasSubstr("model.path: '" + path +
                              "' is not a TorchScript archive or is damaged (torch::jit::load: "));
  EXPECT_THAT(what, HasSubstr("export it with"));
}

TEST(TorchScriptRunnerLoad, ZipThatIsNotTorchScript) {
  const auto what = load_error(bad("plain.zip"));
  EXPECT_THAT(what, HasSubstr("is not a TorchScript archive or is damaged"));
  EXPECT_THAT(what, HasSubstr("export it with"));
}

TEST(TorchScriptRunnerLoad, StateDictSaysItIsACheckpoint) {
  const auto what = load_error(bad("state_dict.pt"));
  EXPECT_THAT(what, HasSubstr("is not a TorchScript archive"));
  EXPECT_THAT(what, HasSubstr("looks like a torch.save() checkpoint"));
}

TEST(TorchScriptRunnerLoad, NoForward) {
  EXPECT_THAT(load_error(bad("no_forward.pt")), HasSubstr("has no forward() method"));
}

TEST(TorchScriptRunnerLoad, WrongSignature) {
  for (const char* name : {"one_argument.pt", "string_argument.pt"}) {
    const auto what = load_error(bad(name));
    EXPECT_THAT(what, HasSubstr("model.path: '" + bad(name) + "' has forward "));
    EXPECT_THAT(what, HasSubstr("expected forward(self, ids: Tensor, lengths: Tensor)"));
  }
}

TEST(TorchScriptRunnerLoad, WrongOutputs) {
  const std::string probe =
      "breaks the model contract on a probe batch (ids [[1, 2, 3]], lengths [3]): ";
  EXPECT_THAT(load_error(bad("returns_long.pt")), HasSubstr(probe + "output dtype is Long"));
  EXPECT_THAT(load_error(bad("returns_1d.pt")),
              HasSubstr(probe + "output has shape [1] for a batch of 1 item"));
  EXPECT_THAT(load_error(bad("wrong_batch.pt")), HasSubstr("output has shape [2, 3, 1]"));
  EXPECT_THAT(load_error(bad("bad_lengths.pt")),
              HasSubstr("output length 103 of item 0 is outside [0, 3]"));
  EXPECT_THAT(load_error(bad("triple.pt")),
              HasSubstr("forward returned Tuple[Tensor, Tensor, Tensor]; expected a tensor"));
  EXPECT_THAT(load_error(bad("returns_list.pt")), HasSubstr("forward returned List[Tensor]"));
}

TEST(TorchScriptRunnerLoad, ForwardFailingOnTheProbe) {
  const auto what = load_error(bad("probe_fails.pt"));
  EXPECT_THAT(what, HasSubstr("fails on a probe batch (ids [[1, 2, 3]], lengths [3]): "
                              "RuntimeError: mat1 and mat2 shapes cannot be multiplied"));
}

TEST(TorchScriptRunnerLoad, BadDeviceString) {
  EXPECT_THAT(load_error(bad("plain_tensor.pt"), "gpu0"),
              HasSubstr("runtime.device: 'gpu0' is not a torch device"));
}

TEST(TorchScriptRunnerLoad, UnusableDeviceIsNamedAsSuch) {
  // On a CPU-only libtorch (or a machine without a second GPU) cuda:7 cannot take the model.
  try {
    TorchScriptRunner runner(options_for(bad("plain_tensor.pt"), "cuda:7"));
    GTEST_SKIP() << "this machine has a cuda:7";
  } catch (const ModelError& e) {
    EXPECT_THAT(e.what(), HasSubstr("runtime.device: 'cuda:7' is not usable here"));
  }
}

TEST(TorchScriptRunnerRun, CutsEachItemToItsLength) {
  TorchScriptRunner runner(options_for(bad("raises_on_7.pt")));
  const TokenIds a{1, 2, 3};
  const TokenIds b{4};
  const auto outputs = runner.run({&a, &b});
  ASSERT_EQ(outputs.size(), 2u);
  EXPECT_EQ(outputs[0].length, 3);
  EXPECT_THAT(outputs[0].feature_shape, ElementsAre(1));
  EXPECT_THAT(outputs[0].values, ElementsAre(0.5f, 1.0f, 1.5f));
  EXPECT_EQ(outputs[1].length, 1);
  EXPECT_THAT(outputs[1].values, ElementsAre(2.0f));
}

TEST(TorchScriptRunnerRun, WithoutLengthsEveryItemGetsAllRows) {
  TorchScriptRunner runner(options_for(bad("plain_tensor.pt")));
  EXPECT_EQ(runner.describe(), "TorchScript plain_tensor.pt on cpu");
  const TokenIds a{1, 2, 3};
  const TokenIds b{4};
  const auto outputs = runner.run({&a, &b});
  ASSERT_EQ(outputs.size(), 2u);
  EXPECT_EQ(outputs[1].length, 3);  // padded to the batch's T
  EXPECT_THAT(outputs[1].feature_shape, ElementsAre(3));
  EXPECT_THAT(outputs[1].values, ElementsAre(4, 8, 12, 0, 0, 0, 0, 0, 0));
  EXPECT_THAT(outputs[0].values, ElementsAre(1, 2, 3, 2, 4, 6, 3, 6, 9));
}

TEST(TorchScriptRunnerRun, EmptyItemsGetNoRowsAndNeverReachTheModel) {
  TorchScriptRunner runner(options_for(bad("plain_tensor.pt")));
  const TokenIds empty;
  const TokenIds a{5, 6};
  const auto outputs = runner.run({&empty, &a, &empty});
  ASSERT_EQ(outputs.size(), 3u);
  EXPECT_EQ(outputs[0].length, 0);
  EXPECT_TRUE(outputs[0].values.empty());
  EXPECT_THAT(outputs[0].feature_shape, ElementsAre(3));
  EXPECT_EQ(outputs[1].length, 2);
  EXPECT_EQ(outputs[2].length, 0);

  const auto only_empty = runner.run({&empty});
  ASSERT_EQ(only_empty.size(), 1u);
  EXPECT_EQ(only_empty[0].length, 0);
  EXPECT_TRUE(runner.run({}).empty());
}

TEST(TorchScriptRunnerRun, FeatureDimsThatChangeWithTheBatchAreAContractError) {
  TorchScriptRunner runner(options_for(bad("varying_features.pt")));
  const TokenIds three{1, 2, 3};
  EXPECT_EQ(runner.run({&three}).at(0).length, 2);
  const TokenIds five{1, 2, 3, 4, 5};
  try {
    runner.run({&five});
    FAIL() << "expected ModelError";
  } catch (const ModelError& e) {
    EXPECT_THAT(e.what(), HasSubstr("output feature dims [5] differ from the probe's [3]"));
  }
}

TEST(TorchScriptRunnerRun, ModelErrorsBecomeOneLineModelErrors) {
  TorchScriptRunner runner(options_for(bad("raises_on_7.pt")));
  const TokenIds ok{1, 2};
  const TokenIds seven{3, 7, 9};
  try {
    runner.run({&ok, &seven});
    FAIL() << "expected ModelError";
  } catch (const ModelError& e) {
    const std::string what = e.what();
    EXPECT_THAT(what, HasSubstr("model '" + bad("raises_on_7.pt") +
                                "' on a batch of 2 items (longest 3 tokens) failed: "
                                "ValueError: token 7 is not allowed"));
    EXPECT_EQ(what.find('\n'), std::string::npos);
  }
  // The runner stays usable.
  EXPECT_EQ(runner.run({&ok}).at(0).length, 2);
}

// gpu.streams on a CPU device: the parts run on plain threads, the same code as on CUDA
// streams (NOTE [streams]).
std::vector<TokenIds> mixed_items() {
  return {{1, 2, 3}, {4}, {}, {5, 6, 8, 10, 11}, {12, 13}, {14}, {15, 16, 17, 18}};
}

TEST(TorchScriptRunnerStreams, SplitABatchIntoPartsAndKeepEveryOutputInOrder) {
  TorchScriptRunner one(options_for(bad("raises_on_7.pt")));
  auto options = options_for(bad("raises_on_7.pt"));
  options.streams = 3;
  TorchScriptRunner three(options);
  EXPECT_EQ(three.describe(), "TorchScript raises_on_7.pt on cpu, 3 streams");
  const auto items = mixed_items();
  for (std::size_t n = 1; n <= items.size(); ++n) {  // fewer items than streams, too
    std::vector<const TokenIds*> batch;
    for (std::size_t i = 0; i < n; ++i) batch.push_back(&items[i]);
    const auto expected = one.run(batch);
    const auto got = three.run(batch);
    ASSERT_EQ(got.size(), n);
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_EQ(got[i].length, expected[i].length) << "item " << i << " of " << n;
      EXPECT_EQ(got[i].values, expected[i].values) << "item " << i << " of " << n;
      EXPECT_EQ(got[i].length, static_cast<std::int64_t>(items[i].size()));
    }
  }
}

TEST(TorchScriptRunnerStreams, AFailingPartFailsTheBatchWithOneLineAndTheRunnerGoesOn) {
  auto options = options_for(bad("raises_on_7.pt"));
  options.streams = 2;
  TorchScriptRunner runner(options);
  const TokenIds ok{1, 2};
  const TokenIds seven{3, 7, 9};
  try {
    runner.run({&ok, &ok, &seven});  // parts {ok, ok} and {seven}
    FAIL() << "expected ModelError";
  } catch (const ModelError& e) {
    EXPECT_THAT(e.what(), HasSubstr("on a batch of 3 items (longest 3 tokens) failed: "
                                    "ValueError: token 7 is not allowed"));
  }
  EXPECT_EQ(runner.run({&ok, &ok}).at(1).length, 2);
}

TEST(TorchScriptRunnerStreams, AnOutOfMemoryErrorInAnyPartComesFirstForTheBackOff) {
  auto options = options_for(bad("oom_on_9.pt"));
  options.streams = 2;
  TorchScriptRunner runner(options);
  const TokenIds seven{7};
  const TokenIds nine{9};
  // Part 0 fails with a ValueError, part 1 runs out of memory: OomBackoffRunner must see the
  // out-of-memory error, as the c10 type.
  EXPECT_THROW(runner.run({&seven, &nine}), c10::OutOfMemoryError);
  EXPECT_THROW(runner.run({&nine, &seven}), c10::OutOfMemoryError);
  EXPECT_THROW(runner.run({&seven, &seven}), ModelError);
}

}  // namespace
}  // namespace mpibatch::model
