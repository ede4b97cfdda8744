#include "markdown_syntax.h"

#include <cctype>

namespace mpibatch::io::markdown {
namespace {

bool is_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || (c & 0x80) != 0;
}
bool is_blank(char c) { return c == ' ' || c == '\t'; }

/// Longest inline HTML tag we strip; longer "<...>" spans are prose.
constexpr std::size_t kMaxTagLength = 256;

/// For every position, the index of the next `c` at or after it (npos if none): O(n).
std::vector<std::size_t> next_of(std::string_view line, char c) {
  std::vector<std::size_t> next(line.size() + 1, std::string_view::npos);
  for (std::size_t i = line.size(); i-- > 0;) next[i] = line[i] == c ? i : next[i + 1];
  return next;
}

/// Index of the ')' closing the '(' at `open`, counting nested pairs ("a_(b)"), or npos.
std::size_t closing_paren(std::string_view line, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < line.size(); ++i) {
    if (line[i] == '(') ++depth;
    if (line[i] == ')' && --depth == 0) return i;
  }
  return std::string_view::npos;
}

}  // namespace

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    pos = eol + 1;
  }
  return lines;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

int heading_level(std::string_view line, std::string* title) {
  std::size_t i = 0;
  while (i < line.size() && i < 3 && line[i] == ' ') ++i;
  std::size_t hashes = 0;
  while (i + hashes < line.size() && line[i + hashes] == '#') ++hashes;
  if (hashes == 0 || hashes > 6) return 0;
  const std::size_t after = i + hashes;
  if (after < line.size() && !is_blank(line[after])) return 0;
  if (title != nullptr) {
    std::string_view text = trim(line.substr(after));
    // A closing sequence of #s preceded by a space is not part of the title.
    std::size_t end = text.size();
    while (end > 0 && text[end - 1] == '#') --end;
    if (end == 0 || is_blank(text[end - 1])) text = trim(text.substr(0, end));
    *title = strip_inline(text);
  }
  return static_cast<int>(hashes);
}

bool FenceTracker::in_code(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && i < 3 && line[i] == ' ') ++i;
  const char c = i < line.size() ? line[i] : '\0';
  std::size_t run = 0;
  if (c == '`' || c == '~') {
    while (i + run < line.size() && line[i + run] == c) ++run;
  }
  if (marker_ == 0) {
    if (run >= 3) {
      marker_ = c;
      length_ = run;
      return true;
    }
    return false;
  }
  if (c == marker_ && run >= length_ && trim(line.substr(i + run)).empty()) marker_ = 0;
  return true;
}

std::string strip_inline(std::string_view line) {
  const std::vector<std::size_t> next_bracket = next_of(line, ']');
  const std::vector<std::size_t> next_angle = next_of(line, '>');
  const std::vector<std::size_t> next_open_angle = next_of(line, '<');
  std::string out;
  out.reserve(line.size());
  std::size_t i = 0;
  while (i < line.size()) {
    const char c = line[i];
    // [text](target) and ![alt](target): keep the text.
    const bool image = c == '!' && i + 1 < line.size() && line[i + 1] == '[';
    if (c == '[' || image) {
      const std::size_t open = image ? i + 1 : i;
      const std::size_t close = next_bracket[open];
      if (close != std::string_view::npos && close + 1 < line.size() && line[close + 1] == '(') {
        const std::size_t end = closing_paren(line, close + 1);
        if (end != std::string_view::npos) {
          out += strip_inline(line.substr(open + 1, close - open - 1));
          i = end + 1;
          continue;
        }
      }
    }
    // <tag ...>, </tag>, <!-- comment -->: dropped when short and well formed.
    if (c == '<' && i + 1 < line.size() &&
        (std::isalpha(static_cast<unsigned char>(line[i + 1])) || line[i + 1] == '/' ||
         line[i + 1] == '!')) {
      const std::size_t end = next_angle[i + 1];
      if (end != std::string_view::npos && end - i <= kMaxTagLength &&
          next_open_angle[i + 1] > end) {
        i = end + 1;
        continue;
      }
    }
    if (c == '`') {  // code spans keep their text
      ++i;
      continue;
    }
    // Emphasis markers at word edges; "snake_case" and "2 * 3" keep theirs.
    if (c == '*' || c == '_') {
      std::size_t run = 1;
      while (i + run < line.size() && line[i + run] == c) ++run;
      const bool before = i > 0 && !is_blank(line[i - 1]);
      const bool after = i + run < line.size() && !is_blank(line[i + run]);
      const bool intraword = c == '_' && i > 0 && is_alnum(line[i - 1]) && i + run < line.size() &&
                             is_alnum(line[i + run]);
      if ((before || after) && !intraword) {
        i += run;
        continue;
      }
    }
    out += c;
    ++i;
  }
  return out;
}

}  // namespace mpibatch::io::markdown
