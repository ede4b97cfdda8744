#pragma once
/// \file The readers read_book (book_reader.cpp) dispatches to for HTML and EPUB books.
/// Errors are InputError naming `input.path`, the file and what to do.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "mpibatch/work/work_item.h"

namespace mpibatch::io {

/// Largest single HTML file read: a bound on memory.
constexpr std::uintmax_t kMaxHtmlFileBytes = std::uintmax_t{256} << 20;

/// The bytes of `file`; InputError if it cannot be read.
std::string read_file_bytes(const std::filesystem::path& file);

/// One HTML/XHTML file as a book of one chapter (html_to_text). The chapter's title is the
/// page's first h1-h3 heading, else its <title>, else the file stem; the book's title is the
/// <title>, else the heading, else the stem. Both get the page's language.
work::Book read_html_file(const std::filesystem::path& file);

/// Reading order of a folder's chapter files, given in natural order. With a table of contents
/// (the first of index.html, index.htm, index.xhtml, toc.html, toc.htm, toc.xhtml, any case):
/// the index page itself, unless its text is blank once navigation and TOC are dropped; then
/// the files it links to, in order of their first link (fragments ignored); then the files it
/// does not link to, in natural order. Without one: `files` as given. The index page's
/// <title> (else heading) goes to `title`, which is left alone without an index page.
std::vector<std::filesystem::path> html_reading_order(std::vector<std::filesystem::path> files,
                                                      std::string* title);

/// An EPUB 2 or 3 file: one chapter per linear XHTML document of the spine, in spine order.
/// NOTE [EPUB reading]: see book_epub.cpp.
work::Book read_epub(const std::filesystem::path& file);

}  // namespace mpibatch::io
