#include "mpibatch/io/book_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "mpibatch/error.h"
#include "mpibatch/work/natural_order.h"
#include "mpibatch/work/utf8.h"

namespace mpibatch::io {
namespace fs = std::filesystem;
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool is_markdown(const fs::path& file) {
  const std::string ext = lower(file.extension().string());
  return ext == ".md" || ext == ".markdown";
}

/// Reads a chapter file as UTF-8 text; InputError naming the file otherwise.
std::string read_text_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw InputError("input.path: cannot read '" + file.string() + "': " + std::strerror(errno));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // UTF-8 byte order mark
  if (const auto nul = text.find('\0'); nul != std::string::npos) {
    throw InputError("input.path: '" + file.string() +
                     "' looks like a binary file (NUL byte at offset " + std::to_string(nul) +
                     "); give a folder of .txt/.md chapters or one text file");
  }
  if (const auto bad = work::first_invalid_utf8(text)) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[*bad]));
    throw InputError("input.path: '" + file.string() + "' is not UTF-8 text (invalid byte " + byte +
                     " at offset " + std::to_string(*bad) + "); convert it, e.g. iconv -t UTF-8");
  }
  return text;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string line = text.substr(pos, eol - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    pos = eol + 1;
  }
  return lines;
}

/// Which lines start a chapter, as a predicate over lines outside code fences.
std::regex heading_rule(const std::vector<std::string>& lines, const std::string& setting,
                        bool markdown) {
  if (setting != "auto") return std::regex(setting, std::regex::ECMAScript);
  if (markdown) {
    for (int level = 1; level <= 3; ++level) {
      std::regex rule("^#{" + std::to_string(level) + "}\\s+\\S.*$");
      const auto count = std::count_if(lines.begin(), lines.end(), [&](const std::string& line) {
        return std::regex_match(line, rule);
      });
      if (count >= 2) return rule;
    }
  }
  return std::regex(R"(^\s*(CHAPTER|Chapter|chapter)\s+[0-9IVXLCDMivxlcdm]+\b.{0,80}$)");
}

std::string heading_title(const std::string& line) {
  static const std::regex markers(R"(^\s*#+\s*|\s*#*\s*$)");
  return std::regex_replace(line, markers, "");
}

std::string chapter_text(const std::string& raw, bool markdown) {
  return markdown ? markdown_to_text(raw) : raw;
}

/// First Markdown heading of a file, or empty.
std::string first_heading(const std::string& text) {
  static const std::regex heading(R"(^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$)");
  for (const std::string& line : split_lines(text)) {
    std::smatch m;
    if (std::regex_match(line, m, heading)) return m[1].str();
  }
  return {};
}

work::Book read_folder(const fs::path& folder, const BookOptions& options) {
  std::vector<std::string> wanted;
  for (const auto& ext : options.extensions) wanted.push_back(lower(ext));
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const fs::path& file = entry.path();
    if (file.filename().string().front() == '.' || !entry.is_regular_file()) continue;
    const std::string ext = lower(file.extension().string());
    if (std::find(wanted.begin(), wanted.end(), ext) != wanted.end()) files.push_back(file);
  }
  if (files.empty()) {
    std::string list;
    for (const auto& ext : options.extensions) list += (list.empty() ? "*" : ", *") + ext;
    throw InputError("input.path: no chapter files (" + list + ") in '" + folder.string() +
                     "'; add chapter files or set input.extensions");
  }
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    return work::natural_less(a.filename().string(), b.filename().string());
  });
  work::Book book;
  book.title = folder.filename().string();
  for (const fs::path& file : files) {
    const std::string raw = read_text_file(file);
    const bool markdown = is_markdown(file);
    work::Chapter chapter;
    chapter.index = static_cast<std::uint32_t>(book.chapters.size());
    chapter.title = markdown ? first_heading(raw) : "";
    if (chapter.title.empty()) chapter.title = file.stem().string();
    chapter.source = file.string();
    chapter.text = chapter_text(raw, markdown);
    book.chapters.push_back(std::move(chapter));
  }
  return book;
}

work::Book read_single_file(const fs::path& file, const BookOptions& options) {
  const std::string raw = read_text_file(file);
  const bool markdown = is_markdown(file);
  const std::vector<std::string> lines = split_lines(raw);
  const std::regex rule = heading_rule(lines, options.chapter_heading, markdown);

  work::Book book;
  book.title = file.stem().string();
  std::string section;
  std::string title;
  std::size_t title_line = 0;
  bool in_fence = false;
  auto flush = [&] {
    const bool blank = section.find_first_not_of(" \t\r\n") == std::string::npos;
    if (blank && title.empty()) return;  // nothing before the first heading
    work::Chapter chapter;
    chapter.index = static_cast<std::uint32_t>(book.chapters.size());
    chapter.title = title;
    chapter.source = file.string() + (title.empty() ? "" : ":" + std::to_string(title_line));
    chapter.text = chapter_text(section, markdown);
    book.chapters.push_back(std::move(chapter));
  };
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (markdown && (line.rfind("```", 0) == 0 || line.rfind("~~~", 0) == 0)) in_fence = !in_fence;
    if (!in_fence && std::regex_match(line, rule)) {
      flush();
      section.clear();
      title = heading_title(line);
      title_line = i + 1;
      section = line + "\n\n";  // the heading reads as a paragraph of its own
      continue;
    }
    section += line;
    section += '\n';
  }
  flush();
  if (book.chapters.empty()) {  // an empty file: one empty chapter, reported by the caller
    book.chapters.push_back(work::Chapter{0, file.stem().string(), file.string(), ""});
  }
  return book;
}

}  // namespace

work::Book read_book(const std::string& path, const BookOptions& options) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    throw InputError("input.path: no such file or directory '" + path + "'");
  }
  work::Book book;
  try {
    book = fs::is_directory(status) ? read_folder(path, options) : read_single_file(path, options);
  } catch (const std::regex_error& e) {
    throw InputError("input.chapter_heading: invalid regular expression '" +
                     options.chapter_heading + "': " + e.what());
  } catch (const fs::filesystem_error& e) {
    throw InputError("input.path: cannot read '" + path + "': " + e.code().message());
  }
  book.source = path;
  return book;
}

}  // namespace mpibatch::io
