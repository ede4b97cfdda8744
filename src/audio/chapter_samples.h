#pragma once
/// \file How one chapter's outputs become one mono stream (private to audio): layout checks,
/// frame count, level and the streaming in blocks.

#include <cstddef>
#include <cstdint>
#include <functional>

#include "mpibatch/io/run_records.h"

namespace mpibatch::audio::detail {

enum class Level { kPeak, kClip };

/// Frames handed to the sink at a time (256 KiB of float32).
inline constexpr std::size_t kBlockFrames = 64 * 1024;

/// ModelError if the outputs are not 1-D (a feature shape); IoError if the offsets do not
/// describe `values` (items + 1 entries, from 0, non-decreasing, ending at values.size()).
void check_layout(const io::ChapterRecord& chapter, const io::ChapterOutput& output);

/// Frames of the chapter's audio: every sample, plus `pause_frames` between consecutive items
/// that have samples. 0 when no item has any.
std::int64_t chapter_frames(const io::ChapterOutput& output, std::int64_t pause_frames);

/// Factor applied to every sample: for kPeak, kPeakTarget / the largest finite |sample| (1 when
/// there is none but 0); for kClip, 1. One pass over the values.
double chapter_gain(const io::ChapterOutput& output, Level level);

/// Calls `sink` with the chapter's frames in order, in blocks of at most kBlockFrames: each
/// sample times `gain`, NaN as 0, clipped to [-1, 1]; `pause_frames` zeros between items that
/// have samples. Never copies the whole chapter.
void stream_chapter(const io::ChapterOutput& output, std::int64_t pause_frames, double gain,
                    const std::function<void(const float*, std::size_t)>& sink);

}  // namespace mpibatch::audio::detail
