/// \file HTML books: one file, or a folder ordered by its table of contents.

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "book_formats.h"
#include "html_text.h"
#include "mpibatch/error.h"

namespace mpibatch::io {
namespace fs = std::filesystem;
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool blank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

std::string first_of(const std::string& a, const std::string& b, const std::string& c) {
  return !a.empty() ? a : !b.empty() ? b : c;
}

HtmlText read_page(const fs::path& file) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(file, ec);
  if (!ec && size > kMaxHtmlFileBytes) {
    throw InputError("input.path: '" + file.string() + "' is " + std::to_string(size >> 20) +
                     " MiB, over the limit of " + std::to_string(kMaxHtmlFileBytes >> 20) +
                     " MiB for one HTML file; split it into chapter files");
  }
  HtmlText page = html_to_text(read_file_bytes(file));
  check_complete(page, file.string());
  return page;
}

/// The table-of-contents page among `files`, or end.
std::vector<fs::path>::const_iterator find_index(const std::vector<fs::path>& files) {
  for (const char* name :
       {"index.html", "index.htm", "index.xhtml", "toc.html", "toc.htm", "toc.xhtml"}) {
    const auto it = std::find_if(files.begin(), files.end(), [name](const fs::path& file) {
      return lower(file.filename().string()) == name;
    });
    if (it != files.end()) return it;
  }
  return files.end();
}

}  // namespace

std::string read_file_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw InputError("input.path: cannot read '" + file.string() + "': " + std::strerror(errno));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

work::Book read_html_file(const fs::path& file) {
  HtmlText page = read_page(file);
  const std::string stem = file.stem().string();
  work::Book book;
  book.title = first_of(page.title, page.heading, stem);
  book.language = page.language;
  work::Chapter chapter;
  chapter.title = first_of(page.heading, page.title, stem);
  chapter.source = file.string();
  chapter.text = std::move(page.text);
  chapter.language = page.language;
  book.chapters.push_back(std::move(chapter));
  return book;
}

std::vector<fs::path> html_reading_order(std::vector<fs::path> files, std::string* title) {
  const auto index = find_index(files);
  if (index == files.end()) return files;
  const HtmlText page = read_page(*index);
  *title = first_of(page.title, page.heading, "");

  std::vector<fs::path> normal;  // files, lexically normalised, to match links against
  for (const fs::path& file : files) normal.push_back(file.lexically_normal());
  std::vector<bool> taken(files.size(), false);
  std::vector<fs::path> order;
  auto take = [&](std::size_t k) {
    if (!taken[k]) order.push_back(files[k]);
    taken[k] = true;
  };
  const auto index_at = static_cast<std::size_t>(index - files.begin());
  if (!blank(page.text)) take(index_at);
  taken[index_at] = true;
  const fs::path folder = index->parent_path();
  for (const HtmlLink& link : page.links) {
    const std::string target = href_target(link.href);
    if (target.empty()) continue;
    const fs::path linked = (folder / target).lexically_normal();
    const auto it = std::find(normal.begin(), normal.end(), linked);
    if (it != normal.end()) take(static_cast<std::size_t>(it - normal.begin()));
  }
  for (std::size_t k = 0; k < files.size(); ++k) take(k);
  return order;
}

}  // namespace mpibatch::io
