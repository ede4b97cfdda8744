#pragma once
/// \file Message tags and (de)serialization of pipeline messages with cereal.
///
/// NOTE [wire format]: cereal's binary archive, native byte order: every rank of a job runs
/// the same mpibatch build on the same architecture, which a job with mixed endianness would
/// break (not supported).

#include <cereal/archives/binary.hpp>
#include <cereal/types/array.hpp>
#include <cereal/types/common.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <cstdint>
#include <sstream>

#include "mpibatch/comm/communicator.h"
#include "mpibatch/error.h"

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

template <class T>
comm::Bytes pack(const T& value) {
  std::ostringstream out(std::ios::binary);
  {
    cereal::BinaryOutputArchive archive(out);
    archive(value);
  }
  return std::move(out).str();
}

template <class T>
T unpack(const comm::Bytes& bytes, const char* what) {
  T value;
  try {
    std::istringstream in(bytes, std::ios::binary);
    cereal::BinaryInputArchive archive(in);
    archive(value);
  } catch (const cereal::Exception& e) {
    throw CommError(std::string("corrupt ") + what + " message (" + std::to_string(bytes.size()) +
                    " bytes): " + e.what());
  }
  return value;
}

}  // namespace mpibatch::pipeline::wire
