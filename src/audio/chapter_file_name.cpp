// chapter_file_name(): a chapter's title as a portable file name, UTF-8 letters kept.
#include <cstdint>
#include <cstdio>
#include <string>

#include "mpibatch/audio/audio_book_writer.h"

namespace mpibatch::audio {

namespace {

constexpr std::size_t kMaxSlugBytes = 60;

struct Range {
  char32_t first;
  char32_t last;
};

// NOTE [slug without ICU]: non-ASCII code points are kept unless they fall in one of these
// blocks or points of punctuation, spaces, symbols and controls (the common ones of the
// scripts books are written in). A letter misread as punctuation only costs a '-'; the
// reverse keeps a harmless symbol. ASCII is decided exactly (letters and digits only).
constexpr Range kSeparators[] = {
    {0x0080, 0x00A9},  // C1 controls, NBSP, Latin-1 punctuation and symbols
    {0x00AB, 0x00B4},    {0x00B6, 0x00B9}, {0x00BB, 0x00BF}, {0x00D7, 0x00D7},
    {0x00F7, 0x00F7},    {0x037E, 0x037E},                    // Greek question mark
    {0x0387, 0x0387},    {0x055A, 0x055F}, {0x0589, 0x058A},  // Armenian
    {0x05BE, 0x05BE},    {0x05C0, 0x05C0}, {0x05C3, 0x05C3}, {0x05F3, 0x05F4},  // Hebrew
    {0x060C, 0x060D},    {0x061B, 0x061F}, {0x066A, 0x066D}, {0x06D4, 0x06D4},  // Arabic
    {0x0964, 0x0965},    {0x0970, 0x0970},                                      // Devanagari
    {0x0E4F, 0x0E4F},    {0x0E5A, 0x0E5B},                                      // Thai
    {0x1360, 0x1368},    {0x1680, 0x1680},                                      // Ethiopic, Ogham
    {0x2000, 0x206F},  // spaces, dashes, quotes, ellipsis, zero-width and direction marks
    {0x20A0, 0x20CF},  // currency
    {0x2190, 0x2BFF},  // arrows, math, technical, boxes, shapes, dingbats
    {0x2E00, 0x2E7F},  // supplemental punctuation
    {0x3000, 0x3004},    {0x3008, 0x3020}, {0x3030, 0x3030}, {0x303D, 0x303F},  // CJK punctuation
    {0x30FB, 0x30FB},                       // katakana middle dot
    {0xD800, 0xDFFF},                       // surrogates (not valid in UTF-8)
    {0xE000, 0xF8FF},                       // private use
    {0xFE10, 0xFE1F},    {0xFE30, 0xFE6F},  // vertical, compatibility and small forms
    {0xFEFF, 0xFEFF},                       // byte order mark
    {0xFF01, 0xFF0F},    {0xFF1A, 0xFF20}, {0xFF3B, 0xFF40}, {0xFF5B, 0xFF65},  // fullwidth punct.
    {0xFFF0, 0xFFFF},                                                           // specials
    {0x1F000, 0x1FAFF},   // emoji, pictographs, game symbols
    {0xF0000, 0x10FFFF},  // supplementary private use
};

bool is_separator(char32_t code_point) {
  for (const Range& range : kSeparators) {
    if (code_point >= range.first && code_point <= range.last) return true;
  }
  return false;
}

/// Length of the well-formed UTF-8 sequence at text[pos] and its code point; 0 if malformed.
std::size_t decode_utf8(const std::string& text, std::size_t pos, char32_t& code_point) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  char32_t min = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, code_point = lead & 0x1F, min = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, code_point = lead & 0x0F, min = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, code_point = lead & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (pos + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(i) & 0x3F);
  }
  if (code_point < min || code_point > 0x10FFFF) return 0;  // overlong or out of range
  return length;
}

/// The title lower-cased (ASCII), other characters kept or turned into single '-'.
std::string slug(const std::string& title) {
  std::string out;
  bool pending_dash = false;
  const auto append = [&](const char* bytes, std::size_t length) {
    if (pending_dash && !out.empty()) out += '-';
    pending_dash = false;
    if (out.size() + length > kMaxSlugBytes) return false;  // never cut inside a sequence
    out.append(bytes, length);
    return true;
  };
  for (std::size_t pos = 0; pos < title.size();) {
    const char c = title[pos];
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x80) {
      ++pos;
      const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum) {
        pending_dash = true;
      } else {
        const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        if (!append(&lower, 1)) break;
      }
      continue;
    }
    char32_t code_point = 0;
    const std::size_t length = decode_utf8(title, pos, code_point);
    if (length == 0 || is_separator(code_point)) {
      pending_dash = true;
      pos += length == 0 ? 1 : length;
      continue;
    }
    if (!append(title.data() + pos, length)) break;
    pos += length;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "chapter" : out;
}

}  // namespace

std::string chapter_file_name(const io::ChapterRecord& chapter, const std::string& format) {
  char number[24];
  std::snprintf(number, sizeof number, "%03llu",
                static_cast<unsigned long long>(chapter.index) + 1);
  return std::string(number) + "-" + slug(chapter.title) + "." + format;
}

}  // namespace mpibatch::audio
