/// \file libespeak-ng behind one mutex (see espeak_session.h).

#include "espeak_session.h"

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>

#include "encoder_unicode.h"
#include "mpibatch/error.h"

namespace mpibatch::encode::detail {
namespace {

/// espeak_TextToPhonemes phonememode: IPA phoneme names (speak_lib.h, "value=2").
constexpr int kIpaPhonemes = 0x02;

struct EspeakState {
  std::mutex mutex;
  bool initialized = false;
  std::string loaded_voice;
  std::map<std::string, bool> voice_exists;
  std::map<std::string, std::string> voice_for_language;
};

EspeakState& state() {
  static EspeakState instance;
  return instance;
}

void initialize_locked(EspeakState& s) {
  if (s.initialized) return;
  espeak_ng_InitializePath(nullptr);
  espeak_ng_ERROR_CONTEXT context = nullptr;
  espeak_ng_STATUS status = espeak_ng_Initialize(&context);
  if (status == ENS_OK) status = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, nullptr);
  if (status != ENS_OK) {
    char message[512] = {};
    espeak_ng_GetStatusCodeMessage(status, message, sizeof message);
    espeak_ng_ClearErrorContext(&context);
    throw IoError(std::string("phonemes encoder: espeak-ng cannot start (") + message +
                  "); install espeak-ng-data or set ESPEAK_DATA_PATH to the folder that holds "
                  "espeak-ng-data");
  }
  s.initialized = true;
}

bool load_voice_locked(EspeakState& s, const std::string& voice) {
  initialize_locked(s);
  if (s.loaded_voice == voice) return true;
  if (espeak_SetVoiceByName(voice.c_str()) != EE_OK) {
    s.loaded_voice.clear();  // load again before the next use, whatever espeak-ng kept
    return false;
  }
  s.loaded_voice = voice;
  return true;
}

bool voice_exists_locked(EspeakState& s, const std::string& voice) {
  if (voice.empty()) return false;
  const auto known = s.voice_exists.find(voice);
  if (known != s.voice_exists.end()) return known->second;
  const bool exists = load_voice_locked(s, voice);
  s.voice_exists.emplace(voice, exists);
  return exists;
}

/// Letters, digits and "-" only: espeak-ng also reads voice files by path, which a book's
/// language must not reach.
bool is_plain_tag(const std::string& tag) {
  return !tag.empty() && tag.size() <= 35 && std::all_of(tag.begin(), tag.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool is_terminator(char32_t c) {
  return c == U',' || c == U'.' || c == U';' || c == U':' || c == U'!' || c == U'?';
}

bool is_closing(char32_t c) {
  return c == U'"' || c == U'\'' || c == U')' || c == U']' || c == U'}' || c == U'\u201D' ||
         c == U'\u2019' || c == U'\u00BB' || c == U'\u203A';
}

/// NOTE [clause terminator] Stock libespeak-ng 1.51 does not say which punctuation ended a
/// clause (Piper's patched espeak-ng has espeak_TextToPhonemesWithTerminator). It does advance
/// the text pointer past the clause, its punctuation, the spaces after it and, when text
/// follows, the first character of the next clause ("Hello, world." -> "Hello, w"). So the
/// terminator is the last , . ; : ! ? of the consumed text once that look-ahead character,
/// spaces and closing quotes or brackets are taken off its end.
char32_t clause_terminator(std::string_view consumed, bool more_follows) {
  const std::u32string text = utf8_to_code_points(consumed);
  std::size_t end = text.size();
  if (more_follows && end > 0 && !is_white_space(text[end - 1]) && !is_terminator(text[end - 1])) {
    --end;
  }
  while (end > 0 && (is_white_space(text[end - 1]) || is_closing(text[end - 1]))) --end;
  return end > 0 && is_terminator(text[end - 1]) ? text[end - 1] : 0;
}

std::string alias(const std::string& tag) {
  static const std::map<std::string, std::string> aliases = {
      {"zh", "cmn"}, {"zh-cn", "cmn"}, {"zh-hans", "cmn"}, {"zh-hk", "yue"}, {"no", "nb"}};
  const auto found = aliases.find(tag);
  return found == aliases.end() ? std::string() : found->second;
}

}  // namespace

bool espeak_voice_exists(const std::string& voice) {
  EspeakState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  return voice_exists_locked(s, voice);
}

std::string espeak_voice_for_language(std::string_view language) {
  std::string tag(language);
  for (char& c : tag)
    c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EspeakState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  const auto known = s.voice_for_language.find(tag);
  if (known != s.voice_for_language.end()) return known->second;
  const std::string primary = tag.substr(0, tag.find('-'));
  std::string voice;
  if (is_plain_tag(tag)) {
    for (const std::string& candidate : {tag, alias(tag), primary, alias(primary)}) {
      if (!candidate.empty() && voice_exists_locked(s, candidate)) {
        voice = candidate;
        break;
      }
    }
  }
  s.voice_for_language.emplace(tag, voice);
  return voice;
}

std::vector<EspeakClause> espeak_phonemize(std::string_view text, const std::string& voice) {
  EspeakState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (!load_voice_locked(s, voice)) {
    throw IoError("phonemes encoder: espeak-ng cannot load voice '" + voice +
                  "'; list the voices with espeak-ng --voices");
  }
  std::string buffer(text);  // NUL-terminated, as espeak-ng reads it: no NUL inside
  std::replace(buffer.begin(), buffer.end(), '\0', ' ');
  const char* const text_end = buffer.c_str() + buffer.size();
  const char* pointer = buffer.c_str();
  std::vector<EspeakClause> clauses;
  while (pointer != nullptr) {
    const char* const before = pointer;
    const char* phonemes = espeak_TextToPhonemes(reinterpret_cast<const void**>(&pointer),
                                                 espeakCHARS_UTF8, kIpaPhonemes);
    const char* const after = pointer ? pointer : text_end;
    EspeakClause clause;
    clause.phonemes = phonemes ? phonemes : "";
    clause.terminator = clause_terminator(
        std::string_view(before, static_cast<std::size_t>(after - before)), pointer != nullptr);
    clauses.push_back(std::move(clause));
    if (pointer != nullptr && pointer <= before) break;  // no progress: never loop forever
  }
  return clauses;
}

}  // namespace mpibatch::encode::detail
