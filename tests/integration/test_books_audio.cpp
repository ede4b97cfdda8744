// Books in, audio out, end to end under mpiexec: an EPUB made by the test, the Debian
// handbook through jobs/audiobook-demo.yaml, WAV chapters checked against the HDF5 file by an
// independent reader (tests/integration/check_audio.py), corrupt EPUBs refused.
#include <gtest/gtest.h>

#include <filesystem>

#include "job_fixture.h"

namespace fs = std::filesystem;
namespace mi = mpibatch::io;
using mpibatch::testing::run_job;
using mpibatch::testing::run_shell;
using mpibatch::testing::shell_quote;
using mpibatch::testing::Workspace;

namespace {

std::string source_file(const std::string& relative) {
  return shell_quote(std::string(MPIBATCH_SOURCE_DIR) + "/" + relative);
}

/// Writes <workspace>/<name>.epub with tests/python/make_epub.py; "" = a good book.
std::string make_epub(const std::string& name, const std::string& broken = "") {
  const std::string path = Workspace::get().dir().file(name + ".epub");
  const auto made =
      run_shell(std::string(MPIBATCH_PYTHON) + " " + source_file("tests/python/make_epub.py") +
                " " + shell_quote(path) + (broken.empty() ? "" : " --break " + broken));
  EXPECT_EQ(made.exit_code, 0) << made.output;
  return path;
}

/// check_audio.py on a result and its audio folder: exit code and output.
mpibatch::testing::ProcessResult check_audio(const std::string& h5, const std::string& folder,
                                             const std::string& pause,
                                             const std::string& playlist) {
  return run_shell(std::string(MPIBATCH_PYTHON) + " " +
                   source_file("tests/integration/check_audio.py") + " " + shell_quote(h5) + " " +
                   shell_quote(folder) + " " + pause + " " + playlist);
}

}  // namespace

TEST(BooksAudio, EpubChaptersInSpineOrderBecomeWavFilesOnTwoRanks) {
  auto& ws = Workspace::get();
  make_epub("le-phare");
  const auto run = run_job(2, ws.write_job("epub", {{"input.path", "le-phare.epub"},
                                                    {"input.max_chars", "60"},
                                                    {"output.audio", "epub-audio"},
                                                    {"output.audio_pause", "0.25"}}));
  ASSERT_EQ(run.exit_code, 0) << run.output;

  const mi::ResultReader file(ws.output("epub"));
  const auto chapters = file.chapters();
  ASSERT_EQ(chapters.size(), 3u);
  const char* titles[] = {"Premier", "Deuxième", "Troisième"};  // spine, not file order
  const char* files[] = {"ch_c.xhtml", "ch_a.xhtml", "ch_b.xhtml"};
  for (std::size_t c = 0; c < 3; ++c) {
    EXPECT_EQ(chapters[c].title, titles[c]);
    EXPECT_EQ(chapters[c].language, "fr");
    EXPECT_NE(chapters[c].source.find("le-phare.epub!OEBPS/text/" + std::string(files[c])),
              std::string::npos)
        << chapters[c].source;
    EXPECT_GT(chapters[c].items, 0u);
  }
  for (const auto& item : file.items()) EXPECT_EQ(item.status, mi::ItemStatus::kOk) << item.error;

  const auto checked = check_audio(ws.output("epub"), ws.dir().file("epub-audio"), "0.25", "epub");
  EXPECT_EQ(checked.exit_code, 0) << checked.output;
  EXPECT_NE(checked.output.find("\"files\": [\"001-premier.wav\", \"002-"), std::string::npos)
      << checked.output;
  EXPECT_FALSE(fs::exists(ws.dir().file("epub-audio.partial")));
}

TEST(BooksAudio, PhonemeIdsFromAPiperVoiceConfigReachTheModel) {
  auto& ws = Workspace::get();
  make_epub("le-phare");
  const std::string map = ws.dir().file("voice.onnx.json");
  const auto made =
      run_shell(std::string(MPIBATCH_PYTHON) + " " +
                source_file("tests/python/make_phoneme_map.py") + " " + shell_quote(map));
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const auto run = run_job(2, ws.write_job("phonemes", {{"input.path", "le-phare.epub"},
                                                        {"model.encoder", "phonemes"},
                                                        {"model.phoneme_map", "voice.onnx.json"},
                                                        {"output.audio", "phonemes-audio"}}));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const mi::ResultReader file(ws.output("phonemes"));
  const auto items = file.items();
  ASSERT_FALSE(items.empty());
  for (const auto& item : items) {
    ASSERT_EQ(item.status, mi::ItemStatus::kOk) << item.error;
    // Piper ids: ^ _ (phoneme _)... $ -> odd and longer than the text; the demo model gives
    // 16 samples per id, so the model saw exactly these ids.
    EXPECT_EQ(item.tokens % 2, 1u);
    EXPECT_GT(item.tokens, item.chars);
    EXPECT_EQ(item.output_length, static_cast<std::int64_t>(item.tokens) * 16);
  }
  const auto checked =
      check_audio(ws.output("phonemes"), ws.dir().file("phonemes-audio"), "0.4", "phonemes");
  EXPECT_EQ(checked.exit_code, 0) << checked.output;
}

TEST(BooksAudio, CorruptEpubsExitWithCode2AndWriteNothing) {
  auto& ws = Workspace::get();
  const std::pair<const char*, const char*> cases[] = {
      {"bad-zip", "not a zip"},
      {"missing-opf", "OEBPS/content.opf"},
      {"missing-chapter", "OEBPS/text/ch_a.xhtml"},
  };
  for (const auto& [kind, detail] : cases) {
    const std::string name = std::string("broken-") + kind;
    make_epub(name, kind);
    const auto run = run_job(
        2, ws.write_job(name, {{"input.path", name + ".epub"}, {"output.audio", name + "-audio"}}));
    EXPECT_EQ(run.exit_code, 2) << kind << ": " << run.output;
    EXPECT_NE(run.output.find(name + ".epub"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find(detail), std::string::npos) << kind << ": " << run.output;
    for (const std::string& left :
         {name + ".h5", name + ".h5.partial", name + "-audio", name + "-audio.partial"}) {
      EXPECT_FALSE(fs::exists(ws.dir().file(left))) << kind << " left " << left;
    }
  }
}

TEST(BooksAudio, TheAudiobookDemoJobReadsTheHandbookInReadingOrder) {
  auto& ws = Workspace::get();
  // The demo job as shipped, made small: its first two chapters in two languages, the test's
  // small model.
  const std::string out = ws.dir().file("handbook.h5");
  const std::string audio = ws.dir().file("handbook-audio");
  const auto run = run_job(2, std::string(MPIBATCH_SOURCE_DIR) + "/jobs/audiobook-demo.yaml",
                           "--set input.chapters=1-2 --set model.path=" + shell_quote(ws.model()) +
                               " --set 'input.path=[/usr/share/doc/debian-handbook/html/en-US, "
                               "/usr/share/doc/debian-handbook/html/ja-JP]' --set output.audio=" +
                               shell_quote(audio) + " --output " + shell_quote(out));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const mi::ResultReader file(out);
  const auto chapters = file.chapters();
  ASSERT_EQ(chapters.size(), 4u);
  EXPECT_NE(chapters[0].source.find("en-US/index.html"), std::string::npos) << chapters[0].source;
  EXPECT_NE(chapters[2].source.find("ja-JP/index.html"), std::string::npos) << chapters[2].source;
  EXPECT_EQ(chapters[0].language.substr(0, 2), "en");
  EXPECT_EQ(chapters[2].language.substr(0, 2), "ja");
  for (const auto& chapter : chapters) EXPECT_GT(chapter.items, 0u) << chapter.title;
  const auto checked = check_audio(out, audio, "0.4", "audiobook-demo");
  EXPECT_EQ(checked.exit_code, 0) << checked.output;
}
