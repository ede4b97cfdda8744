// Type checks: every kind of bad value, with its key, line and a useful message.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_util.h"
#include "mpibatch/work/line_pattern.h"
#include "mpibatch/config/config_loader.h"

namespace mpibatch::config::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string regex_error_of(const std::string& pattern) {
  const std::string error = mpibatch::work::LinePattern::error_of(pattern);
  return error.empty() ? "(no error)" : error;
}

TEST_F(ConfigTest, EveryBadValueIsReportedAtOnceWithKeyAndLine) {
  LoadOptions options =
      job("job:\n"                          // 1
          "  name: my job\n"                // 2
          "  kind: serve\n"                 // 3
          "input:\n"                        // 4
          "  path: book\n"                  // 5
          "  extensions: [txt, .md, {}]\n"  // 6
          "  chapter_heading: '(['\n"       // 7
          "  split: sentense\n"             // 8
          "  max_chars: 0\n"                // 9
          "model:\n"                        // 10
          "  path: model.pt\n"              // 11
          "  encoder: utf8\n"               // 12
          "  batch_size: -3\n"              // 13
          "  output_units: [a]\n"           // 14
          "  sample_rate: -1\n"             // 15
          "runtime:\n"                      // 16
          "  schedule: dynamik\n"           // 17
          "  device: gpu\n"                 // 18
          "  on_missing_gpu: fail\n"        // 19
          "  threads_per_rank: 0\n"         // 20
          "  interop_threads: two\n"        // 21
          "  log_dir: {a: 1}\n"             // 22
          "output:\n"                       // 23
          "  overwrite: maybe\n"            // 24
          "  compression: 12\n",            // 25
          "jobs/x.yaml");
  options.check_paths = false;  // book and model.pt are not in jobs/
  EXPECT_THAT(
      load_problems(options),
      ElementsAre(
          "job.name: must be a non-empty string of letters, digits, '.', '_' and '-'; got 'my "
          "job' (jobs/x.yaml:2)",
          "job.kind: must be one of infer, train; got 'serve' (jobs/x.yaml:3)",
          "input.extensions: entry 1 must start with '.', got 'txt' (did you mean '.txt'?); "
          "entry 3 must be an extension like .txt, got a map (jobs/x.yaml:6)",
          "input.chapter_heading: invalid regular expression '([': " + regex_error_of("([") +
              " (jobs/x.yaml:7)",
          "input.split: must be one of sentence, paragraph; got 'sentense' (did you mean "
          "'sentence'?) (jobs/x.yaml:8)",
          "input.max_chars: must be a positive integer, got 0 (jobs/x.yaml:9)",
          "model.encoder: must be one of bytes, chars, phonemes; got 'utf8' (jobs/x.yaml:12)",
          "model.batch_size: must be a positive integer, got -3 (jobs/x.yaml:13)",
          "model.output_units: must be a string, got a list (jobs/x.yaml:14)",
          "model.sample_rate: must be a non-negative number, got -1 (jobs/x.yaml:15)",
          "runtime.schedule: must be one of dynamic, weighted, static; got 'dynamik' (did you "
          "mean 'dynamic'?) (jobs/x.yaml:17)",
          "runtime.device: must be auto, cpu, cuda or cuda:N (N = GPU index); got 'gpu' (did "
          "you mean 'cpu'?) (jobs/x.yaml:18)",
          "runtime.on_missing_gpu: must be one of fallback, error; got 'fail' (jobs/x.yaml:19)",
          "runtime.threads_per_rank: must be auto or a positive integer, got 0 (jobs/x.yaml:20)",
          "runtime.interop_threads: must be a positive integer, got 'two' (jobs/x.yaml:21)",
          "runtime.log_dir: must be a path, got a map (jobs/x.yaml:22)",
          "output.overwrite: must be true or false, got 'maybe' (jobs/x.yaml:24)",
          "output.compression: must be an integer from 0 to 9, got 12 (jobs/x.yaml:25)"));
}

/// Loads jobs/x.yaml made of `yaml` (input.path and model.path come from --set); returns the
/// problems ({} when it loads).
class ValueTest : public ConfigTest {
 protected:
  std::vector<std::string> problems_with(const std::string& yaml) {
    LoadOptions options = job(yaml, "jobs/x.yaml");
    options.overrides = {"input.path=book", "model.path=model.pt"};
    try {
      config_ = load_job_config(options);
    } catch (const ConfigError& e) {
      return e.problems();
    }
    return {};
  }
  JobConfig config_;
};

TEST_F(ValueTest, ThreadsPerRankAutoIsZero) {
  EXPECT_THAT(problems_with("runtime:\n  threads_per_rank: auto\n"), IsEmpty());
  EXPECT_EQ(config_.runtime.threads_per_rank, 0);
  EXPECT_THAT(problems_with("runtime:\n  threads_per_rank: 6\n"), IsEmpty());
  EXPECT_EQ(config_.runtime.threads_per_rank, 6);
  EXPECT_THAT(problems_with("runtime:\n  threads_per_rank: Auto\n"),
              ElementsAre("runtime.threads_per_rank: must be auto or a positive integer, got "
                          "'Auto' (jobs/x.yaml:2)"));
}

TEST_F(ValueTest, Devices) {
  for (const char* device : {"auto", "cpu", "cuda", "cuda:0", "cuda:12"}) {
    EXPECT_THAT(problems_with(std::string("runtime:\n  device: ") + device + "\n"), IsEmpty());
    EXPECT_EQ(config_.runtime.device, device);
  }
  EXPECT_THAT(problems_with("runtime:\n  device: CUDA:0\n"),
              ElementsAre("runtime.device: must be auto, cpu, cuda or cuda:N (N = GPU index); "
                          "got 'CUDA:0' (did you mean 'cuda:0'?) (jobs/x.yaml:2)"));
  EXPECT_THAT(problems_with("runtime:\n  device: cuda1\n"),
              ElementsAre("runtime.device: must be auto, cpu, cuda or cuda:N (N = GPU index); "
                          "got 'cuda1' (did you mean 'cuda:1'?) (jobs/x.yaml:2)"));
  EXPECT_THAT(problems_with("runtime:\n  device: cuda:-1\n"),
              ElementsAre("runtime.device: must be auto, cpu, cuda or cuda:N (N = GPU index); "
                          "got 'cuda:-1' (jobs/x.yaml:2)"));
}

TEST_F(ValueTest, EnumSuggestionsIgnoreCase) {
  EXPECT_THAT(problems_with("input:\n  split: Paragraph\n"),
              ElementsAre("input.split: must be one of sentence, paragraph; got 'Paragraph' "
                          "(did you mean 'paragraph'?) (jobs/x.yaml:2)"));
  EXPECT_THAT(problems_with("input:\n  split: paragraph\n"), IsEmpty());
  EXPECT_EQ(config_.input.split, SplitMode::kParagraph);
}

TEST_F(ValueTest, Booleans) {
  EXPECT_THAT(problems_with("output:\n  overwrite: yes\n"), IsEmpty());
  EXPECT_TRUE(config_.output.overwrite);
  EXPECT_THAT(problems_with("output:\n  overwrite: false\n"), IsEmpty());
  EXPECT_FALSE(config_.output.overwrite);
  EXPECT_THAT(problems_with("output:\n  overwrite: 1\n"),
              ElementsAre("output.overwrite: must be true or false, got 1 (jobs/x.yaml:2)"));
}

TEST_F(ValueTest, Numbers) {
  EXPECT_THAT(problems_with("model:\n  sample_rate: 22050\n"), IsEmpty());
  EXPECT_EQ(config_.model.sample_rate, 22050.0);
  EXPECT_THAT(problems_with("model:\n  sample_rate: 0.5\n"), IsEmpty());
  EXPECT_EQ(config_.model.sample_rate, 0.5);
  EXPECT_THAT(problems_with("model:\n  sample_rate: .inf\n"),
              ElementsAre("model.sample_rate: must be a non-negative number, got '.inf' "
                          "(jobs/x.yaml:2)"));
  EXPECT_THAT(problems_with("model:\n  batch_size: 2.5\n"),
              ElementsAre("model.batch_size: must be a positive integer, got 2.5 "
                          "(jobs/x.yaml:2)"));
  EXPECT_THAT(problems_with("model:\n  batch_size: 99999999999\n"),
              ElementsAre("model.batch_size: must be a positive integer, got 99999999999 "
                          "(jobs/x.yaml:2)"));
  EXPECT_THAT(problems_with("output:\n  compression: 9\n"), IsEmpty());
  EXPECT_EQ(config_.output.compression, 9);
  EXPECT_THAT(problems_with("output:\n  compression: -1\n"),
              ElementsAre("output.compression: must be an integer from 0 to 9, got -1 "
                          "(jobs/x.yaml:2)"));
}

TEST_F(ValueTest, EmptyValues) {
  EXPECT_THAT(problems_with("model:\n  batch_size:\n"),
              ElementsAre("model.batch_size: must be a positive integer, got an empty value "
                          "(jobs/x.yaml:2)"));
  EXPECT_THAT(problems_with("input:\n  extensions: []\n"),
              ElementsAre("input.extensions: must list at least one file extension, like "
                          "[.txt, .md] (jobs/x.yaml:2)"));
  EXPECT_THAT(problems_with("input:\n  extensions: .txt\n"),
              ElementsAre("input.extensions: must be a list of file extensions like [.txt, "
                          ".md], got '.txt' (jobs/x.yaml:2)"));
  EXPECT_THAT(problems_with("job:\n  name: ''\n"),
              ElementsAre("job.name: must be a non-empty string of letters, digits, '.', '_' "
                          "and '-'; got an empty string (jobs/x.yaml:2)"));
  EXPECT_THAT(problems_with("input:\n  chapter_heading: ''\n"),
              ElementsAre("input.chapter_heading: must be auto or a regular expression, got an "
                          "empty string (jobs/x.yaml:2)"));
}

TEST_F(ValueTest, ChapterHeadingRegex) {
  EXPECT_THAT(problems_with("input:\n  chapter_heading: '^(Chapter|CHAPTER) [0-9IVX]+$'\n"),
              IsEmpty());
  EXPECT_EQ(config_.input.chapter_heading, "^(Chapter|CHAPTER) [0-9IVX]+$");
  EXPECT_THAT(problems_with("input:\n  chapter_heading: 'a{2,1}'\n"),
              ElementsAre("input.chapter_heading: invalid regular expression 'a{2,1}': " +
                          regex_error_of("a{2,1}") + " (jobs/x.yaml:2)"));
}

TEST_F(ValueTest, StringsAcceptAnyScalar) {
  EXPECT_THAT(problems_with("job:\n  name: run-2024.v1_b\nmodel:\n  output_units: 16\n"),
              IsEmpty());
  EXPECT_EQ(config_.job.name, "run-2024.v1_b");
  EXPECT_EQ(config_.model.output_units, "16");
}

}  // namespace
}  // namespace mpibatch::config::testing
