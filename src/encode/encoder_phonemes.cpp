/// \file The `phonemes` encoder (see encoder.h and docs/model-contract.md#encoders).

#include "encoder_phonemes.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include "encoder_piper_map.h"
#include "encoder_unicode.h"
#include "espeak_session.h"
#include "mpibatch/error.h"
#include "unmapped_counter.h"

namespace mpibatch::encode::detail {
namespace {

constexpr const char* kDefaultVoice = "en-us";
constexpr const char* kVoicesHint = "list the voices with espeak-ng --voices";

/// piper-phonemize's DEFAULT_PHONEME_MAP (src/phonemize.cpp): used for voice pt-br when the
/// config has no phoneme_map of its own.
const std::unordered_map<char32_t, std::u32string>& pt_br_replacements() {
  static const std::unordered_map<char32_t, std::u32string> map = {{U'c', U"k"}};
  return map;
}

/// One clause's phonemes as Piper reads them (piper-phonemize src/phonemize.cpp): NFD
/// ("ç" -> "c" + U+0327), phoneme_map replacements, and espeak-ng's language switch flags
/// such as "(en)" ... "(fr)" removed.
std::u32string clause_phonemes(const std::string& ipa,
                               const std::unordered_map<char32_t, std::u32string>& replacements) {
  std::u32string mapped;
  for (char32_t c : nfd(utf8_to_code_points(ipa))) {
    const auto found = replacements.find(c);
    if (found == replacements.end()) {
      mapped.push_back(c);
    } else {
      mapped += found->second;
    }
  }
  std::u32string out;
  bool in_flag = false;
  for (char32_t c : mapped) {
    if (in_flag) {
      in_flag = c != U')';
    } else if (c == U'(') {
      in_flag = true;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

/// NOTE [phonemes encoder] Text -> espeak-ng clauses -> one phoneme string -> Piper ids.
/// Clauses are joined as Piper joins them: a restored , ; : is followed by " ", and a clause
/// after a clause that does not end in a space gets " " first (Piper starts a new sentence
/// after . ! ? instead; an item is one sequence here). Text without phonemes gives no ids.
class PhonemesEncoder final : public Encoder {
 public:
  PhonemesEncoder(std::string path, PiperPhonemeMap map, std::string voice)
      : path_(std::move(path)), map_(std::move(map)), voice_(std::move(voice)) {}

  TokenIds encode(std::string_view text, std::string_view language) const override {
    if (std::all_of(text.begin(), text.end(),
                    [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; })) {
      return {};
    }
    const std::string voice = voice_for(language);
    bool spoken = false;
    const std::u32string phonemes = join(espeak_phonemize(text, voice), voice, spoken);
    if (!spoken) return {};
    std::map<char32_t, std::size_t> missing;
    TokenIds ids = piper_phoneme_ids(phonemes, map_, missing);
    if (!missing.empty()) missing_.add(missing);
    return ids;
  }

  std::int64_t vocabulary_size() const override { return map_.max_id + 1; }
  std::string name() const override { return "phonemes"; }

  std::string unmapped_summary() const override {
    return missing_.summary("phonemes not in model.phoneme_map '" + path_ + "'", "skipped");
  }

 private:
  std::string voice_for(std::string_view language) const {
    if (!voice_.empty()) return voice_;
    if (language.empty()) return kDefaultVoice;
    std::string voice = espeak_voice_for_language(language);
    if (voice.empty()) {
      throw InputError("phonemes encoder: the item language '" + std::string(language) +
                       "' has no espeak-ng voice (tried the tag and its primary language); set "
                       "model.espeak_voice to a voice for it (" +
                       kVoicesHint + ")");
    }
    return voice;
  }

  std::u32string join(const std::vector<EspeakClause>& clauses, const std::string& voice,
                      bool& spoken) const {
    const auto& replacements =
        map_.replacements.empty() && voice == "pt-br" ? pt_br_replacements() : map_.replacements;
    std::u32string out;
    for (const EspeakClause& clause : clauses) {
      const std::u32string phonemes = clause_phonemes(clause.phonemes, replacements);
      if (!phonemes.empty()) {
        if (!out.empty() && out.back() != U' ') out.push_back(U' ');
        out += phonemes;
        spoken = true;
      }
      const char32_t mark = clause.terminator;
      if (mark != 0 && map_.ids.count(mark) != 0) out.push_back(mark);
      if (mark == U',' || mark == U';' || mark == U':') out.push_back(U' ');
    }
    return out;
  }

  std::string path_;
  PiperPhonemeMap map_;
  std::string voice_;  ///< fixed voice, or empty: from each item's language
  mutable UnmappedCounter missing_;
};

}  // namespace

std::unique_ptr<Encoder> make_phonemes_encoder(const EncoderOptions& options) {
  PiperPhonemeMap map = load_piper_phoneme_map(options.phoneme_map);
  std::string voice;
  if (!options.espeak_voice.empty() && options.espeak_voice != "auto") {
    voice = options.espeak_voice;
    if (!espeak_voice_exists(voice)) {
      throw ConfigError({"model.espeak_voice: espeak-ng has no voice '" + voice +
                         "'; use auto or a voice such as en-us, fr, de (" + kVoicesHint + ")"});
    }
  } else if (!map.voice.empty()) {
    voice = map.voice;
    if (!espeak_voice_exists(voice)) {
      throw InputError("model.phoneme_map: '" + options.phoneme_map + "' names espeak voice '" +
                       voice +
                       "', which this espeak-ng does not have; set model.espeak_voice "
                       "to a voice it has (" +
                       kVoicesHint + ")");
    }
  } else if (!espeak_voice_exists(kDefaultVoice)) {  // starts espeak-ng now, not mid-job
    throw IoError(std::string("phonemes encoder: espeak-ng has no voice ") + kDefaultVoice +
                  "; install espeak-ng-data");
  }
  return std::make_unique<PhonemesEncoder>(options.phoneme_map, std::move(map), std::move(voice));
}

}  // namespace mpibatch::encode::detail
