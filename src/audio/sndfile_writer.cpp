#include "sndfile_writer.h"

#include <sndfile.h>

#include <utility>

#include "mpibatch/error.h"

namespace mpibatch::audio::detail {

namespace {

SF_INFO mono_info(int format, int sample_rate) {
  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = 1;
  info.format = format;
  return info;
}

}  // namespace

int sndfile_format(const std::string& format) {
  if (format == "wav") return SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  if (format == "flac") return SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
  return 0;
}

bool sndfile_supports(int format, int sample_rate) {
  const SF_INFO info = mono_info(format, sample_rate);
  return format != 0 && sample_rate > 0 && sf_format_check(&info) != 0;
}

SndfileWriter::SndfileWriter(const std::string& path, int format, int sample_rate) : path_(path) {
  SF_INFO info = mono_info(format, sample_rate);
  file_ = sf_open(path.c_str(), SFM_WRITE, &info);
  if (file_ == nullptr) {
    throw IoError("cannot create audio file '" + path + "': " + sf_strerror(nullptr));
  }
  sf_command(file_, SFC_SET_CLIPPING, nullptr, SF_TRUE);
}

SndfileWriter::~SndfileWriter() {
  if (file_ != nullptr) sf_close(file_);
}

SndfileWriter::SndfileWriter(SndfileWriter&& other) noexcept
    : path_(std::move(other.path_)), file_(other.file_) {
  other.file_ = nullptr;
}

void SndfileWriter::write(const float* samples, std::size_t frames) {
  if (file_ == nullptr) throw IoError("audio file '" + path_ + "' is already closed");
  const auto wanted = static_cast<sf_count_t>(frames);
  if (sf_writef_float(file_, samples, wanted) != wanted) {
    throw IoError("cannot write audio file '" + path_ + "': " + sf_strerror(file_) +
                  "; check the free space of its folder");
  }
}

void SndfileWriter::close() {
  if (file_ == nullptr) return;
  SNDFILE* file = file_;
  file_ = nullptr;
  const int code = sf_close(file);
  if (code != 0) {
    throw IoError("cannot finish audio file '" + path_ + "': " + sf_error_number(code) +
                  "; check the free space of its folder");
  }
}

}  // namespace mpibatch::audio::detail
