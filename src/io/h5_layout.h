#pragma once
/// \file Names in the mpibatch result file (private to the io module; docs/hdf5-schema.md).

#include <cstdint>
#include <cstdio>
#include <string>

#include "mpibatch/timing/phase_timer.h"

namespace mpibatch::io::h5 {

inline constexpr const char* kFormat = "mpibatch-result";  ///< root attribute `format`
inline constexpr std::int32_t kFormatVersion = 1;          ///< root attribute `format_version`

inline constexpr const char* kItemsDataset = "items";
inline constexpr const char* kRanksDataset = "ranks";
inline constexpr const char* kChaptersDataset = "chapters";
inline constexpr const char* kResultsGroup = "results";
inline constexpr const char* kValuesDataset = "values";
inline constexpr const char* kOffsetsDataset = "offsets";
inline constexpr const char* kTrainGroup = "train";  ///< job.kind train: steps, epochs, rank_epochs

/// "chapter_000002": zero-padded so that name order is reading order.
inline std::string chapter_group_name(std::uint32_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "chapter_%06u", static_cast<unsigned>(index));
  return name;
}

/// "/results/chapter_000002"
inline std::string chapter_group_path(std::uint32_t index) {
  return std::string("/") + kResultsGroup + "/" + chapter_group_name(index);
}

/// The /ranks member of a phase: "model_load_s".
inline std::string phase_column(timing::Phase phase) {
  return std::string(timing::phase_name(phase)) + "_s";
}

}  // namespace mpibatch::io::h5
