#pragma once
/// \file Stepping through UTF-8 by code point with ICU's macros (safe on ill-formed input).

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mpibatch::work::detail {

/// Code point ending just before byte `at` > 0 (negative where ill-formed); `*start` its offset.
inline UChar32 code_point_before(std::string_view text, std::size_t at,
                                 std::size_t* start = nullptr) {
  auto i = static_cast<int32_t>(at);
  UChar32 c = 0;
  U8_PREV(reinterpret_cast<const uint8_t*>(text.data()), 0, i, c);
  if (start) *start = static_cast<std::size_t>(i);
  return c;
}

/// Code point starting at byte `at` < text.size() (negative where ill-formed); `*end` after it.
inline UChar32 code_point_at(std::string_view text, std::size_t at, std::size_t* end = nullptr) {
  auto i = static_cast<int32_t>(at);
  UChar32 c = 0;
  U8_NEXT(reinterpret_cast<const uint8_t*>(text.data()), i, static_cast<int32_t>(text.size()), c);
  if (end) *end = static_cast<std::size_t>(i);
  return c;
}

/// Unicode White_Space, U+00A0 and U+202F included.
inline bool is_white(UChar32 c) { return c >= 0 && u_isUWhiteSpace(c); }

/// `text` without leading and trailing Unicode white space.
inline std::string_view trim_unicode(std::string_view text) {
  std::size_t cut = 0;
  while (!text.empty() && is_white(code_point_at(text, 0, &cut))) text.remove_prefix(cut);
  while (!text.empty() && is_white(code_point_before(text, text.size(), &cut))) {
    text = text.substr(0, cut);
  }
  return text;
}

}  // namespace mpibatch::work::detail
