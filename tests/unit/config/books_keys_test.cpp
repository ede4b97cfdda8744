// Keys for books, encoders and audio output: lists of books, chapter selections, languages,
// and the keys that require each other.

#include <gmock/gmock.h>

#include "config_test_util.h"
#include "support/temp_dir.h"

namespace mpibatch::config::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class BooksKeysTest : public ConfigTest {
 protected:
  /// Loads job.yaml = kMinimalJob's model + `yaml`; the problems, or {} with config_ set.
  std::vector<std::string> problems_with(const std::string& yaml) {
    try {
      config_ = load_job_config(job("model:\n  path: model.pt\n" + yaml));
    } catch (const ConfigError& e) {
      return e.problems();
    }
    return {};
  }
  JobConfig config_;
};

TEST_F(BooksKeysTest, InputPathIsOnePathOrAListResolvedAgainstTheJobFile) {
  std::filesystem::create_directory(abs("second"));
  EXPECT_THAT(problems_with("input:\n  path: [book, second]\n"), IsEmpty());
  EXPECT_EQ(config_.input.paths, (std::vector<std::string>{abs("book"), abs("second")}));
  EXPECT_THAT(problems_with("input:\n  path: book\n"), IsEmpty());
  EXPECT_EQ(config_.input.paths, std::vector<std::string>{abs("book")});
  EXPECT_THAT(problems_with("input:\n  path: []\n"),
              ElementsAre("input.path: must name at least one path (job.yaml:4)"));
  EXPECT_THAT(
      problems_with("input:\n  path: [book, missing]\n"),
      ElementsAre("input.path: no such file or directory '" + abs("missing") + "' (job.yaml:4)"));
  EXPECT_THAT(problems_with("input:\n  path: [book, {a: 1}]\n"),
              ElementsAre("input.path: entry 2 must be a path, got a map (job.yaml:4)"));
}

TEST_F(BooksKeysTest, ChapterSelectionsRoundTripThroughTheEffectiveConfig) {
  EXPECT_THAT(problems_with("input:\n  path: book\n  chapters: '1-3, 7, 10-'\n"), IsEmpty());
  EXPECT_EQ(config_.input.chapters, (std::vector<ChapterRange>{{1, 3}, {7, 7}, {10, 0}}));
  EXPECT_EQ(parse_effective_config(config_.effective_yaml).input.chapters, config_.input.chapters);
  EXPECT_THAT(problems_with("input:\n  path: book\n  chapters: [2, '4-5']\n"), IsEmpty());
  EXPECT_EQ(config_.input.chapters, (std::vector<ChapterRange>{{2, 2}, {4, 5}}));
  EXPECT_THAT(problems_with("input:\n  path: book\n  chapters: all\n"), IsEmpty());
  EXPECT_TRUE(config_.input.chapters.empty());
  for (const char* bad : {"0", "3-1", "x", "1-2-3", "'-4'"}) {
    const auto problems =
        problems_with(std::string("input:\n  path: book\n  chapters: ") + bad + "\n");
    ASSERT_EQ(problems.size(), 1u) << bad;
    EXPECT_THAT(problems[0], ::testing::StartsWith("input.chapters: must be 'all' or chapter "
                                                   "numbers and ranges (1-based) like '1-3, 7, "
                                                   "10-', got "))
        << bad;
  }
}

TEST_F(BooksKeysTest, LanguageIsAutoOrATag) {
  EXPECT_THAT(problems_with("input:\n  path: book\n  language: zh-Hant-TW\n"), IsEmpty());
  EXPECT_EQ(config_.input.language, "zh-Hant-TW");
  EXPECT_THAT(problems_with("input:\n  path: book\n  language: 'en US'\n"),
              ElementsAre("input.language: must be 'auto' or a language tag like en, fr-FR, "
                          "zh-Hant, got 'en US' (job.yaml:5)"));
}

TEST_F(BooksKeysTest, EncodersNeedTheirFilesAndAudioNeedsASampleRate) {
  EXPECT_THAT(problems_with("  encoder: chars\ninput:\n  path: book\n"),
              ElementsAre("model.vocabulary: required by model.encoder 'chars': a file with one "
                          "character per line (docs/books.md) (job.yaml:3)"));
  EXPECT_THAT(
      problems_with("  encoder: phonemes\n  phoneme_map: nowhere.json\ninput:\n"
                    "  path: book\n"),
      ElementsAre("model.phoneme_map: no such file '" + abs("nowhere.json") + "' (job.yaml:4)"));
  EXPECT_THAT(problems_with("input:\n  path: book\noutput:\n  audio: out/audio\n"),
              ElementsAre("model.sample_rate: required by output.audio: the model's output rate "
                          "in Hz, e.g. 22050 (job.yaml:6)"));
  EXPECT_THAT(problems_with("  sample_rate: 16000\ninput:\n  path: book\noutput:\n"
                            "  audio: out/audio\n  audio_format: flac\n  audio_pause: 0.25\n"),
              IsEmpty());
  EXPECT_EQ(config_.output.audio, abs("out/audio"));
  EXPECT_EQ(config_.output.audio_format, "flac");
  EXPECT_EQ(config_.output.audio_pause, 0.25);
  // Replacing the audio folder must never take the result file with it.
  EXPECT_THAT(problems_with("  sample_rate: 16000\ninput:\n  path: book\noutput:\n"
                            "  path: out/r.h5\n  audio: out\n"),
              ElementsAre("output.audio: the audio folder '" + abs("out") +
                          "' would hold the result file '" + abs("out/r.h5") +
                          "' (the folder is replaced as a whole); choose a folder beside it, "
                          "e.g. '" +
                          abs("out/audio") + "' (job.yaml:8)"));
}

TEST_F(BooksKeysTest, SimulateSpeedIsAListOfFractionsOfRealSpeed) {
  EXPECT_THAT(problems_with("input:\n  path: book\nruntime:\n  simulate_speed: [1, 1, 0.05]\n"),
              IsEmpty());
  EXPECT_EQ(config_.runtime.simulate_speed, (std::vector<double>{1, 1, 0.05}));
  for (const char* bad : {"[1, 2]", "[0]", "[-1]", "0.5", "[x]"}) {
    const auto problems = problems_with(
        std::string("input:\n  path: book\nruntime:\n  simulate_speed: ") + bad + "\n");
    ASSERT_EQ(problems.size(), 1u) << bad;
    EXPECT_THAT(problems[0], ::testing::StartsWith("runtime.simulate_speed: must be a list of "
                                                   "per-rank speed fractions in (0, 1]"))
        << bad;
  }
}

TEST_F(BooksKeysTest, RankWeightsArePositiveAndOnlyForTheWeightedSchedule) {
  EXPECT_THAT(problems_with("input:\n  path: book\nruntime:\n  schedule: weighted\n"
                            "  rank_weights: [20, 20, 1.5]\n"),
              IsEmpty());
  EXPECT_EQ(config_.runtime.rank_weights, (std::vector<double>{20, 20, 1.5}));
  for (const char* bad : {"[1, 0]", "[-1]", "3", "[x]"}) {
    const auto problems = problems_with(
        std::string("input:\n  path: book\nruntime:\n  schedule: weighted\n  rank_weights: ") +
        bad + "\n");
    ASSERT_EQ(problems.size(), 1u) << bad;
    EXPECT_THAT(problems[0], ::testing::StartsWith("runtime.rank_weights: must be a list of "
                                                   "positive per-rank weights"))
        << bad;
  }
  EXPECT_THAT(problems_with("input:\n  path: book\nruntime:\n  rank_weights: [2, 1]\n"),
              ElementsAre(::testing::StartsWith(
                  "runtime.rank_weights: only used by runtime.schedule 'weighted' (schedule is "
                  "'dynamic'); set schedule: weighted or remove rank_weights")));
}

}  // namespace
}  // namespace mpibatch::config::testing
