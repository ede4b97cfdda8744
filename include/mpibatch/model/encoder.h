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
  /// Token ids for `text` in `language` (BCP 47, may be empty: the encoder's default).
  virtual TokenIds encode(std::string_view text, std::string_view language = {}) const = 0;
  /// Number of distinct ids including padding (embedding table size).
  virtual std::int64_t vocabulary_size() const = 0;
  virtual std::string name() const = 0;
};

/// What `model.encoder` and its files say.
struct EncoderOptions {
  std::string name = "bytes";         ///< bytes | chars | phonemes
  std::string vocabulary;             ///< chars: vocabulary file
  std::string phoneme_map;            ///< phonemes: Piper voice config / phoneme_id_map JSON
  std::string espeak_voice = "auto";  ///< phonemes: espeak-ng voice; auto = map, else language
};

/// The encoder `options` describe; ConfigError for an unknown name, InputError naming the key
/// and file for an unreadable or malformed vocabulary or phoneme map.
std::unique_ptr<Encoder> make_encoder(const EncoderOptions& options);
/// make_encoder({name}): for encoders that need no files (bytes).
std::unique_ptr<Encoder> make_encoder(const std::string& name);

}  // namespace mpibatch::model
