#include "mpibatch/work/text_splitter.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "mpibatch/work/utf8.h"

namespace mpibatch::work {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool is_lower_ascii(char c) { return c >= 'a' && c <= 'z'; }

template <std::size_t N>
bool starts_with_any(std::string_view text, std::size_t at,
                     const std::array<std::string_view, N>& options, std::size_t* length) {
  for (std::string_view option : options) {
    if (text.substr(at, option.size()) == option) {
      *length = option.size();
      return true;
    }
  }
  return false;
}

// Terminators that need a following space, and those (CJK full-width) that do not.
constexpr std::array<std::string_view, 4> kSpacedEnds = {".", "!", "?", "\u2026"};
constexpr std::array<std::string_view, 3> kCjkEnds = {"\u3002", "\uFF01", "\uFF1F"};
constexpr std::array<std::string_view, 10> kClosers = {
    "\"", "'", ")", "]", "\u201D", "\u2019", "\u00BB", "\u300D", "\u300F", "\uFF09"};
constexpr std::array<std::string_view, 6> kClauseMarks = {",",      ";",      ":",
                                                          "\u3001", "\uFF0C", "\uFF1B"};
constexpr std::array<std::string_view, 16> kAbbreviations = {
    "mr", "mrs", "ms",  "dr",  "prof", "st", "jr",  "sr",
    "vs", "etc", "e.g", "i.e", "cf",   "no", "fig", "mt"};

/// The word ending just before `dot` (after the last space), lower-cased ASCII.
std::string word_before(std::string_view text, std::size_t dot) {
  std::size_t start = text.rfind(' ', dot == 0 ? 0 : dot - 1);
  start = start == std::string_view::npos ? 0 : start + 1;
  std::string word(text.substr(start, dot - start));
  while (!word.empty() && (word.front() == '(' || word.front() == '"' || word.front() == '\''))
    word.erase(word.begin());
  for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return word;
}

bool is_abbreviation(std::string_view text, std::size_t dot) {
  const std::string word = word_before(text, dot);
  if (word.size() == 1 && std::isalpha(static_cast<unsigned char>(word[0]))) return true;  // "J."
  return std::find(kAbbreviations.begin(), kAbbreviations.end(), word) != kAbbreviations.end();
}

/// End offset (exclusive) of the sentence whose terminator starts at `at`, or npos if the
/// terminator does not end a sentence.
std::size_t sentence_end(std::string_view text, std::size_t at) {
  std::size_t len = 0;
  const bool cjk = starts_with_any(text, at, kCjkEnds, &len);
  if (!cjk && !starts_with_any(text, at, kSpacedEnds, &len)) return std::string_view::npos;
  const bool full_stop = text[at] == '.';
  std::size_t end = at + len;
  // A run of terminators ("?!", "...") then closing quotes or brackets.
  while (end < text.size() && (starts_with_any(text, end, kSpacedEnds, &len) ||
                               starts_with_any(text, end, kCjkEnds, &len) ||
                               starts_with_any(text, end, kClosers, &len))) {
    end += len;
  }
  if (cjk) return end;
  if (end < text.size() && text[end] != ' ') return std::string_view::npos;  // "3.14", "a.b"
  if (end + 1 < text.size() && is_lower_ascii(text[end + 1])) return std::string_view::npos;
  if (full_stop && end == at + 1 && is_abbreviation(text, at)) return std::string_view::npos;
  return end;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

/// Byte offset just after the last occurrence of any of `marks` within text[0, limit), or 0.
std::size_t after_last_mark(std::string_view text, std::size_t limit) {
  std::size_t best = 0;
  for (std::size_t i = 0; i < limit; ++i) {
    std::size_t len = 0;
    if (starts_with_any(text, i, kClauseMarks, &len) && i + len <= limit) best = i + len;
  }
  return best;
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

std::vector<std::string> split_sentences(std::string_view paragraph) {
  std::vector<std::string> sentences;
  std::size_t start = 0;
  for (std::size_t i = 0; i < paragraph.size(); ++i) {
    const std::size_t end = sentence_end(paragraph, i);
    if (end == std::string_view::npos) continue;
    const std::string_view sentence = trim(paragraph.substr(start, end - start));
    if (!sentence.empty()) sentences.emplace_back(sentence);
    start = end;
    i = end - 1;
  }
  const std::string_view rest = trim(paragraph.substr(std::min(start, paragraph.size())));
  if (!rest.empty()) sentences.emplace_back(rest);
  return sentences;
}

std::vector<std::string> split_long(std::string_view text, std::size_t max_chars) {
  std::vector<std::string> pieces;
  text = trim(text);
  max_chars = std::max<std::size_t>(max_chars, 1);
  while (!text.empty()) {
    const std::size_t fit = prefix_bytes(text, max_chars);
    if (fit == text.size()) {
      pieces.emplace_back(text);
      break;
    }
    std::size_t cut = text.substr(0, fit + 1).rfind(' ');  // a space right after the fit is fine
    if (cut == std::string_view::npos || cut == 0) cut = after_last_mark(text, fit);
    if (cut == 0) cut = fit;
    pieces.emplace_back(trim(text.substr(0, cut)));
    text = trim(text.substr(cut));
  }
  return pieces;
}

std::vector<std::string> split_text(std::string_view text, const SplitOptions& options) {
  std::vector<std::string> items;
  for (const std::string& paragraph : split_paragraphs(text)) {
    std::vector<std::string> pieces;
    for (const std::string& sentence : split_sentences(paragraph)) {
      for (std::string& piece : split_long(sentence, options.max_chars)) {
        pieces.push_back(std::move(piece));
      }
    }
    if (options.mode == SplitMode::kSentence) {
      for (auto& piece : pieces) items.push_back(std::move(piece));
      continue;
    }
    // Paragraph mode: pack consecutive pieces while the joined text fits.
    std::string packed;
    std::size_t packed_chars = 0;
    for (const std::string& piece : pieces) {
      const std::size_t chars = count_code_points(piece);
      if (!packed.empty() && packed_chars + 1 + chars <= options.max_chars) {
        packed += ' ';
        packed += piece;
        packed_chars += 1 + chars;
        continue;
      }
      if (!packed.empty()) items.push_back(std::move(packed));
      packed = piece;
      packed_chars = chars;
    }
    if (!packed.empty()) items.push_back(std::move(packed));
  }
  return items;
}

std::vector<WorkItem> split_book(const Book& book, const SplitOptions& options) {
  std::vector<WorkItem> items;
  for (const Chapter& chapter : book.chapters) {
    std::uint32_t index = 0;
    for (std::string& text : split_text(chapter.text, options)) {
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
