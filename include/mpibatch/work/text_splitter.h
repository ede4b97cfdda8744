#pragma once
/// \file Splitting chapter text into items: paragraphs, sentences, bounded length.
///
/// `language` is a BCP 47 tag ("en", "fr-FR", "zh-Hant"); empty means English, and a tag ICU
/// has no data for ("xx") gets ICU's root rules. All functions are thread-safe; ICU iterators
/// are created once per language and cloned per thread.
///
/// NOTE [sentence rules]: sentences are ICU's sentence boundaries (UAX #29 with the locale's
/// rules: CJK 。！？ need no space, ؟ ends Arabic sentences, "3.14" and "e.g. this" do not
/// break) with these fixes, because ICU 72 gets them wrong or leaves them out:
/// - A full stop does not end a sentence after one of ICU's abbreviations for the language (the
///   list behind the "ss=standard" keyword, plus Dr., St., e.g., ... for English), matched as a
///   whole word: ICU 72 itself matches it as a suffix, so German "sicher. Er" never broke;
///   after an upper-case initial ("J. R. R. Tolkien", English "I." excepted); and in languages
///   with ordinal dots (German "am 3. Oktober", ...) after a number of 1 to 3 digits.
/// - Opening brackets go with the sentence after the break ("。「"), closing quotes with the one
///   before it ("? »" with a space, as French writes it).
/// - A sentence that would start with a lower-case letter continues the one before it
///   ("« Tu viens ? » dit-il.", "\"Stop!\" he said.").
/// "…" ends no sentence (UAX #29). split_long() cuts at ICU line-break opportunities that are
/// also word boundaries, so CJK and Thai words found by ICU's dictionaries stay whole.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mpibatch/work/work_item.h"

namespace mpibatch::work {

enum class SplitMode {
  kSentence,   ///< one item per sentence
  kParagraph,  ///< consecutive sentences of a paragraph packed into items up to max_chars
};

struct SplitOptions {
  SplitMode mode = SplitMode::kSentence;
  std::size_t max_chars = 400;  ///< code points; items never exceed it
};

/// Paragraphs of `text`: blocks separated by blank lines, whitespace runs collapsed to one
/// space, trimmed; empty paragraphs dropped.
std::vector<std::string> split_paragraphs(std::string_view text);

/// Sentences of one collapsed paragraph (NOTE [sentence rules]), trimmed, in order; together
/// they cover it.
std::vector<std::string> split_sentences(std::string_view paragraph,
                                         std::string_view language = {});

/// Pieces of at most `max_chars` code points, trimmed, in order: cut after clause punctuation
/// (, ; : 、 ， ； ： ، ؛) in the second half of the window, else at the last line-break
/// opportunity that fits, else (one word longer than max_chars) between grapheme clusters,
/// else (one cluster longer than max_chars) between code points.
std::vector<std::string> split_long(std::string_view text, std::size_t max_chars,
                                    std::string_view language = {});

/// Item texts for one chapter's text in `language`.
std::vector<std::string> split_text(std::string_view text, const SplitOptions& options,
                                    std::string_view language = {});

/// Items for a whole book in reading order, ids 0..n-1, each chapter split in its language.
/// Chapters without text get no items.
std::vector<WorkItem> split_book(const Book& book, const SplitOptions& options);

}  // namespace mpibatch::work
