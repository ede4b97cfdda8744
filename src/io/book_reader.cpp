#include "mpibatch/io/book_reader.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>

#include "book_formats.h"
#include "markdown_syntax.h"
#include "mpibatch/error.h"
#include "mpibatch/work/line_pattern.h"
#include "mpibatch/work/natural_order.h"
#include "mpibatch/work/utf8.h"

namespace mpibatch::io {
namespace fs = std::filesystem;
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

enum class Format { kText, kMarkdown, kHtml, kEpub };

/// The format `setting` (BookOptions::format) names; for "auto", the one of `file`'s extension.
Format format_of(const fs::path& file, const std::string& setting) {
  if (setting == "text") return Format::kText;
  if (setting == "markdown") return Format::kMarkdown;
  if (setting == "html") return Format::kHtml;
  if (setting == "epub") return Format::kEpub;
  if (setting != "auto") {
    throw InputError("input.format: unknown format '" + setting +
                     "'; use auto, text, markdown, html or epub");
  }
  const std::string ext = lower(file.extension().string());
  if (ext == ".md" || ext == ".markdown") return Format::kMarkdown;
  if (ext == ".html" || ext == ".htm" || ext == ".xhtml") return Format::kHtml;
  if (ext == ".epub") return Format::kEpub;
  return Format::kText;
}

/// Reads a chapter file as UTF-8 text; InputError naming the file otherwise.
std::string read_text_file(const fs::path& file) {
  std::string text = read_file_bytes(file);
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

/// Lines longer than this are never chapter headings.
constexpr std::size_t kMaxHeadingLine = 200;

/// "CHAPTER IV", "Chapter 12: The Storm", "chapter 3".
bool is_chapter_line(std::string_view line) {
  line = markdown::trim(line);
  if (line.size() > kMaxHeadingLine) return false;
  bool word = false;
  for (std::string_view w : {"CHAPTER", "Chapter", "chapter"}) word = word || line.rfind(w, 0) == 0;
  if (!word) return false;
  std::size_t i = 7;
  const std::size_t spaces = i;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  if (i == spaces) return false;
  const std::size_t number = i;
  while (i < line.size() &&
         std::string_view("0123456789IVXLCDMivxlcdm").find(line[i]) != std::string_view::npos)
    ++i;
  return i > number && (i == line.size() || !std::isalnum(static_cast<unsigned char>(line[i])));
}

using HeadingRule = std::function<bool(std::string_view)>;

/// Which lines start a chapter (code-fence lines never reach it).
HeadingRule heading_rule(const std::vector<std::string_view>& lines, const std::string& setting,
                         bool markdown) {
  if (setting != "auto") {
    const work::LinePattern pattern(setting);  // linear time: no pattern can hang the job
    return [pattern](std::string_view line) {
      return line.size() <= kMaxHeadingLine && pattern.matches(line);
    };
  }
  if (markdown) {
    int count[7] = {};
    markdown::FenceTracker fences;
    for (std::string_view line : lines) {
      if (!fences.in_code(line)) ++count[markdown::heading_level(line)];
    }
    for (int level = 1; level <= 3; ++level) {
      if (count[level] >= 2) {
        return [level](std::string_view line) { return markdown::heading_level(line) == level; };
      }
    }
  }
  return is_chapter_line;
}

std::string heading_title(std::string_view line) {
  std::string title;
  if (markdown::heading_level(line, &title) > 0) return title;
  return std::string(markdown::trim(line));
}

std::string chapter_text(const std::string& raw, bool markdown) {
  return markdown ? markdown_to_text(raw) : raw;
}

/// First Markdown heading of a file outside code blocks, or empty.
std::string first_heading(const std::string& text) {
  markdown::FenceTracker fences;
  for (std::string_view line : markdown::split_lines(text)) {
    std::string title;
    if (!fences.in_code(line) && markdown::heading_level(line, &title) > 0) return title;
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
  if (options.format == "auto" || options.format == "html") {
    files = html_reading_order(std::move(files), &book.title);
  }
  for (const fs::path& file : files) {
    std::vector<work::Chapter> chapters;  // each file is read by its own format
    const Format format = format_of(file, options.format);
    if (format == Format::kHtml) {
      chapters = read_html_file(file).chapters;
    } else if (format == Format::kEpub) {
      chapters = read_epub(file).chapters;
    } else {
      const std::string raw = read_text_file(file);
      const bool markdown = format == Format::kMarkdown;
      work::Chapter chapter;
      chapter.title = markdown ? first_heading(raw) : "";
      if (chapter.title.empty()) chapter.title = file.stem().string();
      chapter.source = file.string();
      chapter.text = chapter_text(raw, markdown);
      chapters.push_back(std::move(chapter));
    }
    for (work::Chapter& chapter : chapters) {
      chapter.index = static_cast<std::uint32_t>(book.chapters.size());
      if (book.language.empty()) book.language = chapter.language;
      book.chapters.push_back(std::move(chapter));
    }
  }
  return book;
}

work::Book read_single_file(const fs::path& file, const BookOptions& options, bool markdown) {
  const std::string raw = read_text_file(file);
  const std::vector<std::string_view> lines = markdown::split_lines(raw);
  const HeadingRule is_heading = heading_rule(lines, options.chapter_heading, markdown);

  work::Book book;
  book.title = file.stem().string();
  std::string section;
  std::string title;
  std::size_t title_line = 0;
  markdown::FenceTracker fences;
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
    const std::string_view line = lines[i];
    const bool code = markdown && fences.in_code(line);
    if (!code && is_heading(line)) {
      flush();
      title = heading_title(line);
      title_line = i + 1;
      section = std::string(line) + "\n\n";  // the heading reads as a paragraph of its own
      continue;
    }
    section += line;
    section += '\n';
  }
  flush();
  if (book.chapters.empty()) {  // an empty file: one empty chapter, reported by the caller
    book.chapters.push_back(work::Chapter{0, file.stem().string(), file.string(), "", ""});
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
  if (options.chapter_heading != "auto") {
    if (const std::string error = work::LinePattern::error_of(options.chapter_heading);
        !error.empty()) {
      throw InputError("input.chapter_heading: invalid regular expression '" +
                       options.chapter_heading + "': " + error);
    }
  }
  work::Book book;
  try {
    if (fs::is_directory(status)) {
      format_of(path, options.format);  // rejects an unknown format even for an empty folder
      book = read_folder(path, options);
    } else {
      const Format format = format_of(path, options.format);
      book = format == Format::kHtml ? read_html_file(path)
             : format == Format::kEpub
                 ? read_epub(path)
                 : read_single_file(path, options, format == Format::kMarkdown);
    }
  } catch (const fs::filesystem_error& e) {
    throw InputError("input.path: cannot read '" + path + "': " + e.code().message());
  }
  book.source = path;
  return book;
}

}  // namespace mpibatch::io
