#pragma once
/// \file pack / unpack: values to and from message bytes with cereal.
///
/// NOTE [wire format]: cereal's binary archive, native byte order: every rank of a job runs
/// the same mpibatch build on the same architecture, which a job with mixed endianness would
/// break (not supported). Types need a cereal serialize(); strings, vectors and arrays work.

#include <cereal/archives/binary.hpp>
#include <cereal/types/array.hpp>
#include <cereal/types/common.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <sstream>
#include <string>
#include <utility>

#include "mpibatch/comm/communicator.h"
#include "mpibatch/error.h"

namespace mpibatch::comm {

template <class T>
Bytes pack(const T& value) {
  std::ostringstream out(std::ios::binary);
  {
    cereal::BinaryOutputArchive archive(out);
    archive(value);
  }
  return std::move(out).str();
}

/// Throws CommError naming `what` ("grant") when the bytes do not hold a T.
template <class T>
T unpack(const Bytes& bytes, const char* what) {
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

}  // namespace mpibatch::comm
