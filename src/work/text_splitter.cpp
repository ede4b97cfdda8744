#include "mpibatch/work/text_splitter.h"

#include <algorithm>
#include <array>
#include <iterator>

#include "code_points.h"
#include "icu_breaks.h"
#include "mpibatch/work/utf8.h"
#include "sentence_rules.h"

namespace mpibatch::work {
namespace {

using detail::BreakKind;
using detail::code_point_at;
using detail::code_point_before;
using detail::is_white;
using detail::trim_unicode;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Punctuation after which split_long prefers to cut: Latin, CJK (ideographic and full-width)
// and Arabic commas, semicolons and colons.
constexpr std::array<UChar32, 9> kClauseMarks = {',',    ';',    ':',    0x3001, 0xFF0C,
                                                 0xFF1B, 0xFF1A, 0x060C, 0x061B};

bool is_clause_mark(UChar32 c) {
  return std::find(kClauseMarks.begin(), kClauseMarks.end(), c) != kClauseMarks.end();
}

/// Where split_long may cut one text: line-break opportunities that are also word boundaries
/// (ICU's dictionaries find CJK and Thai words), and grapheme boundaries, found on first use.
class CutPoints {
 public:
  CutPoints(std::string_view text, std::string_view language) : text_(text), language_(language) {
    const auto lines = detail::break_positions(BreakKind::kLine, language, text);
    const auto words = detail::break_positions(BreakKind::kWord, language, text);
    std::set_intersection(lines.begin(), lines.end(), words.begin(), words.end(),
                          std::back_inserter(between_words_));
  }
  const std::vector<std::size_t>& between_words() const { return between_words_; }
  const std::vector<std::size_t>& graphemes() {
    if (graphemes_.empty()) {
      graphemes_ = detail::break_positions(BreakKind::kCharacter, language_, text_);
    }
    return graphemes_;
  }

 private:
  std::string_view text_;
  std::string_view language_;
  std::vector<std::size_t> between_words_;
  std::vector<std::size_t> graphemes_;
};

/// The last of the sorted `positions` in (low, high], or 0.
std::size_t last_in(const std::vector<std::size_t>& positions, std::size_t low, std::size_t high) {
  const auto it = std::upper_bound(positions.begin(), positions.end(), high);
  return it != positions.begin() && *(it - 1) > low ? *(it - 1) : 0;
}

/// The first byte at or after `at` that is not white space.
std::size_t skip_white(std::string_view text, std::size_t at) {
  for (std::size_t next = 0; at < text.size() && is_white(code_point_at(text, at, &next));) {
    at = next;
  }
  return at;
}

/// Where the piece of `text` starting at `start` ends, given that its first `fit` bytes hold
/// max_chars code points and more text follows.
std::size_t choose_cut(std::string_view text, std::size_t start, std::size_t fit,
                       std::size_t max_chars, CutPoints& cuts) {
  const std::size_t limit = skip_white(text, fit);  // trimmed off, so it may come along
  const auto& between = cuts.between_words();
  const auto low = std::upper_bound(between.begin(), between.end(), start);
  const auto high = std::upper_bound(between.begin(), between.end(), limit);
  for (auto it = high; it != low;) {  // clause punctuation in the second half of the window
    const std::size_t at = *--it;
    const std::string_view piece = trim_unicode(text.substr(start, at - start));
    if (2 * count_code_points(piece) < max_chars) break;
    if (!piece.empty() && is_clause_mark(code_point_before(piece, piece.size()))) return at;
  }
  if (high != low) return *(high - 1);
  const std::size_t grapheme = last_in(cuts.graphemes(), start, fit);
  return grapheme != 0 ? grapheme : fit;  // a grapheme cluster longer than max_chars
}

/// split_long() as views into `text`.
std::vector<std::string_view> long_pieces(std::string_view text, std::size_t max_chars,
                                          std::string_view language) {
  std::vector<std::string_view> pieces;
  text = trim_unicode(text);
  max_chars = std::max<std::size_t>(max_chars, 1);
  if (count_code_points(text) <= max_chars) {
    if (!text.empty()) pieces.push_back(text);
    return pieces;
  }
  CutPoints cuts(text, language);
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t fit = start + prefix_bytes(text.substr(start), max_chars);
    const std::size_t cut =
        fit == text.size() ? fit : choose_cut(text, start, fit, max_chars, cuts);
    const std::string_view piece = trim_unicode(text.substr(start, cut - start));
    if (!piece.empty()) pieces.push_back(piece);
    start = skip_white(text, cut);
  }
  return pieces;
}

}  // namespace

std::vector<std::string> split_paragraphs(std::string_view text) {
  std::vector<std::string> paragraphs;
  std::string current;
  auto flush = [&] {
    while (!current.empty() && current.back() == ' ') current.pop_back();
    if (!current.empty()) paragraphs.push_back(std::move(current));
    current.clear();
  };
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    const std::string_view line = trim(text.substr(pos, eol - pos));
    if (line.empty()) {
      flush();
    } else {
      for (char c : line) {
        if (is_space(c)) {
          if (!current.empty() && current.back() != ' ') current.push_back(' ');
        } else {
          current.push_back(c);
        }
      }
      current.push_back(' ');
    }
    pos = eol + 1;
  }
  flush();
  return paragraphs;
}

std::vector<std::string> split_sentences(std::string_view paragraph, std::string_view language) {
  const std::vector<std::string_view> spans = detail::sentence_spans(paragraph, language);
  return {spans.begin(), spans.end()};
}

std::vector<std::string> split_long(std::string_view text, std::size_t max_chars,
                                    std::string_view language) {
  const std::vector<std::string_view> spans = long_pieces(text, max_chars, language);
  return {spans.begin(), spans.end()};
}

std::vector<std::string> split_text(std::string_view text, const SplitOptions& options,
                                    std::string_view language) {
  std::vector<std::string> items;
  for (const std::string& paragraph : split_paragraphs(text)) {
    std::vector<std::string_view> pieces;  // views into paragraph, in order
    for (std::string_view sentence : detail::sentence_spans(paragraph, language)) {
      for (std::string_view piece : long_pieces(sentence, options.max_chars, language)) {
        pieces.push_back(piece);
      }
    }
    if (options.mode == SplitMode::kSentence) {
      items.insert(items.end(), pieces.begin(), pieces.end());
      continue;
    }
    // Paragraph mode: pack consecutive pieces, with the paragraph's own text between them
    // (a space, or nothing between CJK sentences), while that fits.
    const char* packed_begin = nullptr;
    const char* packed_end = nullptr;
    std::size_t packed_chars = 0;
    for (std::string_view piece : pieces) {
      const char* piece_end = piece.data() + piece.size();
      if (packed_begin) {
        const std::size_t chars =
            count_code_points(std::string_view(packed_end, piece_end - packed_end));
        if (packed_chars + chars <= options.max_chars) {
          packed_end = piece_end;
          packed_chars += chars;
          continue;
        }
        items.emplace_back(packed_begin, packed_end);
      }
      packed_begin = piece.data();
      packed_end = piece_end;
      packed_chars = count_code_points(piece);
    }
    if (packed_begin) items.emplace_back(packed_begin, packed_end);
  }
  return items;
}

std::vector<WorkItem> split_book(const Book& book, const SplitOptions& options) {
  std::vector<WorkItem> items;
  for (const Chapter& chapter : book.chapters) {
    std::uint32_t index = 0;
    for (std::string& text : split_text(chapter.text, options, chapter.language)) {
      WorkItem item;
      item.id = items.size();
      item.chapter = chapter.index;
      item.index = index++;
      item.chars = static_cast<std::uint32_t>(count_code_points(text));
      item.text = std::move(text);
      item.language = chapter.language;
      items.push_back(std::move(item));
    }
  }
  return items;
}

}  // namespace mpibatch::work
