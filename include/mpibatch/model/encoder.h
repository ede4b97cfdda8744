#pragma once
/// \file Encoder: item text -> token ids for the model (docs/model-contract.md#encoders).
///
/// `bytes`: the UTF-8 bytes of the text, id = byte value (1..255), 0 = padding, vocabulary
/// 256. NUL bytes are dropped; invalid UTF-8 passes through byte for byte. Empty text gives
/// no ids. Encoders are stateless and thread-safe.

#include <memory>
#include <string>
#include <string_view>

#include "mpibatch/model/model_runner.h"

namespace mpibatch::model {

class Encoder {
 public:
  virtual ~Encoder() = default;
  /// Token ids for `text`; never contains the padding id 0.
  virtual TokenIds encode(std::string_view text) const = 0;
  /// Number of distinct ids including padding (embedding table size).
  virtual std::int64_t vocabulary_size() const = 0;
  virtual std::string name() const = 0;
};

/// Encoder by name as in `model.encoder`; throws ConfigError for an unknown name.
std::unique_ptr<Encoder> make_encoder(const std::string& name);

}  // namespace mpibatch::model
