#pragma once
/// \file Reading a book from disk: a folder of chapter files, or one text/Markdown file split at
/// its chapter headings. Errors are InputError naming `input.path`, the file and what to do.

#include <string>
#include <utility>
#include <vector>

#include "mpibatch/work/work_item.h"

namespace mpibatch::io {

struct BookOptions {
  std::string format = "auto";  ///< auto (by extension) | text | markdown | html | epub
  /// Chapter files of a folder, any case.
  std::vector<std::string> extensions = {".txt", ".md", ".markdown", ".html", ".htm", ".xhtml"};
  /// "auto" (see read_book) or an ECMAScript regex matched against whole lines.
  std::string chapter_heading = "auto";
};

/// Reads the book at `path`. Each file is read as `options.format`; auto = by its extension:
/// .epub EPUB, .html/.htm/.xhtml HTML, .md/.markdown Markdown, anything else text.
/// - A folder: every non-hidden file with one of the extensions is a chapter (an EPUB: all of
///   its chapters), in natural order of file names (chapter2 before chapter10); a Markdown
///   file's title is its first heading, else its stem. If the folder has a table-of-contents
///   page (index.html, index.htm, index.xhtml, toc.html, ...) and format is auto or html: that
///   page first (unless it has no text besides navigation), then the files it links to in link
///   order, then the others in natural order; the book's title is that page's <title> or h1.
/// - A text or Markdown file: split at heading lines. auto = the highest Markdown heading level
///   (#, ##, ###) that occurs at least twice, else lines like "Chapter 12" / "CHAPTER IV", else
///   the whole file is one chapter. Text before the first heading becomes a chapter of its own.
/// - An HTML file: one chapter. Title: its first h1-h3, else <title>, else the stem.
/// - An EPUB (2 or 3): one chapter per linear (X)HTML document of the spine, in spine order
///   (non-linear items and images skipped); book title and language from dc:title and
///   dc:language; chapter title from the first h1-h3, else the table of contents, else
///   <title>, else the stem; chapter source "<epub>!<path in the archive>".
/// Markdown files (.md, .markdown) are turned into plain text (markup, links, images, code
/// blocks dropped; headings kept as their own paragraph). HTML and EPUB pages likewise:
/// text only, paragraphs per block element; scripts, styles, navigation, tables of contents
/// and <pre> code listings dropped; the language from lang/xml:lang. Text and Markdown files
/// must be UTF-8 (a BOM is skipped); HTML may declare its charset. Chapters may be empty; the
/// caller decides what an empty book means.
work::Book read_book(const std::string& path, const BookOptions& options);

/// Which chapters of each book to keep, and in which language to read them.
struct BookSelection {
  /// 1-based inclusive ranges of each book's chapters in reading order (second = 0: to the
  /// end); empty = all. Chapters past a book's end are ignored.
  std::vector<std::pair<int, int>> chapters;
  std::string language = "auto";  ///< a tag for every chapter, or auto = each book's own
};

/// The books at `paths` (each read by read_book) as one, in the order given: the selected
/// chapters, renumbered 0..n-1 in reading order, each with its language (chapters that do not
/// know theirs get their book's). The title is the first book's, plus "(+N more)" if several.
work::Book read_books(const std::vector<std::string>& paths, const BookOptions& options,
                      const BookSelection& selection);

/// Plain text of Markdown source: what a reader would read aloud.
std::string markdown_to_text(const std::string& markdown);

}  // namespace mpibatch::io
