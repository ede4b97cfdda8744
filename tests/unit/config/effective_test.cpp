// JobConfig::effective_yaml and parse_effective_config(): the exact round trip that the other
// ranks rely on.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_util.h"
#include "mpibatch/config/config_loader.h"

namespace mpibatch::config::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST_F(ConfigTest, DefaultsRoundTrip) {
  const JobConfig config = load_job_config(job(kMinimalJob));
  const JobConfig rebuilt = parse_effective_config(config.effective_yaml);
  expect_same_config(config, rebuilt);
}

TEST_F(ConfigTest, EveryKeyChangedRoundTripsExactly) {
  dir_.write("my book/chapter1.md", "# One\n");
  dir_.write("models/tts v2.pt", "x");
  dir_.write("second book/a.txt", "A");
  dir_.write("models/voice #1.json", "{}");
  const LoadOptions options =
      job("job:\n"
          "  name: tts_run.2\n"
          "  kind: infer\n"
          "input:\n"
          "  path: ['my book', 'second book']\n"
          "  format: markdown\n"
          "  extensions: [.md, '.TXT', .text]\n"
          "  chapter_heading: '^\\s*(Chapter|CHAPTER)\\s+[0-9IVXLC]+\\.?\\s*$'\n"
          "  chapters: [2, '5-', 3-4]\n"
          "  language: zh-Hant-TW\n"
          "  split: paragraph\n"
          "  max_chars: 1200\n"
          "model:\n"
          "  path: models/tts v2.pt\n"
          "  encoder: phonemes\n"
          "  phoneme_map: 'models/voice #1.json'\n"
          "  espeak_voice: 'yes'\n"
          "  batch_size: 3\n"
          "  output_units: \"samples: #1 'mono' \\\"pcm\\\" \u00fcn\u00efcode\"\n"
          "  sample_rate: 0.1\n"
          "runtime:\n"
          "  schedule: weighted\n"
          "  rank_weights: [20, 20.5, 1]\n"
          "  device: cuda:3\n"
          "  on_missing_gpu: error\n"
          "  threads_per_rank: 7\n"
          "  interop_threads: 2\n"
          "  log_dir: logs dir/run#1\n"
          "  simulate_speed: [1, 0.5, 1e-3]\n"
          "output:\n"
          "  path: out/tts run.h5\n"
          "  overwrite: on\n"
          "  compression: 9\n"
          "  audio: 'audio out'\n"
          "  audio_format: flac\n"
          "  audio_pause: 1e-7\n"
          "  audio_level: clip\n");
  const JobConfig config = load_job_config(options);
  EXPECT_EQ(config.input.chapter_heading, "^\\s*(Chapter|CHAPTER)\\s+[0-9IVXLC]+\\.?\\s*$");
  EXPECT_EQ(config.model.output_units, "samples: #1 'mono' \"pcm\" \u00fcn\u00efcode");
  EXPECT_EQ(config.runtime.log_dir, abs("logs dir/run#1"));
  EXPECT_TRUE(config.output.overwrite);
  EXPECT_EQ(config.input.paths.size(), 2u);
  EXPECT_EQ(config.input.chapters, (std::vector<ChapterRange>{{2, 2}, {5, 0}, {3, 4}}));
  const JobConfig rebuilt = parse_effective_config(config.effective_yaml);
  expect_same_config(config, rebuilt);
}

/// `text` as a YAML double-quoted scalar, so that --set can give any string.
std::string double_quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

TEST_F(ConfigTest, AwkwardStringsRoundTrip) {
  for (const std::string units : {"",           "null",
                                  "Null",       "~",
                                  "yes",        "No",
                                  "off",        "0x10",
                                  "1e3",        ".inf",
                                  "  leading",  "trailing  ",
                                  "two\nlines", "tab\there",
                                  "[x]",        "{y}",
                                  "-",          "- item",
                                  "*alias",     "&anchor",
                                  "!tag",       "%",
                                  "@",          "`",
                                  "'",          "\"",
                                  "\\",         "#",
                                  "a #b",       "key: value",
                                  "? q",        "|",
                                  ">",          "\u00fcn\u00efcode"}) {
    LoadOptions options = job(kMinimalJob);
    options.overrides = {"model.output_units=" + double_quoted(units)};
    const JobConfig config = load_job_config(options);
    ASSERT_EQ(config.model.output_units, units);
    const JobConfig rebuilt = parse_effective_config(config.effective_yaml);
    EXPECT_EQ(rebuilt.model.output_units, units) << config.effective_yaml;
    EXPECT_EQ(rebuilt.effective_yaml, config.effective_yaml);
  }
}

TEST_F(ConfigTest, NumbersRoundTripExactly) {
  for (const std::string rate : {"0", "0.1", "22050", "44100.5", "1e-07", "123456789.123456789",
                                 "1e300", "5e-324", "0.30000000000000004"}) {
    LoadOptions options = job(kMinimalJob);
    options.overrides = {"model.sample_rate=" + rate};
    const JobConfig config = load_job_config(options);
    const JobConfig rebuilt = parse_effective_config(config.effective_yaml);
    EXPECT_EQ(rebuilt.model.sample_rate, config.model.sample_rate) << rate;
    EXPECT_EQ(rebuilt.effective_yaml, config.effective_yaml);
  }
}

TEST_F(ConfigTest, ParseEffectiveConfigDoesNotCheckPaths) {
  LoadOptions options = job("input:\n  path: novel\nmodel:\n  path: tts.pt\n");
  options.check_paths = false;
  const JobConfig config = load_job_config(options);
  expect_same_config(config, parse_effective_config(config.effective_yaml));
}

TEST(ParseEffectiveConfig, ReportsMissingAndUnknownKeys) {
  EXPECT_THAT(effective_problems("job:\n  name: demo\n  colour: blue\n"),
              ::testing::AllOf(
                  ::testing::Contains("job.colour: unknown key; the keys of job are name, kind "
                                      "(effective config:3)"),
                  ::testing::Contains("job.kind: missing (effective config)"),
                  ::testing::Contains("output.compression: missing (effective config)")));
}

TEST(ParseEffectiveConfig, RejectsBrokenAndEmptyText) {
  EXPECT_THAT(effective_problems("job: [\n"),
              ElementsAre(HasSubstr("effective config:2:1: invalid YAML: ")));
  EXPECT_THAT(effective_problems(""), ElementsAre("effective config: is empty"));
}

}  // namespace
}  // namespace mpibatch::config::testing
