#include "icu_breaks.h"

#include <unicode/brkiter.h>
#include <unicode/utext.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "mpibatch/error.h"

namespace mpibatch::work::detail {
namespace {

using IteratorPtr = std::unique_ptr<icu::BreakIterator>;

const char* kind_name(BreakKind kind) {
  switch (kind) {
    case BreakKind::kSentence:
      return "sentence";
    case BreakKind::kLine:
      return "line";
    case BreakKind::kWord:
      return "word";
    case BreakKind::kCharacter:
      return "character";
  }
  return "?";
}

IteratorPtr create_iterator(BreakKind kind, const icu::Locale& locale) {
  UErrorCode status = U_ZERO_ERROR;
  IteratorPtr iterator;
  switch (kind) {
    case BreakKind::kSentence: {
      // Without "ss": ICU 72 matches its abbreviations without a word start (German "sicher."
      // ends in "r.") and so misses real ends; sentence_rules.cpp applies them instead.
      icu::Locale plain(locale);
      plain.setKeywordValue("ss", nullptr, status);
      iterator.reset(icu::BreakIterator::createSentenceInstance(plain, status));
      break;
    }
    case BreakKind::kLine:
      iterator.reset(icu::BreakIterator::createLineInstance(locale, status));
      break;
    case BreakKind::kWord:
      iterator.reset(icu::BreakIterator::createWordInstance(locale, status));
      break;
    case BreakKind::kCharacter:
      iterator.reset(icu::BreakIterator::createCharacterInstance(locale, status));
      break;
  }
  if (U_FAILURE(status) || !iterator) {
    throw Error(std::string("ICU cannot create a ") + kind_name(kind) + " break iterator for '" +
                locale.getName() + "' (" + u_errorName(status) +
                "); check that libicu72 and its data are installed");
  }
  return iterator;
}

/// A clone of the shared prototype for (kind, locale), creating the prototype on first use.
IteratorPtr clone_prototype(BreakKind kind, const icu::Locale& locale) {
  static std::mutex mutex;
  static std::map<std::pair<BreakKind, std::string>, IteratorPtr> prototypes;
  const std::lock_guard<std::mutex> lock(mutex);
  IteratorPtr& prototype = prototypes[{kind, locale.getName()}];
  if (!prototype) prototype = create_iterator(kind, locale);
  IteratorPtr copy(prototype->clone());
  if (!copy)
    throw Error(std::string("ICU cannot clone a break iterator for '") + locale.getName() +
                "': out of memory");
  return copy;
}

/// This thread's iterator for (kind, language tag).
icu::BreakIterator& thread_iterator(BreakKind kind, std::string_view language) {
  thread_local std::unordered_map<std::string, IteratorPtr> mine;
  std::string key(1, static_cast<char>('0' + static_cast<int>(kind)));
  key.append(language);
  IteratorPtr& iterator = mine[key];
  if (!iterator) iterator = clone_prototype(kind, locale_for(language));
  return *iterator;
}

/// UTF-8 bytes seen through a UText, closed on destruction.
class Utf8Text {
 public:
  explicit Utf8Text(std::string_view text) {
    UErrorCode status = U_ZERO_ERROR;
    utext_openUTF8(&text_, text.data(), static_cast<int64_t>(text.size()), &status);
    if (U_FAILURE(status))
      throw Error(std::string("ICU cannot open UTF-8 text: ") + u_errorName(status));
  }
  ~Utf8Text() { utext_close(&text_); }
  Utf8Text(const Utf8Text&) = delete;
  Utf8Text& operator=(const Utf8Text&) = delete;
  UText* get() { return &text_; }

 private:
  UText text_ = UTEXT_INITIALIZER;
};

}  // namespace

icu::Locale locale_for(std::string_view language) {
  if (language.empty()) return icu::Locale::getEnglish();
  UErrorCode status = U_ZERO_ERROR;
  std::string tag(language);
  std::replace(tag.begin(), tag.end(), '_', '-');  // "en_US", as some EPUBs write it
  icu::Locale locale = icu::Locale::forLanguageTag(tag, status);
  if (U_FAILURE(status) || locale.isBogus()) return icu::Locale::getRoot();
  return locale;
}

std::vector<std::size_t> break_positions(BreakKind kind, std::string_view language,
                                         std::string_view text) {
  std::vector<std::size_t> positions;
  if (text.empty()) return positions;
  icu::BreakIterator& iterator = thread_iterator(kind, language);
  Utf8Text utext(text);
  UErrorCode status = U_ZERO_ERROR;
  iterator.setText(utext.get(), status);
  if (U_FAILURE(status))
    throw Error(std::string("ICU cannot segment text: ") + u_errorName(status));
  for (int32_t at = iterator.next(); at != icu::BreakIterator::DONE; at = iterator.next()) {
    if (at > 0) positions.push_back(static_cast<std::size_t>(at));
  }
  if (positions.empty() || positions.back() != text.size()) positions.push_back(text.size());
  // The iterator keeps a shallow clone of utext; point it at nothing before the bytes go.
  iterator.setText(icu::UnicodeString());
  return positions;
}

}  // namespace mpibatch::work::detail
