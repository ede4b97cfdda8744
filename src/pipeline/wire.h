#pragma once
/// \file Message tags and the pipeline's messages (packed as in comm/packing.h).

#include <cstdint>
#include <string>

#include "mpibatch/comm/packing.h"

namespace mpibatch::pipeline::wire {

/// Point-to-point tags.
inline constexpr int kTagResults = 101;  ///< worker -> rank 0: std::vector<ItemResult>
inline constexpr int kTagControl = 102;  ///< worker -> rank 0: Control
inline constexpr int kTagGrant = 103;    ///< rank 0 -> worker: std::vector<work::WorkItem>
inline constexpr int kTagStop = 104;     ///< rank 0 -> worker: Stop (the job was interrupted)

/// A worker's request for its next chunk, its report that a chunk is done, its notice that
/// it wants no more work (its model keeps failing: runtime.max_consecutive_failures), or that
/// a signal interrupted it (NOTE [interruption]).
struct Control {
  enum Kind : std::uint8_t { kRequest = 0, kReport = 1, kLeave = 2, kInterrupted = 3 };
  std::uint8_t kind = kRequest;
  double seconds = 0.0;  ///< kReport: the chunk's wall time on the worker; kInterrupted: signal

  template <class Archive>
  void serialize(Archive& ar) {
    ar(kind, seconds);
  }
};

/// Rank 0 to every worker once the job is interrupted: skip the items still held.
struct Stop {
  std::string reason;  ///< recorded as the skipped items' error

  template <class Archive>
  void serialize(Archive& ar) {
    ar(reason);
  }
};

using comm::pack;
using comm::unpack;

}  // namespace mpibatch::pipeline::wire
