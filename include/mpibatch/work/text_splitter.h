#pragma once
/// \file Splitting chapter text into items: paragraphs, sentences, bounded length.
///
/// NOTE [sentence rules]: sentence boundaries are rule-based and language-light: a sentence
/// ends at . ! ? … (then closing quotes/brackets) followed by a space and not a lower-case
/// letter, except after common abbreviations and single-letter initials; at 。！？ with no
/// space needed. A locale-aware segmenter can replace split_sentences() behind this API.

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

/// Sentences of one collapsed paragraph, trimmed, in order; together they cover it.
std::vector<std::string> split_sentences(std::string_view paragraph);

/// Pieces of at most `max_chars` code points: cut at the last space that fits, else after the
/// last clause punctuation (, ; : 、 ，), else between code points. Words are never cut unless
/// a single word is longer than max_chars.
std::vector<std::string> split_long(std::string_view text, std::size_t max_chars);

/// Item texts for one chapter's text.
std::vector<std::string> split_text(std::string_view text, const SplitOptions& options);

/// Items for a whole book in reading order, ids 0..n-1. Chapters without text get no items.
std::vector<WorkItem> split_book(const Book& book, const SplitOptions& options);

}  // namespace mpibatch::work
