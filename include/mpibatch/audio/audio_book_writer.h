#pragma once
/// \file AudioBookWriter: one audio file per chapter and a playlist, beside the HDF5 results.
///
/// Each item's output is mono waveform samples at `sample_rate` (1-D outputs; a feature shape
/// is a ModelError). A chapter's file holds its items in reading order with `pause_s` of
/// silence between consecutive items that have samples; failed and empty items add nothing.
/// Levels: "peak" scales each chapter so that its largest |sample| is kPeakTarget (silence
/// stays silence); "clip" keeps the values and clips to [-1, 1]. 16-bit PCM, never wrapped;
/// NaN becomes 0. Chapters without samples get no file. Files are written to a staging folder
/// and appear under `folder` only at commit(), after the inner writer's commit, together
/// with `<playlist>.m3u` listing them in chapter order (docs/books.md#audio-output).

#include <memory>
#include <string>
#include <vector>

#include "mpibatch/io/result_writer.h"

namespace mpibatch::audio {

inline constexpr double kPeakTarget = 0.89;  ///< -1 dBFS

struct AudioOptions {
  std::string folder;                 ///< output.audio
  std::string format = "wav";         ///< wav | flac
  double sample_rate = 0.0;           ///< Hz, > 0
  double pause_s = 0.4;               ///< silence between items
  std::string level = "peak";         ///< peak | clip
  bool overwrite = false;             ///< replace an existing folder at commit
  std::string playlist = "playlist";  ///< file stem of the .m3u
};

/// File name of a chapter's audio: "<index+1, 3+ digits>-<slug>.<format>", e.g.
/// "007-the-storm.wav". The slug is the title with ASCII letters lower-cased and the letters
/// and digits of other scripts kept as they are; every run of anything else (spaces,
/// punctuation, '/', controls, malformed UTF-8) becomes one '-'; no leading or trailing '-';
/// at most 60 bytes, never cut inside a UTF-8 sequence; "chapter" when nothing is left.
std::string chapter_file_name(const io::ChapterRecord& chapter, const std::string& format);

/// Decorates `inner` (the HDF5 writer): every call goes to `inner` first, then the chapter
/// is encoded to audio in "<folder>.partial" (a stale one is removed at construction).
/// commit(): the inner commit, then `<playlist>.m3u` ("#EXTINF:<seconds, rounded>,<title>"
/// and the file name per chapter with a file, in index order), fsync of every file, then the
/// staging folder becomes `folder` (an existing one, with overwrite, is swapped out in one
/// step where the file system allows and then removed). Logs one info line with the count
/// and total duration. discard() (also on destruction before commit) discards `inner` and
/// removes the staging folder.
///
/// Throws: InputError at construction for bad options, if `folder` exists and overwrite is
/// off, or if the staging folder cannot be created; ModelError from write_chapter() for
/// outputs with a feature shape; IoError if a file cannot be written or moved. Not
/// thread-safe: one thread (rank 0's writer) calls it.
///
/// \code
///   auto writer = std::make_unique<AudioBookWriter>(std::move(h5_writer), audio_options);
///   for (...) writer->write_chapter(chapter, output);  // any order
///   writer->commit(info, chapters, ranks, items);       // or discard() on failure
/// \endcode
class AudioBookWriter final : public io::ResultWriter {
 public:
  AudioBookWriter(std::unique_ptr<io::ResultWriter> inner, AudioOptions options);
  ~AudioBookWriter() override;

  void write_chapter(const io::ChapterRecord& chapter, const io::ChapterOutput& output) override;
  void commit(const io::RunInfo& info, const std::vector<io::ChapterRecord>& chapters,
              const std::vector<io::RankRecord>& ranks,
              const std::vector<io::ItemRecord>& items) override;
  void discard() noexcept override;

 private:
  struct Impl;
  std::unique_ptr<io::ResultWriter> inner_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mpibatch::audio
