#include <string>

#include "markdown_syntax.h"
#include "mpibatch/io/book_reader.h"

namespace mpibatch::io {
namespace {

using markdown::trim;

/// "---", "***", "_ _ _": a thematic break.
bool is_rule(std::string_view line) {
  const char c = line.empty() ? '\0' : line.front();
  if (c != '-' && c != '*' && c != '_') return false;
  std::size_t count = 0;
  for (char x : line) {
    if (x == c) {
      ++count;
    } else if (x != ' ' && x != '\t') {
      return false;
    }
  }
  return count >= 3;
}

/// Length of a list marker at the start of `line` ("- ", "* ", "+ ", "12. ", "3) "), or 0.
/// Numbered markers count only where a list may start (CommonMark: a paragraph's hard-wrapped
/// line "1945. Everyone..." is prose).
std::size_t list_marker_length(std::string_view line, bool may_number) {
  std::size_t i = 0;
  if (!line.empty() && (line[0] == '-' || line[0] == '*' || line[0] == '+')) {
    i = 1;
  } else if (may_number) {
    while (i < line.size() && i < 9 && line[i] >= '0' && line[i] <= '9') ++i;
    if (i == 0 || i >= line.size() || (line[i] != '.' && line[i] != ')')) return 0;
    ++i;
  }
  if (i == 0 || i >= line.size() || (line[i] != ' ' && line[i] != '\t')) return 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return i;
}

}  // namespace

std::string markdown_to_text(const std::string& source) {
  std::string out;
  markdown::FenceTracker fences;
  bool in_comment = false;
  bool list_may_start = true;  // after a blank line, a heading or a list item
  for (std::string_view line : markdown::split_lines(source)) {
    if (in_comment) {
      in_comment = line.find("-->") == std::string_view::npos;
      continue;
    }
    if (fences.in_code(line)) {  // code is not read aloud; it separates paragraphs
      out += '\n';
      list_may_start = true;
      continue;
    }
    std::string_view text = trim(line);
    if (text.rfind("<!--", 0) == 0) {
      in_comment = text.find("-->") == std::string_view::npos;
      continue;
    }
    std::string title;
    if (text.empty() || is_rule(text) || markdown::heading_level(line, &title) > 0) {
      out += title.empty() ? "\n" : "\n\n" + title + "\n\n";  // a heading is its own paragraph
      list_may_start = true;
      continue;
    }
    while (!text.empty() && text.front() == '>') text = trim(text.substr(1));  // block quote
    const std::size_t marker = list_marker_length(text, list_may_start);
    if (marker > 0) {
      text.remove_prefix(marker);
      out += "\n\n";  // each list item reads as a paragraph of its own
    }
    list_may_start = marker > 0;
    out += markdown::strip_inline(text);
    out += '\n';
  }
  return out;
}

}  // namespace mpibatch::io
