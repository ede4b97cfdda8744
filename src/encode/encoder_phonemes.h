#pragma once
/// \file The `phonemes` encoder: espeak-ng IPA phonemes, ids as Piper assigns them.

#include <memory>

#include "mpibatch/encode/encoder.h"

namespace mpibatch::encode::detail {

/// Reads options.phoneme_map and checks the voice (options.espeak_voice, else the map's).
/// InputError for a malformed map (naming model.phoneme_map and the file) or an unknown voice
/// in it; ConfigError for an unknown model.espeak_voice; IoError when espeak-ng cannot start.
std::unique_ptr<Encoder> make_phonemes_encoder(const EncoderOptions& options);

}  // namespace mpibatch::encode::detail
