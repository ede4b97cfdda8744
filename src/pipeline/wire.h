#pragma once
/// \file Message tags and the pipeline's messages (packed as in comm/packing.h).

#include <cstdint>

#include "mpibatch/comm/packing.h"

namespace mpibatch::pipeline::wire {

/// Point-to-point tags.
inline constexpr int kTagResults = 101;  ///< worker -> rank 0: std::vector<ItemResult>
inline constexpr int kTagControl = 102;  ///< worker -> rank 0: Control
inline constexpr int kTagGrant = 103;    ///< rank 0 -> worker: std::vector<work::WorkItem>

/// A worker's request for its next chunk, its report that a chunk is done, or its notice that
/// it wants no more work (its model keeps failing: runtime.max_consecutive_failures).
struct Control {
  enum Kind : std::uint8_t { kRequest = 0, kReport = 1, kLeave = 2 };
  std::uint8_t kind = kRequest;
  double seconds = 0.0;  ///< kReport: the chunk's wall time on the worker

  template <class Archive>
  void serialize(Archive& ar) {
    ar(kind, seconds);
  }
};

using comm::pack;
using comm::unpack;

}  // namespace mpibatch::pipeline::wire
