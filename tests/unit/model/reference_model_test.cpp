/// Runs a model scripted by PyTorch's own exporter (tests/python/make_reference_model.py) and
/// compares with the values PyTorch computed.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "mpibatch/encode/encoder.h"
#include "mpibatch/model/torchscript_runner.h"
#include "python_models.h"
#include "support/temp_dir.h"

namespace mpibatch::model {

using encode::Encoder;
using encode::EncoderOptions;
using encode::make_encoder;
namespace {

using testing::shell_quote;

/// One line of expected.txt: <length> <ndims> <dims...> <count> <values...>.
std::vector<ItemOutput> read_expected(const std::string& path) {
  std::ifstream in(path);
  std::vector<ItemOutput> items;
  ItemOutput item;
  while (in >> item.length) {
    std::size_t dims = 0;
    in >> dims;
    item.feature_shape.assign(dims, 0);
    for (auto& d : item.feature_shape) in >> d;
    std::size_t count = 0;
    in >> count;
    item.values.assign(count, 0.0f);
    for (auto& v : item.values) in >> v;
    items.push_back(item);
  }
  return items;
}

void expect_close(const ItemOutput& got, const ItemOutput& want, const std::string& label) {
  EXPECT_EQ(got.length, want.length) << label;
  EXPECT_EQ(got.feature_shape, want.feature_shape) << label;
  ASSERT_EQ(got.values.size(), want.values.size()) << label;
  for (std::size_t i = 0; i < want.values.size(); ++i) {
    ASSERT_NEAR(got.values[i], want.values[i], 1e-5 + 1e-5 * std::fabs(want.values[i]))
        << label << ", value " << i;
  }
}

class ReferenceModel : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    std::string args = shell_quote(dir_->path().string());
    for (const auto& text : texts()) args += " --text " + shell_quote(text);
    ASSERT_EQ(testing::run_python_script("make_reference_model.py", args), 0);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static const std::vector<std::string>& texts() {
    static const std::vector<std::string> all = {
        "Hello, world.",
        "Grüße aus Köln — schön!",
        "",
        "日本語のテキスト。",
        "A longer sentence, so that the batch has padding after the short ones.",
        "x"};
    return all;
  }
  static testing::TempDir* dir_;
};

testing::TempDir* ReferenceModel::dir_ = nullptr;

TEST_F(ReferenceModel, MatchesPyTorchInAnyBatching) {
  const auto expected = read_expected(dir_->file("expected.txt"));
  ASSERT_EQ(expected.size(), texts().size());

  RunnerOptions options;
  options.path = dir_->file("model.pt");
  TorchScriptRunner runner(options);
  const auto encoder = make_encoder("bytes");
  std::vector<TokenIds> ids;
  for (const auto& text : texts()) ids.push_back(encoder->encode(text));

  // All at once, as Python ran them.
  std::vector<const TokenIds*> all;
  for (const auto& item : ids) all.push_back(&item);
  const auto together = runner.run(all);
  ASSERT_EQ(together.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    expect_close(together[i], expected[i], "batched item " + std::to_string(i));
  }
  // One at a time and in reverse order: the same values.
  for (std::size_t i = 0; i < expected.size(); ++i) {
    expect_close(runner.run({&ids[i]}).at(0), expected[i], "alone item " + std::to_string(i));
  }
  std::vector<const TokenIds*> reversed(all.rbegin(), all.rend());
  const auto backwards = runner.run(reversed);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    expect_close(backwards[expected.size() - 1 - i], expected[i],
                 "reversed item " + std::to_string(i));
  }
}

TEST_F(ReferenceModel, ExpectedJsonIsWritten) {
  const std::string json = testing::read_file(dir_->file("expected.json"));
  EXPECT_THAT(json, ::testing::HasSubstr("\"encoder\": \"bytes\""));
  EXPECT_THAT(json, ::testing::HasSubstr("Grüße aus Köln"));
}

}  // namespace
}  // namespace mpibatch::model
