#pragma once
/// \file Unicode helpers shared by the chars and phonemes encoders (ICU underneath).

#include <string>
#include <string_view>
#include <vector>

namespace mpibatch::encode::detail {

/// Code points of UTF-8 `text`; invalid sequences become U+FFFD.
std::u32string utf8_to_code_points(std::string_view text);
/// True if `text` is valid UTF-8 (no NUL bytes allowed either).
bool is_valid_utf8(std::string_view text);
std::string code_points_to_utf8(std::u32string_view code_points);
std::string code_point_to_utf8(char32_t code_point);

/// NFC, NFD and NFKD of a code point string.
std::u32string nfc(std::u32string_view text);
std::u32string nfd(std::u32string_view text);
std::u32string nfkd(std::u32string_view text);

/// `text` without nonspacing and enclosing marks (Mn, Me): NFKD("é") minus marks is "e".
/// Spacing marks (Mc, e.g. Devanagari vowel signs) are kept: they are letters' parts.
std::u32string without_combining_marks(std::u32string_view text);

/// Simple (single code point) lower-case mapping and case folding.
char32_t lower_case(char32_t c);
char32_t fold_case(char32_t c);
bool is_white_space(char32_t c);

/// Grapheme cluster boundaries of `text`: offsets 0 = b0 < b1 < ... < bn = size.
std::vector<std::size_t> grapheme_boundaries(std::u32string_view text);

/// Shows `c` in messages: the character itself, or U+XXXX when it is invisible.
std::string describe_code_point(char32_t c);

}  // namespace mpibatch::encode::detail
