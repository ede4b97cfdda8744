#include "chapter_samples.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "mpibatch/audio/audio_book_writer.h"
#include "mpibatch/error.h"

namespace mpibatch::audio::detail {

namespace {

std::string describe(const io::ChapterRecord& chapter) {
  return "chapter " + std::to_string(chapter.index + 1ULL) + " '" + chapter.title + "'";
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    text += (i == 0 ? "" : ", ") + std::to_string(shape[i]);
  }
  return text + "]";
}

float to_pcm_range(float sample, double gain) {
  const double scaled = static_cast<double>(sample) * gain;
  if (std::isnan(scaled)) return 0.0F;
  return static_cast<float>(std::clamp(scaled, -1.0, 1.0));
}

/// Buffers frames and hands them to the sink kBlockFrames at a time.
class BlockBuffer {
 public:
  explicit BlockBuffer(const std::function<void(const float*, std::size_t)>& sink) : sink_(sink) {
    block_.reserve(kBlockFrames);
  }
  void push(float frame) {
    block_.push_back(frame);
    if (block_.size() == kBlockFrames) flush();
  }
  void flush() {
    if (!block_.empty()) sink_(block_.data(), block_.size());
    block_.clear();
  }

 private:
  const std::function<void(const float*, std::size_t)>& sink_;
  std::vector<float> block_;
};

}  // namespace

void check_layout(const io::ChapterRecord& chapter, const io::ChapterOutput& output) {
  if (!output.feature_shape.empty()) {
    throw ModelError(
        "output.audio needs 1-D outputs (samples per item); the model returns rows "
        "of shape " +
        shape_text(output.feature_shape) + " for " + describe(chapter) +
        "; use a model that returns waveforms or remove output.audio");
  }
  const auto& offsets = output.offsets;
  bool valid = offsets.empty() ? output.values.empty() : offsets.front() == 0;
  for (std::size_t k = 1; valid && k < offsets.size(); ++k) valid = offsets[k] >= offsets[k - 1];
  if (valid && !offsets.empty()) {
    valid = offsets.back() == static_cast<std::int64_t>(output.values.size());
  }
  if (!valid) {
    throw IoError("audio of " + describe(chapter) + ": the item offsets do not match its " +
                  std::to_string(output.values.size()) +
                  " samples (internal error; please report)");
  }
}

std::int64_t chapter_frames(const io::ChapterOutput& output, std::int64_t pause_frames) {
  std::int64_t items_with_samples = 0;
  for (std::size_t k = 1; k < output.offsets.size(); ++k) {
    if (output.offsets[k] > output.offsets[k - 1]) ++items_with_samples;
  }
  if (items_with_samples == 0) return 0;
  return static_cast<std::int64_t>(output.values.size()) + (items_with_samples - 1) * pause_frames;
}

double chapter_gain(const io::ChapterOutput& output, Level level) {
  if (level == Level::kClip) return 1.0;
  float peak = 0.0F;
  for (const float sample : output.values) {
    if (std::isfinite(sample)) peak = std::max(peak, std::fabs(sample));
  }
  // Silence stays silence; a chapter of only NaN/Inf keeps them as 0 and +-1.
  return peak > 0.0F ? kPeakTarget / static_cast<double>(peak) : 1.0;
}

void stream_chapter(const io::ChapterOutput& output, std::int64_t pause_frames, double gain,
                    const std::function<void(const float*, std::size_t)>& sink) {
  BlockBuffer buffer(sink);
  bool first = true;
  for (std::size_t k = 1; k < output.offsets.size(); ++k) {
    const auto begin = static_cast<std::size_t>(output.offsets[k - 1]);
    const auto end = static_cast<std::size_t>(output.offsets[k]);
    if (begin == end) continue;  // failed or empty item: no pause either
    if (!first) {
      for (std::int64_t i = 0; i < pause_frames; ++i) buffer.push(0.0F);
    }
    first = false;
    for (std::size_t i = begin; i < end; ++i) buffer.push(to_pcm_range(output.values[i], gain));
  }
  buffer.flush();
}

}  // namespace mpibatch::audio::detail
