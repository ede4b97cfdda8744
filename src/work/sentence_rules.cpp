#include "sentence_rules.h"

#include <unicode/uchar.h>
#include <unicode/udata.h>
#include <unicode/unistr.h>
#include <unicode/ures.h>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "code_points.h"
#include "icu_breaks.h"
#include "mpibatch/work/utf8.h"

namespace mpibatch::work::detail {
namespace {

/// What decides, beyond ICU's rules, that a full stop does not end a sentence.
struct LanguageRules {
  std::unordered_set<std::string> abbreviations;  ///< "Mr.", "z. B.", "до н. э."
  std::size_t longest = 0;                        ///< bytes of the longest abbreviation
  bool ordinal_dot = false;                       ///< "am 3. Oktober": 1-3 digits + "." ordinal
  bool pronoun_i = false;                         ///< English "I." is a word, not an initial
};

// Languages that write ordinal numbers as digits and a full stop.
constexpr std::array<std::string_view, 18> kOrdinalDotLanguages = {
    "de", "da", "nb", "nn", "no", "fi", "is", "fo", "cs",
    "sk", "sl", "hr", "bs", "sr", "hu", "et", "lv", "tr"};

// Common English abbreviations missing from ICU 72's list (which has Mr., Mrs., Prof., ...).
constexpr std::array<std::string_view, 13> kEnglishExtras = {"Dr.",  "Drs.", "St.",  "Jr.",  "Sr.",
                                                             "Gen.", "Gov.", "Sen.", "e.g.", "i.e.",
                                                             "cf.",  "Fig.", "Vol."};

struct BundleCloser {
  void operator()(UResourceBundle* bundle) const { ures_close(bundle); }
};
using Bundle = std::unique_ptr<UResourceBundle, BundleCloser>;

/// ICU's sentence-break exceptions (the data behind the "ss=standard" keyword) for `locale`,
/// looked up along its fallback chain (de_CH, then de); empty where ICU has none.
std::vector<std::string> icu_abbreviations(std::string name) {
  name = name.substr(0, name.find('@'));
  while (!name.empty()) {
    UErrorCode status = U_ZERO_ERROR;
    const Bundle bundle(
        ures_openDirect(U_ICUDATA_NAME U_TREE_SEPARATOR_STRING "brkitr", name.c_str(), &status));
    const Bundle exceptions(ures_getByKey(bundle.get(), "exceptions", nullptr, &status));
    const Bundle sentence(ures_getByKey(exceptions.get(), "SentenceBreak", nullptr, &status));
    if (U_SUCCESS(status)) {
      std::vector<std::string> words;
      for (int32_t i = 0; i < ures_getSize(sentence.get()); ++i) {
        int32_t length = 0;
        UErrorCode item_status = U_ZERO_ERROR;
        const UChar* chars = ures_getStringByIndex(sentence.get(), i, &length, &item_status);
        if (U_FAILURE(item_status)) continue;
        std::string word;
        icu::UnicodeString(chars, length).toUTF8String(word);
        words.push_back(std::move(word));
      }
      return words;
    }
    const std::size_t underscore = name.rfind('_');
    name = underscore == std::string::npos ? std::string() : name.substr(0, underscore);
  }
  return {};
}

std::unique_ptr<const LanguageRules> load_rules(const icu::Locale& locale) {
  auto rules = std::make_unique<LanguageRules>();
  const std::string_view language = locale.getLanguage();
  for (std::string& word : icu_abbreviations(locale.getName())) {
    if (language == "en" && word == "I.") continue;  // the pronoun, see pronoun_i
    rules->abbreviations.insert(std::move(word));
  }
  if (language == "en") {
    for (std::string_view word : kEnglishExtras) rules->abbreviations.emplace(word);
    rules->pronoun_i = true;
  }
  rules->ordinal_dot = std::find(kOrdinalDotLanguages.begin(), kOrdinalDotLanguages.end(),
                                 language) != kOrdinalDotLanguages.end();
  for (const std::string& word : rules->abbreviations) {
    rules->longest = std::max(rules->longest, word.size());
  }
  return rules;
}

/// The rules for a language tag, loaded once per locale and shared by all threads.
const LanguageRules& rules_for(std::string_view language) {
  thread_local std::unordered_map<std::string, const LanguageRules*> mine;
  const LanguageRules*& cached = mine[std::string(language)];
  if (cached) return *cached;
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<const LanguageRules>> shared;
  const icu::Locale locale = locale_for(language);
  const std::lock_guard<std::mutex> lock(mutex);
  std::unique_ptr<const LanguageRules>& rules = shared[locale.getName()];
  if (!rules) rules = load_rules(locale);
  cached = rules.get();
  return *cached;
}

/// True where a word may start at byte `at`: the text start or after a non-alphanumeric.
bool word_starts_at(std::string_view text, std::size_t at) {
  return at == 0 || !u_isalnum(code_point_before(text, at));
}

bool ends_with_abbreviation(std::string_view text, const LanguageRules& rules) {
  const std::size_t lowest = text.size() > rules.longest ? text.size() - rules.longest : 0;
  for (std::size_t start = text.size() - 1; start-- > lowest;) {
    if (is_continuation_byte(text[start]) || !word_starts_at(text, start)) continue;
    if (rules.abbreviations.count(std::string(text.substr(start))) != 0) return true;
  }
  return false;
}

/// "J." in "J. R. R. Tolkien": one upper-case letter of any script as a word.
bool ends_with_initial(std::string_view text, const LanguageRules& rules) {
  if (text.size() < 2) return false;
  std::size_t start = 0;
  const UChar32 letter = code_point_before(text, text.size() - 1, &start);
  if (letter < 0 || !u_isupper(letter) || !word_starts_at(text, start)) return false;
  return !(rules.pronoun_i && letter == 'I');
}

/// "3." in "am 3. Oktober": 1 to 3 digits as a word, not the end of "1.5" or "1,5".
bool ends_with_ordinal(std::string_view text) {
  std::size_t start = text.size() - 1;  // the full stop
  while (start > 0 && text[start - 1] >= '0' && text[start - 1] <= '9') --start;
  const std::size_t digits = text.size() - 1 - start;
  if (digits == 0 || digits > 3) return false;
  if (start == 0) return true;
  const UChar32 c = code_point_before(text, start);
  return !u_isalnum(c) && c != '.' && c != ',';
}

/// True where ICU's break at the end of `before` follows a full stop that ends no sentence.
bool suppressed(std::string_view before, const LanguageRules& rules) {
  while (!before.empty() && is_white(code_point_before(before, before.size()))) {
    std::size_t start = 0;
    code_point_before(before, before.size(), &start);
    before = before.substr(0, start);
  }
  if (before.empty() || before.back() != '.') return false;
  return ends_with_abbreviation(before, rules) || ends_with_initial(before, rules) ||
         (rules.ordinal_dot && ends_with_ordinal(before));
}

bool is_opening(UChar32 c) { return c >= 0 && u_charType(c) == U_START_PUNCTUATION; }
bool is_closing(UChar32 c) {
  return c >= 0 && (u_charType(c) == U_END_PUNCTUATION || u_charType(c) == U_FINAL_PUNCTUATION);
}

/// The break at `at` moved off opening brackets it follows ("。「") or closing quotes it
/// precedes ("? »"), staying within (previous, next).
std::size_t adjusted(std::string_view text, std::size_t previous, std::size_t at,
                     std::size_t next) {
  const std::size_t original = at;
  std::size_t start = 0;
  while (at > previous && is_opening(code_point_before(text, at, &start))) at = start;
  if (at != original) return at;
  std::size_t end = 0;
  while (at < next && is_closing(code_point_at(text, at, &end))) at = end;
  return at;
}

/// True where the text from `at` starts, after white space, with a lower-case letter.
bool continues_lower_case(std::string_view text, std::size_t at) {
  while (at < text.size()) {
    std::size_t end = 0;
    const UChar32 c = code_point_at(text, at, &end);
    if (!is_white(c)) return c >= 0 && u_islower(c);
    at = end;
  }
  return false;
}

}  // namespace

// NOTE [sentence rules] in text_splitter.h describes these fixes.
std::vector<std::string_view> sentence_spans(std::string_view paragraph,
                                             std::string_view language) {
  const std::vector<std::size_t> breaks =
      break_positions(BreakKind::kSentence, language, paragraph);
  const LanguageRules& rules = rules_for(language);
  std::vector<std::string_view> sentences;
  std::size_t previous = 0;
  auto emit = [&](std::size_t at) {
    const std::string_view sentence = trim_unicode(paragraph.substr(previous, at - previous));
    if (!sentence.empty()) sentences.push_back(sentence);
    previous = at;
  };
  for (std::size_t i = 0; i + 1 < breaks.size(); ++i) {
    if (suppressed(paragraph.substr(0, breaks[i]), rules)) continue;
    const std::size_t at = adjusted(paragraph, previous, breaks[i], breaks[i + 1]);
    if (at <= previous || continues_lower_case(paragraph, at)) continue;
    emit(at);
  }
  emit(paragraph.size());
  return sentences;
}

}  // namespace mpibatch::work::detail
