/// \file read_books: several books, selected chapters, languages.

#include <fmt/format.h>

#include "mpibatch/io/book_reader.h"

namespace mpibatch::io {
namespace {

bool selected(const BookSelection& selection, std::size_t position) {
  if (selection.chapters.empty()) return true;
  const auto number = static_cast<int>(position + 1);
  for (const auto& [first, last] : selection.chapters) {
    if (number >= first && (last == 0 || number <= last)) return true;
  }
  return false;
}

}  // namespace

work::Book read_books(const std::vector<std::string>& paths, const BookOptions& options,
                      const BookSelection& selection) {
  work::Book all;
  for (const std::string& path : paths) {
    work::Book book = read_book(path, options);
    if (all.source.empty()) {
      all.title = book.title;
      all.language = selection.language == "auto" ? book.language : selection.language;
      all.source = book.source;
    }
    for (std::size_t k = 0; k < book.chapters.size(); ++k) {
      if (!selected(selection, k)) continue;
      work::Chapter chapter = std::move(book.chapters[k]);
      chapter.index = static_cast<std::uint32_t>(all.chapters.size());
      if (selection.language != "auto") {
        chapter.language = selection.language;
      } else if (chapter.language.empty()) {
        chapter.language = book.language;
      }
      all.chapters.push_back(std::move(chapter));
    }
  }
  if (paths.size() > 1) all.title += fmt::format(" (+{} more)", paths.size() - 1);
  return all;
}

}  // namespace mpibatch::io
