#pragma once
/// \file The package of an EPUB: META-INF/container.xml -> OPF (metadata, manifest, spine)
/// -> the documents to read, and the table of contents' labels for them.

#include <map>
#include <string>
#include <vector>

#include "zip_archive.h"

namespace mpibatch::io {

struct EpubPackage {
  std::string title;     ///< first dc:title, whitespace collapsed; may be empty
  std::string language;  ///< first dc:language (BCP 47); may be empty
  /// Archive paths of the spine's linear XHTML documents, in reading order.
  std::vector<std::string> spine;
  /// Archive path -> label of its first entry in the EPUB 3 nav document, else in the
  /// EPUB 2 NCX; only files the table of contents names.
  std::map<std::string, std::string> labels;
};

/// Reads the package of the EPUB `zip`. InputError naming the EPUB, the part that is wrong
/// and what to do: no or bad container.xml, missing or malformed OPF, empty spine, a spine
/// item missing from the manifest or the archive. A missing or broken table of contents only
/// leaves `labels` empty.
EpubPackage read_epub_package(const ZipArchive& zip);

/// `href` (as written in a document at `base`, an archive path) as an archive path: fragment
/// dropped, %-decoded, "." and ".." resolved. Empty if it leaves the archive or is not local.
std::string archive_path(const std::string& base, const std::string& href);

}  // namespace mpibatch::io
