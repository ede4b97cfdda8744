#include "mpibatch/audio/audio_book_writer.h"

#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <system_error>

#include "chapter_samples.h"
#include "folder_ops.h"
#include "mpibatch/error.h"
#include "sndfile_writer.h"

namespace mpibatch::audio {

namespace fs = std::filesystem;

namespace {

/// What the playlist needs of a chapter with a file.
struct ChapterFile {
  std::string name;
  std::string title;
  std::int64_t frames = 0;
};

/// `folder` without trailing separators ("out/book/" -> "out/book").
fs::path clean_folder(const std::string& folder) {
  fs::path path = fs::path(folder).lexically_normal();
  if (!path.has_filename() && path.has_parent_path() && path != path.root_path()) {
    path = path.parent_path();
  }
  return path;
}

std::string h_mm_ss(double seconds) {
  const long long total = std::llround(seconds);
  char text[48];
  std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60, total % 60);
  return text;
}

/// A title on one line (EXTINF ends at the line break).
std::string one_line(std::string title) {
  for (char& c : title) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return title;
}

}  // namespace

struct AudioBookWriter::Impl {
  AudioOptions options;
  fs::path folder;
  fs::path staging;
  int format = 0;
  int sample_rate = 0;
  std::int64_t pause_frames = 0;
  detail::Level level = detail::Level::kPeak;
  std::map<std::uint32_t, ChapterFile> files;  // by chapter index
  bool committed = false;
  bool discarded = false;

  void check_open(const char* what) const {
    if (committed) throw IoError(std::string(what) + ": '" + folder.string() + "' is committed");
    if (discarded) {
      throw IoError(std::string(what) + ": '" + staging.string() + "' was discarded");
    }
  }
  double seconds(std::int64_t frames) const { return static_cast<double>(frames) / sample_rate; }
  void write_playlist() const;
};

void AudioBookWriter::Impl::write_playlist() const {
  const fs::path path = staging / (options.playlist + ".m3u");
  std::ofstream out(path, std::ios::binary);
  out << "#EXTM3U\n";
  for (const auto& [index, file] : files) {
    out << "#EXTINF:" << std::llround(seconds(file.frames)) << "," << one_line(file.title) << "\n"
        << file.name << "\n";
  }
  out.close();
  if (!out) throw IoError("cannot write playlist '" + path.string() + "'");
}

AudioBookWriter::AudioBookWriter(std::unique_ptr<io::ResultWriter> inner, AudioOptions options)
    : inner_(std::move(inner)), impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.options = std::move(options);
  const AudioOptions& o = s.options;
  if (o.folder.empty()) throw InputError("output.audio is empty; choose a folder for the audio");
  s.format = detail::sndfile_format(o.format);
  if (s.format == 0) {
    throw InputError("output.audio_format: '" + o.format + "' is not supported; use wav or flac");
  }
  if (o.level != "peak" && o.level != "clip") {
    throw InputError("output.audio_level: '" + o.level + "' is not supported; use peak or clip");
  }
  s.level = o.level == "peak" ? detail::Level::kPeak : detail::Level::kClip;
  const bool rate_in_range = o.sample_rate > 0 && o.sample_rate < 1e9;  // also false for NaN
  s.sample_rate = rate_in_range ? static_cast<int>(std::lround(o.sample_rate)) : 0;
  if (!detail::sndfile_supports(s.format, s.sample_rate)) {
    throw InputError(fmt::format(
        "model.sample_rate: {} Hz cannot be written as {}; set the model's output rate in Hz, "
        "e.g. 22050",
        o.sample_rate, o.format));
  }
  if (!(o.pause_s >= 0) || !std::isfinite(o.pause_s)) {
    throw InputError(
        fmt::format("output.audio_pause: {} is not a number of seconds >= 0", o.pause_s));
  }
  s.pause_frames = std::llround(o.pause_s * s.sample_rate);

  s.folder = clean_folder(o.folder);
  const fs::path name = s.folder.filename();
  if (name.empty() || name == "." || name == "..") {
    throw InputError("output.audio: '" + o.folder +
                     "' does not name a new folder; choose one such as audiobook/");
  }
  s.staging = s.folder;
  s.staging += ".partial";
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(s.folder, ec);
  if (fs::exists(status) && !o.overwrite) {
    throw InputError("output.audio: '" + s.folder.string() +
                     "' exists; set output.overwrite: true or choose another folder");
  }
  if (fs::exists(status) && !fs::is_directory(fs::status(s.folder, ec))) {
    throw InputError("output.audio: '" + s.folder.string() +
                     "' is not a folder; choose another output.audio");
  }
  // NOTE [only our own folders]: a folder is replaced or removed only if mpibatch made it (its
  // marker file is there, or it is empty), never a book or anything else a typo named.
  for (const fs::path& ours : {s.folder, s.staging}) {
    if (fs::exists(fs::symlink_status(ours, ec)) && !detail::is_ours_or_empty(ours)) {
      throw InputError("output.audio: '" + ours.string() + "' exists and was not written by " +
                       "mpibatch (no " + std::string(detail::kMarkerFile) +
                       " in it); choose another folder, or move it away yourself");
    }
  }
  fs::remove_all(s.staging, ec);  // left by a crashed run
  if (!ec) fs::create_directories(s.staging, ec);
  if (!ec) detail::write_marker(s.staging);
  if (ec) {
    throw InputError("output.audio: cannot create '" + s.staging.string() + "': " + ec.message() +
                     "; choose a writable folder");
  }
}

AudioBookWriter::~AudioBookWriter() { discard(); }

void AudioBookWriter::write_chapter(const io::ChapterRecord& chapter,
                                    const io::ChapterOutput& output) {
  impl_->check_open("write_chapter");
  inner_->write_chapter(chapter, output);
  Impl& s = *impl_;
  detail::check_layout(chapter, output);
  if (s.files.count(chapter.index) != 0) {
    throw IoError("audio: chapter " + std::to_string(chapter.index + 1ULL) + " is written twice");
  }
  const std::int64_t frames = detail::chapter_frames(output, s.pause_frames);
  if (frames == 0) return;  // no samples: no file, not in the playlist

  ChapterFile file{chapter_file_name(chapter, s.options.format), chapter.title, frames};
  const fs::path path = s.staging / file.name;
  try {
    detail::SndfileWriter sound(path.string(), s.format, s.sample_rate);
    const double gain = detail::chapter_gain(output, s.level);
    detail::stream_chapter(output, s.pause_frames, gain,
                           [&](const float* block, std::size_t n) { sound.write(block, n); });
    sound.close();
  } catch (...) {
    std::error_code ignored;
    fs::remove(path, ignored);
    throw;
  }
  s.files.emplace(chapter.index, std::move(file));
}

void AudioBookWriter::commit(const io::RunInfo& info,
                             const std::vector<io::ChapterRecord>& chapters,
                             const std::vector<io::RankRecord>& ranks,
                             const std::vector<io::ItemRecord>& items) {
  impl_->check_open("commit");
  Impl& s = *impl_;
  std::error_code ec;
  if (!s.options.overwrite && fs::exists(fs::symlink_status(s.folder, ec))) {
    throw IoError("output.audio: '" + s.folder.string() +
                  "' appeared during the run; set output.overwrite: true or choose another "
                  "folder");
  }
  inner_->commit(info, chapters, ranks, items);
  s.write_playlist();
  detail::sync_folder(s.staging);
  // NOTE [audio after HDF5]: the HDF5 file is the record of the run and commits first; if
  // the audio cannot be moved into place afterwards, the error names the folder and the
  // results are still complete.
  detail::replace_folder(s.staging, s.folder);
  s.committed = true;

  std::int64_t frames = 0;
  for (const auto& entry : s.files) frames += entry.second.frames;
  spdlog::info("audio: {} chapter files ({}, {}) in {}", s.files.size(), h_mm_ss(s.seconds(frames)),
               s.options.format, s.folder.string());
}

void AudioBookWriter::discard() noexcept {
  if (inner_ != nullptr) inner_->discard();
  if (impl_ == nullptr || impl_->committed || impl_->discarded) return;
  impl_->discarded = true;
  try {
    std::error_code ignored;
    fs::remove_all(impl_->staging, ignored);
  } catch (...) {  // remove_all may still throw bad_alloc
  }
}

}  // namespace mpibatch::audio
