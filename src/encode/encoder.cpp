/// \file The `bytes` encoder and make_encoder (chars: encoder_chars.cpp, phonemes:
/// encoder_phonemes.cpp).

#include "mpibatch/encode/encoder.h"

#include <string>
#include <vector>

#include "encoder_chars.h"
#include "encoder_phonemes.h"
#include "mpibatch/error.h"

namespace mpibatch::encode {
namespace {

/// UTF-8 bytes as ids: id = byte value (1..255), 0 is padding. NUL bytes are dropped so that
/// an id is never the padding id. Invalid UTF-8 passes through byte for byte.
class BytesEncoder final : public Encoder {
 public:
  TokenIds encode(std::string_view text, std::string_view /*language*/) const override {
    TokenIds ids;
    ids.reserve(text.size());
    for (char c : text) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte != 0) ids.push_back(static_cast<std::int64_t>(byte));
    }
    return ids;
  }
  std::int64_t vocabulary_size() const override { return 256; }
  std::string name() const override { return "bytes"; }
};

}  // namespace

std::unique_ptr<Encoder> make_encoder(const EncoderOptions& options) {
  if (options.name == "bytes") return std::make_unique<BytesEncoder>();
  if (options.name == "chars") return detail::make_chars_encoder(options.vocabulary);
  if (options.name == "phonemes") return detail::make_phonemes_encoder(options);
  throw ConfigError(
      {"model.encoder: unknown encoder '" + options.name + "'; available: bytes, chars, phonemes"});
}

std::unique_ptr<Encoder> make_encoder(const std::string& name) {
  EncoderOptions options;
  options.name = name;
  return make_encoder(options);
}

}  // namespace mpibatch::encode
