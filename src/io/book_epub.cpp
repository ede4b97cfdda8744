/// \file EPUB books.
///
/// NOTE [EPUB reading]: META-INF/container.xml names the OPF package; its spine gives the
/// reading order. Each spine item is one chapter, read as (X)HTML by html_to_text, except
/// items marked linear="no" (auxiliary content a reader reaches by links: footnotes, answer
/// keys) and image items (no text). Chapter titles: the document's first h1-h3, else its label
/// in the table of contents (EPUB 3 nav document, else EPUB 2 NCX), else its <title>, else its
/// file stem. XML is parsed without network, DTDs or entity substitution, no entry is
/// unpacked past kMaxZipEntryBytes, a spine item listed twice is read once, and a book stops
/// with an error past kMaxEpubBytes unpacked in all (a small hostile EPUB cannot fill memory).

#include <set>

#include "book_formats.h"
#include "epub_package.h"
#include "html_text.h"
#include "mpibatch/error.h"

namespace mpibatch::io {
namespace {

constexpr std::uint64_t kMaxEpubBytes = std::uint64_t{1} << 30;

}  // namespace

work::Book read_epub(const std::filesystem::path& file) {
  const ZipArchive zip(file.string());
  const EpubPackage package = read_epub_package(zip);
  work::Book book;
  book.title = package.title.empty() ? file.stem().string() : package.title;
  book.language = package.language;
  std::set<std::string> seen;
  std::uint64_t unpacked = 0;
  for (const std::string& path : package.spine) {
    if (!seen.insert(path).second) continue;
    const std::string xhtml = zip.read(path);
    unpacked += xhtml.size();
    if (unpacked > kMaxEpubBytes) {
      throw InputError("input.path: EPUB '" + file.string() + "' unpacks to more than " +
                       std::to_string(kMaxEpubBytes >> 20) + " MiB of chapters (at '" + path +
                       "'); split the book, or check that the file is what it claims to be");
    }
    HtmlText page = html_to_text(xhtml);
    check_complete(page, file.string() + "!" + path);
    const auto label = package.labels.find(path);
    work::Chapter chapter;
    chapter.index = static_cast<std::uint32_t>(book.chapters.size());
    chapter.title = !page.heading.empty()           ? page.heading
                    : label != package.labels.end() ? label->second
                    : !page.title.empty()           ? page.title
                                                    : std::filesystem::path(path).stem().string();
    chapter.source = file.string() + "!" + path;
    chapter.text = std::move(page.text);
    chapter.language = page.language;
    book.chapters.push_back(std::move(chapter));
  }
  return book;
}

}  // namespace mpibatch::io
