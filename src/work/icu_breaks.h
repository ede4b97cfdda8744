#pragma once
/// \file ICU break iterators per language, cached, as plain lists of byte offsets.

#include <unicode/locid.h>

#include <cstddef>
#include <string_view>
#include <vector>

namespace mpibatch::work::detail {

enum class BreakKind {
  kSentence,   ///< sentence boundaries (UAX #29), no abbreviation handling
  kLine,       ///< line-break opportunities (UAX #14; dictionaries for Thai-like scripts)
  kWord,       ///< word boundaries (dictionaries for CJK and Thai-like scripts)
  kCharacter,  ///< grapheme cluster boundaries
};

/// ICU locale for a BCP 47 tag: empty gives "en"; a malformed tag gives the root locale; an
/// unknown language ("xx") keeps its name and gets ICU's root rules.
icu::Locale locale_for(std::string_view language);

/// Byte offsets of the `kind` boundaries of UTF-8 `text` after its start, ascending; the last
/// is text.size() unless text is empty. Invalid UTF-8 is read as U+FFFD, never crashes.
/// Thread-safe: each thread clones its iterators from prototypes shared under a mutex.
std::vector<std::size_t> break_positions(BreakKind kind, std::string_view language,
                                         std::string_view text);

}  // namespace mpibatch::work::detail
