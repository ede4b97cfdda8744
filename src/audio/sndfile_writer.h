#pragma once
/// \file SndfileWriter: one mono 16-bit PCM file written through libsndfile (private to audio).

#include <cstddef>
#include <string>

struct sf_private_tag;

namespace mpibatch::audio::detail {

/// libsndfile's major format for "wav" or "flac", with 16-bit PCM; 0 for anything else.
int sndfile_format(const std::string& format);

/// Whether libsndfile can write mono `format` (from sndfile_format) at `sample_rate` Hz.
bool sndfile_supports(int format, int sample_rate);

/// An open sound file; closes it on destruction. Samples beyond [-1, 1] are clipped by
/// libsndfile (SFC_SET_CLIPPING), never wrapped. Not thread-safe; move-only.
class SndfileWriter {
 public:
  /// Creates `path`; IoError naming it and libsndfile's reason on failure.
  SndfileWriter(const std::string& path, int format, int sample_rate);
  ~SndfileWriter();
  SndfileWriter(SndfileWriter&& other) noexcept;
  SndfileWriter& operator=(SndfileWriter&&) = delete;
  SndfileWriter(const SndfileWriter&) = delete;
  SndfileWriter& operator=(const SndfileWriter&) = delete;

  /// Appends `frames` mono samples (normalised floats); IoError on a short write.
  void write(const float* samples, std::size_t frames);
  /// Finishes the file (headers, FLAC's last frame); IoError on failure. Idempotent.
  void close();

 private:
  std::string path_;
  sf_private_tag* file_ = nullptr;
};

}  // namespace mpibatch::audio::detail
