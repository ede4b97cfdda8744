// AudioBookWriter: files read back with libsndfile, levels, playlist, commit/discard, errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "mpibatch/audio/audio_book_writer.h"
#include "mpibatch/error.h"
#include "support/error_message.h"
#include "support/recording_result_writer.h"
#include "support/temp_dir.h"

namespace mpibatch::audio {
namespace {

namespace fs = std::filesystem;
using mpibatch::testing::read_file;
using mpibatch::testing::RecordingResultWriter;
using mpibatch::testing::TempDir;
using ::testing::HasSubstr;

constexpr double kRate = 8000.0;
constexpr float kQuantum = 1.0F / 32768.0F;  // one 16-bit step
constexpr float kInf = std::numeric_limits<float>::infinity();

/// A chapter whose items have these samples (an empty item is a failed one).
io::ChapterOutput output_of(const std::vector<std::vector<float>>& items) {
  io::ChapterOutput output;
  output.offsets.push_back(0);
  for (const auto& item : items) {
    output.values.insert(output.values.end(), item.begin(), item.end());
    output.offsets.push_back(static_cast<std::int64_t>(output.values.size()));
  }
  return output;
}

io::ChapterRecord chapter_of(std::uint32_t index, const std::string& title,
                             const io::ChapterOutput& output) {
  io::ChapterRecord chapter;
  chapter.index = index;
  chapter.title = title;
  chapter.items =
      static_cast<std::uint32_t>(output.offsets.empty() ? 0 : output.offsets.size() - 1);
  chapter.output_length = static_cast<std::int64_t>(output.values.size());
  return chapter;
}

std::vector<float> ramp(std::size_t n, float from, float to) {
  std::vector<float> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = from + (to - from) * i / (n > 1 ? n - 1 : 1);
  return out;
}

struct Sound {
  SF_INFO info{};
  std::vector<float> samples;
};

Sound read_sound(const fs::path& path) {
  Sound sound;
  SNDFILE* file = sf_open(path.c_str(), SFM_READ, &sound.info);
  if (file == nullptr) {
    ADD_FAILURE() << "cannot open " << path << ": " << sf_strerror(nullptr);
    return sound;
  }
  sound.samples.resize(static_cast<std::size_t>(sound.info.frames * sound.info.channels));
  EXPECT_EQ(sf_readf_float(file, sound.samples.data(), sound.info.frames), sound.info.frames);
  sf_close(file);
  return sound;
}

float max_abs(const std::vector<float>& samples) {
  float peak = 0.0F;
  for (float x : samples) peak = std::max(peak, std::fabs(x));
  return peak;
}

using mpibatch::testing::message_of;

AudioOptions options_for(const fs::path& folder, const std::string& format = "wav",
                         const std::string& level = "clip", double pause_s = 0.1) {
  AudioOptions options;
  options.folder = folder.string();
  options.format = format;
  options.sample_rate = kRate;
  options.pause_s = pause_s;
  options.level = level;
  return options;
}

/// Writer, the inner recorder it owns, and its folder in a temporary directory.
struct Fixture {
  TempDir dir;
  fs::path folder = dir.path() / "book";
  RecordingResultWriter* inner = nullptr;

  std::unique_ptr<AudioBookWriter> make(AudioOptions options) {
    auto recorder = std::make_unique<RecordingResultWriter>();
    inner = recorder.get();
    return std::make_unique<AudioBookWriter>(std::move(recorder), std::move(options));
  }
  /// Writes one chapter and commits; returns the sound of its file.
  Sound round_trip(const io::ChapterOutput& output, AudioOptions options) {
    const std::string file_name = "001-one." + options.format;
    auto writer = make(std::move(options));
    const io::ChapterRecord chapter = chapter_of(0, "One", output);
    writer->write_chapter(chapter, output);
    writer->commit({}, {chapter}, {}, {});
    return read_sound(folder / file_name);
  }
};

void expect_round_trip(const std::string& format, int major_format) {
  Fixture f;
  const std::vector<float> a = ramp(1000, -0.5F, 0.5F);
  const std::vector<float> b = ramp(500, 0.25F, -0.25F);
  const std::vector<float> c = ramp(300, 0.0F, 0.75F);
  const io::ChapterOutput output = output_of({a, {}, b, c});  // item 1 failed
  const Sound sound = f.round_trip(output, options_for(f.folder, format, "clip", 0.1));

  const std::size_t pause = 800;  // 0.1 s at 8000 Hz, between a-b and b-c only
  ASSERT_EQ(sound.info.frames, static_cast<sf_count_t>(1000 + 500 + 300 + 2 * pause));
  EXPECT_EQ(sound.info.samplerate, 8000);
  EXPECT_EQ(sound.info.channels, 1);
  EXPECT_EQ(sound.info.format & SF_FORMAT_TYPEMASK, major_format);
  EXPECT_EQ(sound.info.format & SF_FORMAT_SUBMASK, SF_FORMAT_PCM_16);
  std::vector<float> expected = a;
  expected.insert(expected.end(), pause, 0.0F);
  expected.insert(expected.end(), b.begin(), b.end());
  expected.insert(expected.end(), pause, 0.0F);
  expected.insert(expected.end(), c.begin(), c.end());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    ASSERT_NEAR(sound.samples[i], expected[i], 1.5 * kQuantum) << "frame " << i;
  }
}

TEST(AudioBookWriter, WavRoundTripHasItemsAndPausesInOrder) {
  expect_round_trip("wav", SF_FORMAT_WAV);
}

TEST(AudioBookWriter, FlacRoundTripHasItemsAndPausesInOrder) {
  expect_round_trip("flac", SF_FORMAT_FLAC);
}

TEST(AudioBookWriter, SampleRateIsRounded) {
  Fixture f;
  AudioOptions options = options_for(f.folder);
  options.sample_rate = 22049.6;
  options.pause_s = 0.5;
  const Sound sound = f.round_trip(output_of({{0.1F}, {0.2F}}), options);
  EXPECT_EQ(sound.info.samplerate, 22050);
  EXPECT_EQ(sound.info.frames, 2 + 11025);  // pause = round(0.5 * 22050)
}

TEST(AudioBookWriter, ChapterLongerThanOneBlockIsComplete) {
  Fixture f;
  const std::vector<float> long_item = ramp(200001, -0.9F, 0.9F);  // > 3 blocks of 64 Ki
  const Sound sound = f.round_trip(output_of({long_item, {0.5F}}), options_for(f.folder));
  ASSERT_EQ(sound.samples.size(), 200001u + 800u + 1u);
  for (std::size_t i : {0u, 65535u, 65536u, 131072u, 200000u}) {
    EXPECT_NEAR(sound.samples[i], long_item[i], 1.5 * kQuantum) << "frame " << i;
  }
  EXPECT_NEAR(sound.samples.back(), 0.5F, kQuantum);
}

TEST(AudioBookWriter, PeakScalesTheLoudestSampleToTheTarget) {
  Fixture f;
  const std::vector<float> item = ramp(1001, -0.125F, 0.25F);
  const Sound sound = f.round_trip(output_of({item}), options_for(f.folder, "wav", "peak"));
  ASSERT_EQ(sound.samples.size(), item.size());
  EXPECT_NEAR(max_abs(sound.samples), kPeakTarget, 1.5 * kQuantum);
  const double gain = kPeakTarget / 0.25;
  EXPECT_NEAR(sound.samples.front(), -0.125 * gain, 1.5 * kQuantum);
  EXPECT_NEAR(sound.samples[500], item[500] * gain, 1.5 * kQuantum);
}

TEST(AudioBookWriter, PeakMakesLoudChaptersQuieterToo) {
  Fixture f;
  const Sound sound =
      f.round_trip(output_of({{3.0F, -6.0F, 1.5F}}), options_for(f.folder, "wav", "peak"));
  ASSERT_EQ(sound.samples.size(), 3u);
  EXPECT_NEAR(sound.samples[0], 0.445F, 1.5 * kQuantum);
  EXPECT_NEAR(sound.samples[1], -0.89F, 1.5 * kQuantum);
  EXPECT_NEAR(sound.samples[2], 0.2225F, 1.5 * kQuantum);
}

TEST(AudioBookWriter, PeakLeavesSilenceSilent) {
  Fixture f;
  const Sound sound = f.round_trip(output_of({std::vector<float>(100, 0.0F)}),
                                   options_for(f.folder, "wav", "peak"));
  ASSERT_EQ(sound.samples.size(), 100u);
  EXPECT_EQ(max_abs(sound.samples), 0.0F);
}

TEST(AudioBookWriter, PeakIgnoresNanAndInfinityWhenScaling) {
  Fixture f;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const Sound sound = f.round_trip(output_of({{0.5F, nan, kInf, -kInf, -0.25F}}),
                                   options_for(f.folder, "wav", "peak"));
  ASSERT_EQ(sound.samples.size(), 5u);
  EXPECT_NEAR(sound.samples[0], 0.89F, 1.5 * kQuantum);
  EXPECT_EQ(sound.samples[1], 0.0F);
  EXPECT_GT(sound.samples[2], 1.0F - 2 * kQuantum);
  EXPECT_EQ(sound.samples[3], -1.0F);
  EXPECT_NEAR(sound.samples[4], -0.445F, 1.5 * kQuantum);
}

TEST(AudioBookWriter, ClipKeepsLevelsAndNeverWraps) {
  Fixture f;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const Sound sound = f.round_trip(output_of({{1.5F, -2.0F, 0.5F, nan, kInf, -kInf, 1.0F}}),
                                   options_for(f.folder, "wav", "clip"));
  ASSERT_EQ(sound.samples.size(), 7u);
  EXPECT_GT(sound.samples[0], 1.0F - 2 * kQuantum);  // not wrapped to a negative value
  EXPECT_EQ(sound.samples[1], -1.0F);
  EXPECT_NEAR(sound.samples[2], 0.5F, kQuantum);
  EXPECT_EQ(sound.samples[3], 0.0F);
  EXPECT_GT(sound.samples[4], 1.0F - 2 * kQuantum);
  EXPECT_EQ(sound.samples[5], -1.0F);
  EXPECT_GT(sound.samples[6], 1.0F - 2 * kQuantum);
}

TEST(AudioBookWriter, ClipInFlacNeverWrapsEither) {
  Fixture f;
  const Sound sound =
      f.round_trip(output_of({{1.5F, -2.0F, 0.25F}}), options_for(f.folder, "flac", "clip"));
  ASSERT_EQ(sound.samples.size(), 3u);
  EXPECT_GT(sound.samples[0], 1.0F - 2 * kQuantum);
  EXPECT_EQ(sound.samples[1], -1.0F);
  EXPECT_NEAR(sound.samples[2], 0.25F, kQuantum);
}

TEST(AudioBookWriter, FailedItemsAddNoPause) {
  Fixture f;
  const Sound sound = f.round_trip(output_of({{}, {0.1F, 0.1F}, {}, {}, {0.2F}, {}}),
                                   options_for(f.folder, "wav", "clip", 0.01));
  EXPECT_EQ(sound.samples.size(), 2u + 80u + 1u);  // one pause, between the two items
  EXPECT_NEAR(sound.samples.front(), 0.1F, kQuantum);
  EXPECT_NEAR(sound.samples.back(), 0.2F, kQuantum);
}

TEST(AudioBookWriter, PlaylistListsChaptersWithFilesInIndexOrder) {
  Fixture f;
  auto writer = f.make(options_for(f.folder, "wav", "clip", 0.0));
  const io::ChapterOutput three_s = output_of({std::vector<float>(24000, 0.1F)});
  const io::ChapterOutput long_s = output_of({std::vector<float>(20800, 0.1F)});  // 2.6 s
  const io::ChapterOutput failed = output_of({{}, {}});
  const io::ChapterOutput no_items;
  // Written out of order, as rank 0 receives them.
  writer->write_chapter(chapter_of(3, "Epilogue", three_s), three_s);
  writer->write_chapter(chapter_of(1, "All failed", failed), failed);
  writer->write_chapter(chapter_of(0, "Preface, short", long_s), long_s);
  writer->write_chapter(chapter_of(2, "Empty", no_items), no_items);
  writer->commit({}, {}, {}, {});

  EXPECT_EQ(read_file((f.folder / "playlist.m3u").string()),
            "#EXTM3U\n"
            "#EXTINF:3,Preface, short\n"
            "001-preface-short.wav\n"
            "#EXTINF:3,Epilogue\n"
            "004-epilogue.wav\n");
  EXPECT_TRUE(fs::exists(f.folder / "001-preface-short.wav"));
  EXPECT_TRUE(fs::exists(f.folder / "004-epilogue.wav"));
  EXPECT_FALSE(fs::exists(f.folder / "002-all-failed.wav"));
  EXPECT_FALSE(fs::exists(f.folder / "003-empty.wav"));
  std::size_t entries = 0;  // the two files, the playlist and the marker
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(f.folder)) ++entries;
  EXPECT_EQ(entries, 4u);
  EXPECT_TRUE(fs::exists(f.folder / ".mpibatch-audio"));
}

TEST(AudioBookWriter, PlaylistStemIsConfigurable) {
  Fixture f;
  AudioOptions options = options_for(f.folder);
  options.playlist = "my-book";
  auto writer = f.make(options);
  writer->commit({}, {}, {}, {});
  EXPECT_EQ(read_file((f.folder / "my-book.m3u").string()), "#EXTM3U\n");
}

TEST(AudioBookWriter, EveryCallGoesToTheInnerWriter) {
  Fixture f;
  auto writer = f.make(options_for(f.folder));
  const io::ChapterOutput output = output_of({{0.1F, 0.2F}, {0.3F}});
  const io::ChapterRecord chapter = chapter_of(5, "Six", output);
  writer->write_chapter(chapter, output);
  EXPECT_EQ(f.inner->writes_per_chapter.at(5), 1);
  EXPECT_EQ(f.inner->outputs.at(5).values, output.values);
  EXPECT_FALSE(f.inner->committed);
  io::RunInfo info;
  info.job_name = "book";
  writer->commit(info, {chapter}, {}, {});
  EXPECT_TRUE(f.inner->committed);
  EXPECT_EQ(f.inner->info.job_name, "book");
  ASSERT_EQ(f.inner->chapters.size(), 1u);
  EXPECT_EQ(f.inner->chapters[0].index, 5u);
}

TEST(AudioBookWriter, NothingUnderTheFolderBeforeCommit) {
  Fixture f;
  auto writer = f.make(options_for(f.folder));
  const io::ChapterOutput output = output_of({{0.1F}});
  writer->write_chapter(chapter_of(0, "One", output), output);
  EXPECT_FALSE(fs::exists(f.folder));
  EXPECT_TRUE(fs::exists(f.dir.path() / "book.partial" / "001-one.wav"));
  writer->commit({}, {}, {}, {});
  EXPECT_TRUE(fs::exists(f.folder / "001-one.wav"));
  EXPECT_TRUE(fs::exists(f.folder / "playlist.m3u"));
  EXPECT_FALSE(fs::exists(f.dir.path() / "book.partial"));
  writer->discard();  // no effect after commit
  EXPECT_TRUE(fs::exists(f.folder / "001-one.wav"));
}

TEST(AudioBookWriter, TrailingSlashNamesTheSameFolder) {
  Fixture f;
  auto writer = f.make(options_for(f.folder.string() + "/"));
  EXPECT_TRUE(fs::exists(f.dir.path() / "book.partial"));
  writer->commit({}, {}, {}, {});
  EXPECT_TRUE(fs::exists(f.folder / "playlist.m3u"));
}

TEST(AudioBookWriter, DiscardLeavesNothing) {
  Fixture f;
  auto writer = f.make(options_for(f.folder));
  const io::ChapterOutput output = output_of({{0.1F}});
  writer->write_chapter(chapter_of(0, "One", output), output);
  writer->discard();
  EXPECT_TRUE(f.inner->discarded);
  EXPECT_FALSE(fs::exists(f.folder));
  EXPECT_FALSE(fs::exists(f.dir.path() / "book.partial"));
  writer->discard();  // twice is harmless
  EXPECT_THROW(writer->commit({}, {}, {}, {}), IoError);
}

TEST(AudioBookWriter, DestroyedWithoutCommitLeavesNothing) {
  Fixture f;
  {
    auto writer = f.make(options_for(f.folder));
    const io::ChapterOutput output = output_of({{0.1F}});
    writer->write_chapter(chapter_of(0, "One", output), output);
  }
  EXPECT_TRUE(fs::is_empty(f.dir.path()));
}

TEST(AudioBookWriter, StaleStagingFolderIsReplaced) {
  Fixture f;
  f.dir.write("book.partial/999-stale.wav", "old");
  f.dir.write("book.partial/.mpibatch-audio", "");
  auto writer = f.make(options_for(f.folder));
  writer->commit({}, {}, {}, {});
  EXPECT_FALSE(fs::exists(f.folder / "999-stale.wav"));
}

TEST(AudioBookWriter, FoldersMpibatchDidNotWriteAreNeverReplaced) {
  Fixture f;
  f.dir.write("book/chapter1.txt", "a user's book");  // e.g. output.audio = input.path
  f.dir.write("other.partial/notes.txt", "mine");
  AudioOptions options = options_for(f.folder);
  options.overwrite = true;
  EXPECT_THAT(message_of<InputError>([&] { f.make(options); }),
              HasSubstr("output.audio: '" + f.folder.string() +
                        "' exists and was not written by mpibatch"));
  options.folder = (f.dir.path() / "other").string();
  EXPECT_THAT(message_of<InputError>([&] { f.make(options); }),
              HasSubstr("other.partial' exists and was not written by mpibatch"));
  EXPECT_EQ(read_file((f.folder / "chapter1.txt").string()), "a user's book");
  EXPECT_EQ(read_file((f.dir.path() / "other.partial" / "notes.txt").string()), "mine");
}

TEST(AudioBookWriter, ExistingFolderWithoutOverwriteIsAnInputError) {
  Fixture f;
  f.dir.write("book/keep.txt", "mine");
  const std::string message = message_of<InputError>([&] { f.make(options_for(f.folder)); });
  EXPECT_THAT(message, HasSubstr("output.audio: '" + f.folder.string() + "' exists"));
  EXPECT_THAT(message, HasSubstr("output.overwrite: true"));
  EXPECT_EQ(read_file((f.folder / "keep.txt").string()), "mine");
  EXPECT_FALSE(fs::exists(f.dir.path() / "book.partial"));
}

TEST(AudioBookWriter, ExistingFolderWithOverwriteIsReplacedAtCommit) {
  Fixture f;
  f.dir.write("book/old.wav", "old");
  f.dir.write("book/.mpibatch-audio", "");  // written by an earlier run
  AudioOptions options = options_for(f.folder);
  options.overwrite = true;
  auto writer = f.make(options);
  const io::ChapterOutput output = output_of({{0.1F}});
  writer->write_chapter(chapter_of(0, "One", output), output);
  EXPECT_TRUE(fs::exists(f.folder / "old.wav"));  // untouched until commit
  writer->commit({}, {}, {}, {});
  EXPECT_FALSE(fs::exists(f.folder / "old.wav"));
  EXPECT_TRUE(fs::exists(f.folder / "001-one.wav"));
  std::size_t entries = 0;  // no staging or old folder left beside it
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(f.dir.path())) ++entries;
  EXPECT_EQ(entries, 1u);
}

TEST(AudioBookWriter, FolderThatAppearedDuringTheRunIsNotReplaced) {
  Fixture f;
  auto writer = f.make(options_for(f.folder));
  f.dir.write("book/other.txt", "other");
  EXPECT_THROW(writer->commit({}, {}, {}, {}), IoError);
  EXPECT_FALSE(f.inner->committed);
  EXPECT_EQ(read_file((f.folder / "other.txt").string()), "other");
}

TEST(AudioBookWriter, FeatureShapeIsAModelErrorNamingChapterAndShape) {
  Fixture f;
  auto writer = f.make(options_for(f.folder));
  io::ChapterOutput output = output_of({std::vector<float>(160, 0.1F)});
  output.offsets = {0, 2};
  output.feature_shape = {80};
  const std::string message =
      message_of<ModelError>([&] { writer->write_chapter(chapter_of(2, "Mel", output), output); });
  EXPECT_THAT(message, HasSubstr("output.audio needs 1-D outputs"));
  EXPECT_THAT(message, HasSubstr("rows of shape [80]"));
  EXPECT_THAT(message, HasSubstr("chapter 3 'Mel'"));
  EXPECT_EQ(f.inner->writes_per_chapter.at(2), 1);  // the inner writer had it first
}

TEST(AudioBookWriter, BadOptionsAreInputErrors) {
  Fixture f;
  AudioOptions options = options_for(f.folder);
  options.format = "mp3";
  EXPECT_THAT(message_of<InputError>([&] { f.make(options); }), HasSubstr("output.audio_format"));
  options = options_for(f.folder);
  options.level = "loud";
  EXPECT_THAT(message_of<InputError>([&] { f.make(options); }), HasSubstr("output.audio_level"));
  options = options_for(f.folder);
  options.sample_rate = 0.0;
  EXPECT_THAT(message_of<InputError>([&] { f.make(options); }), HasSubstr("model.sample_rate"));
  options = options_for(f.folder);
  options.pause_s = -1.0;
  EXPECT_THAT(message_of<InputError>([&] { f.make(options); }), HasSubstr("output.audio_pause"));
  for (const fs::path& folder : {fs::path(""), fs::path("."), fs::path(".."), fs::path("../..")}) {
    options = options_for(folder);
    options.overwrite = true;
    EXPECT_THAT(message_of<InputError>([&] { f.make(options); }), HasSubstr("output.audio"))
        << folder;
  }
  EXPECT_TRUE(fs::is_empty(f.dir.path()));
}

TEST(AudioBookWriter, UncreatableStagingFolderIsAnInputErrorWithTheReason) {
  Fixture f;
  f.dir.write("file", "not a folder");
  const fs::path folder = f.dir.path() / "file" / "book";
  const std::string message = message_of<InputError>([&] { f.make(options_for(folder)); });
  EXPECT_THAT(message, HasSubstr("cannot create '" + folder.string() + ".partial'"));
  EXPECT_THAT(message, HasSubstr("Not a directory"));
}

}  // namespace
}  // namespace mpibatch::audio
