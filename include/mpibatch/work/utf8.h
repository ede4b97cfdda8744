#pragma once
/// \file Minimal UTF-8 helpers for counting and cutting text without splitting a code point.

#include <cstddef>
#include <optional>
#include <string_view>

namespace mpibatch::work {

/// Offset of the first byte that is not part of valid UTF-8, or nullopt if all is valid.
std::optional<std::size_t> first_invalid_utf8(std::string_view text);

/// Number of code points in valid UTF-8 text.
std::size_t count_code_points(std::string_view text);

/// Byte length of the longest prefix of `text` holding at most `max_code_points` code points.
std::size_t prefix_bytes(std::string_view text, std::size_t max_code_points);

/// True for a UTF-8 continuation byte (10xxxxxx).
inline bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace mpibatch::work
