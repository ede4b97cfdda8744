#pragma once
/// \file Process-wide access to libespeak-ng for the phonemes encoder.
///
/// libespeak-ng keeps global state (the loaded voice) and is not thread-safe: every function
/// here takes one process-wide mutex, initializes espeak-ng on first use and switches voices
/// only when the requested voice differs from the loaded one. Data come from espeak-ng's
/// default folder or ESPEAK_DATA_PATH. IoError when espeak-ng cannot start.

#include <string>
#include <string_view>
#include <vector>

namespace mpibatch::encode::detail {

/// One clause as espeak_TextToPhonemes returns it, with the mark that ended it in the text.
struct EspeakClause {
  std::string phonemes;     ///< IPA, UTF-8, words separated by spaces
  char32_t terminator = 0;  ///< one of , . ; : ! ? or 0 when the clause ended otherwise
};

/// True if espeak_SetVoiceByName accepts `voice` (a name such as "en-us", "fr", "en-us+f3").
bool espeak_voice_exists(const std::string& voice);

/// The espeak-ng voice for a BCP 47 tag, "" when there is none: the tag lower-cased (with
/// "_" read as "-"), then its primary language, each also through a few aliases ("zh" ->
/// "cmn", "zh-hk" -> "yue", "no" -> "nb"). Cached per tag.
std::string espeak_voice_for_language(std::string_view language);

/// `text` phonemized clause by clause with `voice` (which must exist; IoError otherwise).
std::vector<EspeakClause> espeak_phonemize(std::string_view text, const std::string& voice);

}  // namespace mpibatch::encode::detail
