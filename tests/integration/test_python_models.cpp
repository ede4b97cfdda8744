// Models exported by PyTorch's own Python exporter (Debian python3-torch) run end to end under
// mpiexec, compared with the values PyTorch computed, plus failing and malformed models.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "job_fixture.h"

namespace mi = mpibatch::io;
using mpibatch::testing::ProcessResult;
using mpibatch::testing::run_job;
using mpibatch::testing::run_shell;
using mpibatch::testing::shell_quote;
using mpibatch::testing::Workspace;

namespace {

const std::vector<std::string> kSentences = {
    "Hello, world.",
    "Grüße aus Köln, schön!",
    "日本語のテキスト。",
    "A longer sentence, so that batches carry padding after the short ones.",
    "x.",
    "Ring the bell \a now.",
    "The end."};

std::string python_script(const std::string& name) {
  return std::string(MPIBATCH_PYTHON) + " " +
         shell_quote(std::string(MPIBATCH_SOURCE_DIR) + "/tests/python/" + name);
}

/// Writes the sentences as a one-chapter book (one paragraph each) and runs the Python
/// scripts once: <dir>/python/model.pt + expected.txt, <dir>/bad/*.pt.
struct PythonModels {
  PythonModels() {
    auto& ws = Workspace::get();
    std::string book;
    std::string texts;
    for (const auto& s : kSentences) {
      book += s + "\n\n";
      if (s.find('\a') == std::string::npos) texts += s + "\n";  // the reference model's inputs
    }
    ws.dir().write("pybook/chapter1.txt", book);
    const std::string texts_file = ws.dir().write("python/texts.txt", texts);
    const auto made = run_shell(python_script("make_reference_model.py") + " " +
                                shell_quote(ws.dir().file("python")) + " --texts-file " +
                                shell_quote(texts_file));
    EXPECT_EQ(made.exit_code, 0) << made.output;
    const auto bad =
        run_shell(python_script("make_bad_models.py") + " " + shell_quote(ws.dir().file("bad")));
    EXPECT_EQ(bad.exit_code, 0) << bad.output;
  }
  static const PythonModels& get() {
    static const PythonModels models;
    return models;
  }
};

/// expected.txt: per item "<length> <ndims> <dims...> <count> <values...>".
std::vector<std::vector<float>> read_expected(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<float>> items;
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    long length = 0, ndims = 0, count = 0;
    fields >> length >> ndims;
    for (long d = 0, dim = 0; d < ndims; ++d) fields >> dim;
    fields >> count;
    std::vector<float> values(static_cast<std::size_t>(count));
    for (float& v : values) fields >> v;
    items.push_back(std::move(values));
  }
  return items;
}

}  // namespace

TEST(PythonModel, MpibatchGivesTheNumbersPyTorchComputed) {
  PythonModels::get();
  auto& ws = Workspace::get();
  // Without the BEL sentence, which only the failing model below is about.
  ws.dir().write("pybook_clean/chapter1.txt", [] {
    std::string book;
    for (const auto& s : kSentences)
      if (s.find('\a') == std::string::npos) book += s + "\n\n";
    return book;
  }());
  const auto run = run_job(2, ws.write_job("python_model", {{"input.path", "pybook_clean"},
                                                            {"model.path", "python/model.pt"},
                                                            {"model.batch_size", "4"}}));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const mi::ResultReader file(ws.output("python_model"));
  const auto expected = read_expected(ws.dir().file("python/expected.txt"));
  const mi::ChapterOutput output = file.chapter_output(0);
  ASSERT_EQ(output.offsets.size(), expected.size() + 1);
  EXPECT_EQ(output.feature_shape, (std::vector<std::int64_t>{2}));
  for (std::size_t k = 0; k < expected.size(); ++k) {
    SCOPED_TRACE("item " + std::to_string(k));
    const auto begin = static_cast<std::size_t>(output.offsets[k]) * 2;
    ASSERT_EQ(static_cast<std::size_t>(output.offsets[k + 1]) * 2 - begin, expected[k].size());
    for (std::size_t i = 0; i < expected[k].size(); ++i) {
      EXPECT_NEAR(output.values[begin + i], expected[k][i], 1e-5 + 1e-5 * std::abs(expected[k][i]));
    }
  }
  for (const auto& row : file.ranks()) EXPECT_GT(row.items, 0u);  // both ranks computed
}

TEST(PythonModel, ItemsTheModelRejectsAreRecordedTheJobGoesOnAndExitsOne) {
  PythonModels::get();
  auto& ws = Workspace::get();
  const std::string job = ws.write_job(
      "raises",
      {{"input.path", "pybook"}, {"model.path", "bad/raises_on_7.pt"}, {"model.batch_size", "3"}});
  const auto run = run_job(3, job);
  ASSERT_EQ(run.exit_code, 1) << run.output;
  const auto check = [&](std::uint32_t attempt) {
    const mi::ResultReader file(ws.output("raises"));
    EXPECT_EQ(file.info().exit_status, 1);
    EXPECT_EQ(file.info().attempt, attempt);
    int failed = 0;
    for (const auto& item : file.items()) {
      if (item.index == 5) {
        EXPECT_EQ(item.status, mi::ItemStatus::kFailed);
        EXPECT_NE(item.error.find("token 7 is not allowed"), std::string::npos) << item.error;
        EXPECT_EQ(item.output_length, 0);
        EXPECT_EQ(item.attempt, attempt);
        ++failed;
      } else {
        EXPECT_EQ(item.status, mi::ItemStatus::kOk) << item.index << ": " << item.error;
        EXPECT_GT(item.output_length, 0);
        EXPECT_EQ(item.attempt, 0u);  // kept from the first run on resume
      }
    }
    EXPECT_EQ(failed, 1);
  };
  check(0);
  // --resume keeps the ok items and runs only the failed one again (which fails again).
  const auto resumed = run_job(2, job, "--resume");
  EXPECT_EQ(resumed.exit_code, 1) << resumed.output;
  EXPECT_NE(resumed.output.find("6 of 7 items kept, 1 to run"), std::string::npos)
      << resumed.output;
  check(1);
}

TEST(PythonModel, WrongSignatureIsABadInputOnEveryRank) {
  PythonModels::get();
  auto& ws = Workspace::get();
  for (const char* model : {"one_argument.pt", "returns_long.pt", "state_dict.pt"}) {
    SCOPED_TRACE(model);
    const std::string name =
        std::string("bad_") + std::string(model).substr(0, std::string(model).find('.'));
    const auto run = run_job(2, ws.write_job(name, {{"model.path", std::string("bad/") + model}}));
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find(std::string("model.path: '") + ws.dir().file("bad/") + model),
              std::string::npos)
        << run.output;
    EXPECT_FALSE(std::filesystem::exists(ws.output(name)));
    EXPECT_FALSE(std::filesystem::exists(ws.output(name) + ".partial"));
  }
}

TEST(PythonModel, AudioOutputFromAModelWithFeatureRowsIsRefusedBeforeAnyWork) {
  PythonModels::get();  // python/model.pt returns rows of 2 features
  auto& ws = Workspace::get();
  const auto run = run_job(2, ws.write_job("features_audio", {{"model.path", "python/model.pt"},
                                                              {"output.audio", "features-audio"}}));
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("output.audio needs one sample per output row, but '" +
                            ws.dir().file("python/model.pt") + "' returns rows of shape [2]"),
            std::string::npos)
      << run.output;
  for (const std::string left : {"features_audio.h5", "features_audio.h5.partial", "features-audio",
                                 "features-audio.partial"}) {
    EXPECT_FALSE(std::filesystem::exists(ws.dir().file(left))) << left;
  }
}
