#pragma once
/// \file Encoder: item text -> token ids for the model (docs/model-contract.md#encoders).
///
/// `bytes`: the UTF-8 bytes of the text, id = byte value (1..255), 0 = padding, vocabulary
/// 256. NUL bytes are dropped; invalid UTF-8 passes through byte for byte.
///
/// `chars` (model.vocabulary): one id per character from a UTF-8 file, one entry per line,
/// line k -> id k (0 = padding). An entry is one character (a code point or one grapheme
/// cluster); `<space>`, `<tab>` and `<unk>` (the id for unknown characters) are escapes; a
/// BOM and CRLF are accepted; blank and repeated lines are errors. Text is NFC-normalized; a
/// character not in the vocabulary is looked up lower-cased (and case-folded), then as its
/// NFKD base without combining marks ("é" -> "e"), then gets <unk>, or is dropped without it.
/// Vocabulary: lines + 1.
///
/// `phonemes` (model.phoneme_map, model.espeak_voice): IPA phonemes from libespeak-ng, ids as
/// Piper assigns them from a Piper voice config's phoneme_id_map: "^", "_", then each phoneme
/// followed by "_", then "$"; phonemes not in the map are skipped (see unmapped_summary()).
/// Clause punctuation (, . ; : ! ?) is restored from the text. Voice: model.espeak_voice,
/// else the map's espeak.voice, else the item's language, else en-us. Vocabulary: the
/// largest id + 1.
///
/// Ids: `bytes` and `chars` never produce the padding id 0, but a Piper pad "_" is usually id
/// 0, so `phonemes` ids contain 0: models must take the valid part of each row from
/// `lengths`, never from the ids. Text without tokens gives no ids. Encoders are thread-safe,
/// and an item's ids depend only on its text and language.

#include <memory>
#include <string>
#include <string_view>

#include "mpibatch/encode/token_ids.h"

namespace mpibatch::encode {

class Encoder {
 public:
  virtual ~Encoder() = default;
  /// Token ids for `text` in `language` (BCP 47, may be empty: the encoder's default).
  /// `phonemes` throws InputError for a language that has no espeak-ng voice.
  virtual TokenIds encode(std::string_view text, std::string_view language = {}) const = 0;
  /// Number of distinct ids including padding (embedding table size).
  virtual std::int64_t vocabulary_size() const = 0;
  virtual std::string name() const = 0;
  /// What encode() could not map so far (characters not in the vocabulary, phonemes not in
  /// the map, with counts), for one log line at the end of a job; empty when nothing.
  virtual std::string unmapped_summary() const { return {}; }
};

/// What `model.encoder` and its files say.
struct EncoderOptions {
  std::string name = "bytes";         ///< bytes | chars | phonemes
  std::string vocabulary;             ///< chars: vocabulary file
  std::string phoneme_map;            ///< phonemes: Piper voice config / phoneme_id_map JSON
  std::string espeak_voice = "auto";  ///< phonemes: espeak-ng voice; auto = map, else language
};

/// The encoder `options` describe; ConfigError for an unknown name, an unset file or an
/// unknown model.espeak_voice, InputError naming the key and file for an unreadable or
/// malformed vocabulary or phoneme map, IoError when espeak-ng cannot start.
std::unique_ptr<Encoder> make_encoder(const EncoderOptions& options);
/// make_encoder({name}): for encoders that need no files (bytes).
std::unique_ptr<Encoder> make_encoder(const std::string& name);

}  // namespace mpibatch::encode
