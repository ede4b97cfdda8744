/// \file Unicode helpers over ICU (normalization, case mapping, grapheme clusters).

#include "encoder_unicode.h"

#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

namespace mpibatch::encode::detail {
namespace {

icu::UnicodeString to_icu(std::u32string_view text) {
  return icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(text.data()),
                                       static_cast<int32_t>(text.size()));
}

std::u32string from_icu(const icu::UnicodeString& text) {
  std::u32string out;
  out.reserve(static_cast<std::size_t>(text.length()));
  for (int32_t i = 0; i < text.length(); i = text.moveIndex32(i, 1)) {
    out.push_back(static_cast<char32_t>(text.char32At(i)));
  }
  return out;
}

using Instance = const icu::Normalizer2* (*)(UErrorCode&);

std::u32string normalize(std::u32string_view text, Instance instance) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = instance(status);
  icu::UnicodeString result;
  if (U_SUCCESS(status)) result = normalizer->normalize(to_icu(text), status);
  if (U_FAILURE(status)) {
    throw std::runtime_error(std::string("ICU normalization failed: ") + u_errorName(status));
  }
  return from_icu(result);
}

}  // namespace

std::u32string utf8_to_code_points(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    out.push_back(c < 0 ? U'\uFFFD' : static_cast<char32_t>(c));
  }
  return out;
}

bool is_valid_utf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c <= 0) return false;
  }
  return true;
}

std::string code_points_to_utf8(std::u32string_view code_points) {
  std::string out;
  to_icu(code_points).toUTF8String(out);
  return out;
}

std::string code_point_to_utf8(char32_t code_point) {
  return code_points_to_utf8(std::u32string_view(&code_point, 1));
}

std::u32string nfc(std::u32string_view text) {
  return normalize(text, &icu::Normalizer2::getNFCInstance);
}
std::u32string nfd(std::u32string_view text) {
  return normalize(text, &icu::Normalizer2::getNFDInstance);
}
std::u32string nfkd(std::u32string_view text) {
  return normalize(text, &icu::Normalizer2::getNFKDInstance);
}

std::u32string without_combining_marks(std::u32string_view text) {
  std::u32string out;
  for (char32_t c : text) {
    const auto type = u_charType(static_cast<UChar32>(c));
    if (type != U_NON_SPACING_MARK && type != U_ENCLOSING_MARK) out.push_back(c);
  }
  return out;
}

char32_t lower_case(char32_t c) {
  return static_cast<char32_t>(u_tolower(static_cast<UChar32>(c)));
}
char32_t fold_case(char32_t c) {
  return static_cast<char32_t>(u_foldCase(static_cast<UChar32>(c), U_FOLD_CASE_DEFAULT));
}
bool is_white_space(char32_t c) { return u_isUWhiteSpace(static_cast<UChar32>(c)) != 0; }

std::vector<std::size_t> grapheme_boundaries(std::u32string_view text) {
  // One character break iterator per thread: creating one costs far more than using it.
  thread_local std::unique_ptr<icu::BreakIterator> iterator = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> made(
        icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status)) {
      throw std::runtime_error(std::string("ICU break iterator failed: ") + u_errorName(status));
    }
    return made;
  }();
  const icu::UnicodeString utf16 = to_icu(text);
  iterator->setText(utf16);
  // UTF-16 offsets -> code point offsets.
  std::vector<std::size_t> boundaries;
  std::size_t code_points = 0;
  int32_t utf16_pos = 0;
  for (int32_t b = iterator->first(); b != icu::BreakIterator::DONE; b = iterator->next()) {
    code_points += static_cast<std::size_t>(utf16.countChar32(utf16_pos, b - utf16_pos));
    utf16_pos = b;
    boundaries.push_back(code_points);
  }
  if (boundaries.empty()) boundaries.push_back(0);
  return boundaries;
}

std::string describe_code_point(char32_t c) {
  if (u_isgraph(static_cast<UChar32>(c))) return "'" + code_point_to_utf8(c) + "'";
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "U+%04X", static_cast<unsigned>(c));
  return buffer;
}

}  // namespace mpibatch::encode::detail
