#pragma once
/// \file Markdown syntax pieces shared by the book reader (chapter headings) and
/// markdown_to_text: line splitting, fenced code blocks, ATX headings, inline markup.
///
/// NOTE [no std::regex on book text]: libstdc++'s std::regex recurses once per matched
/// character, so a long line (an image embedded as a data: URI, a paragraph without line
/// breaks) overflows the stack. Everything here is hand-written and linear in the line length.

#include <string>
#include <string_view>
#include <vector>

namespace mpibatch::io::markdown {

/// Lines of `text` without their line ends ("\n" or "\r\n"); views into `text`.
std::vector<std::string_view> split_lines(std::string_view text);

/// The level (1-6) of an ATX heading line ("## Title ##": up to 3 leading spaces, 1-6 '#',
/// then a space or the end of the line), or 0. Its title, without the closing #s, goes to
/// `title` when given.
int heading_level(std::string_view line, std::string* title = nullptr);

/// Follows fenced code blocks (``` or ~~~, 3 or more, up to 3 leading spaces; closed by a fence
/// of the same character at least as long) line by line, in order.
class FenceTracker {
 public:
  /// True if `line` opens, closes or lies inside a fenced code block.
  bool in_code(std::string_view line);

 private:
  char marker_ = 0;         ///< '`' or '~' while inside a block, else 0
  std::size_t length_ = 0;  ///< length of the opening fence
};

/// `line` without inline markup: images become their alt text, links their text, HTML tags
/// and code-span backticks go, emphasis markers (* and _ at word edges) go. Text that only
/// looks like markup ("a < b and c > d", "snake_case", "2 * 3") stays.
std::string strip_inline(std::string_view line);

/// Leading and trailing spaces and tabs removed.
std::string_view trim(std::string_view text);

}  // namespace mpibatch::io::markdown
