#include <regex>
#include <string>

#include "mpibatch/io/book_reader.h"

namespace mpibatch::io {
namespace {

struct Patterns {
  static std::regex make(const char* source) {
    return std::regex(source, std::regex::ECMAScript | std::regex::optimize);
  }
  std::regex image = make(R"(!\[([^\]]*)\]\([^)]*\))");
  std::regex link = make(R"(\[([^\]]*)\]\([^)]*\))");
  std::regex html_tag = make(R"(<[^>]+>)");
  std::regex code = make(R"(`([^`]*)`)");
  std::regex bold = make(R"((\*\*|__)(\S(?:.*?\S)?)\1)");
  std::regex emphasis = make(R"((^|[^\w*])[*_](\S(?:.*?\S)?)[*_](?=$|[^\w*]))");
  std::regex fence = make(R"(^\s*(```|~~~))");
  std::regex rule = make(R"(^\s*([-*_]\s*){3,}$)");
  std::regex heading = make(R"(^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$)");
  std::regex quote = make(R"(^\s*>\s?)");
  std::regex list_marker = make(R"(^\s*([-*+]|\d+[.)])\s+)");
};

const Patterns& patterns() {
  static const Patterns p;
  return p;
}

std::string clean_inline(std::string line) {
  const Patterns& p = patterns();
  line = std::regex_replace(line, p.image, "$1");
  line = std::regex_replace(line, p.link, "$1");
  line = std::regex_replace(line, p.html_tag, "");
  line = std::regex_replace(line, p.code, "$1");
  line = std::regex_replace(line, p.bold, "$2");
  line = std::regex_replace(line, p.emphasis, "$1$2");
  return line;
}

}  // namespace

std::string markdown_to_text(const std::string& markdown) {
  const Patterns& p = patterns();
  std::string out;
  bool in_fence = false;
  bool in_comment = false;
  std::size_t pos = 0;
  while (pos <= markdown.size()) {
    std::size_t eol = markdown.find('\n', pos);
    if (eol == std::string::npos) eol = markdown.size();
    std::string line = markdown.substr(pos, eol - pos);
    pos = eol + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();

    if (in_comment) {
      in_comment = line.find("-->") == std::string::npos;
      continue;
    }
    if (line.rfind("<!--", 0) == 0) {
      in_comment = line.find("-->") == std::string::npos;
      continue;
    }
    if (std::regex_search(line, p.fence)) {
      in_fence = !in_fence;
      continue;
    }
    if (in_fence) continue;
    if (std::regex_match(line, p.rule)) {
      out += "\n\n";
      continue;
    }
    std::smatch m;
    if (std::regex_match(line, m, p.heading)) {
      out += "\n\n" + clean_inline(m[1].str()) + "\n\n";  // a heading is a paragraph of its own
      continue;
    }
    line = std::regex_replace(line, p.quote, "");
    if (std::regex_search(line, p.list_marker)) {
      line = std::regex_replace(line, p.list_marker, "");
      out += "\n\n";  // each list item reads as a paragraph of its own
    }
    out += clean_inline(line);
    out += '\n';
  }
  return out;
}

}  // namespace mpibatch::io
