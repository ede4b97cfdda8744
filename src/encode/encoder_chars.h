#pragma once
/// \file The `chars` encoder: one id per character from a vocabulary file (model.vocabulary).

#include <memory>
#include <string>

#include "mpibatch/encode/encoder.h"

namespace mpibatch::encode::detail {

/// Reads the vocabulary at `path` (format and unknown-character rule: encoder.h). Throws
/// InputError naming model.vocabulary, the file and the line for a malformed vocabulary.
std::unique_ptr<Encoder> make_chars_encoder(const std::string& path);

}  // namespace mpibatch::encode::detail
