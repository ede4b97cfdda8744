// chapter_file_name(): a chapter's title as a portable file name, UTF-8 letters kept.
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "mpibatch/audio/audio_book_writer.h"

namespace mpibatch::audio {

namespace {

constexpr std::size_t kMaxSlugBytes = 60;

/// Letters, marks and digits of any script stay in a file name; everything else (spaces,
/// punctuation, symbols, emoji, controls, ill-formed UTF-8) becomes a separator.
bool is_name_character(UChar32 c) {
  return c >= 0 && (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK)) != 0;
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
    const std::size_t start = pos;
    auto next = static_cast<std::int32_t>(pos);  // titles are far below 2 GiB
    UChar32 code_point = 0;
    U8_NEXT(reinterpret_cast<const std::uint8_t*>(title.data()), next,
            static_cast<std::int32_t>(title.size()), code_point);
    pos = static_cast<std::size_t>(next);
    const std::size_t length = pos - start;
    if (!is_name_character(code_point)) {
      pending_dash = true;
      continue;
    }
    if (!append(title.data() + start, length)) break;
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
