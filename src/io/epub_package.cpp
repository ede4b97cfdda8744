#include "epub_package.h"

#include <libxml/parser.h>

#include <memory>
#include <new>

#include "html_text.h"
#include "mpibatch/error.h"

namespace mpibatch::io {
namespace {

constexpr const char* kContainer = "META-INF/container.xml";
constexpr const char* kDublinCore = "http://purl.org/dc/elements/1.1/";
constexpr const char* kRepair = "; repair or re-export the EPUB";

using XmlDoc = std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)>;

std::string where(const ZipArchive& zip) { return "input.path: EPUB '" + zip.path() + "': "; }

std::string collapse(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
    } else {
      if (space) out += ' ';
      out += c;
      space = false;
    }
  }
  return out;
}

/// Parses the XML entry `name` without network access, DTD loading or entity substitution
/// (no XXE, no entity expansion: entity references stay unexpanded and are not read).
XmlDoc parse_xml(const ZipArchive& zip, const std::string& name) {
  const std::string bytes = zip.read(name);  // at most kMaxZipEntryBytes, so fits an int
  std::unique_ptr<xmlParserCtxt, decltype(&xmlFreeParserCtxt)> context(xmlNewParserCtxt(),
                                                                       &xmlFreeParserCtxt);
  if (!context) throw std::bad_alloc();
  XmlDoc doc(
      xmlCtxtReadMemory(context.get(), bytes.data(), static_cast<int>(bytes.size()), name.c_str(),
                        nullptr, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
      &xmlFreeDoc);
  if (!doc) {
    const xmlError* error = xmlCtxtGetLastError(context.get());
    const std::string reason = error && error->message ? "line " + std::to_string(error->line) +
                                                             ": " + collapse(error->message)
                                                       : "no document";
    throw InputError(where(zip) + "'" + name + "' is not well-formed XML (" + reason + ")" +
                     kRepair);
  }
  return doc;
}

/// An element with local name `name`, in namespace `ns` when one is given (any prefix).
bool is(const xmlNode* node, const char* name, const char* ns = nullptr) {
  return node != nullptr && node->type == XML_ELEMENT_NODE &&
         xmlStrEqual(node->name, BAD_CAST name) &&
         (ns == nullptr || (node->ns != nullptr && xmlStrEqual(node->ns->href, BAD_CAST ns)));
}

/// Calls fn on every element below `root` named `name` (see is), in document order.
template <class Fn>
void each(xmlNode* root, const char* name, const char* ns, Fn fn) {
  for (xmlNode* node = root ? root->children : nullptr; node != nullptr; node = node->next) {
    if (is(node, name, ns)) fn(node);
    if (node->type == XML_ELEMENT_NODE) each(node, name, ns, fn);
  }
}

xmlNode* first(xmlNode* root, const char* name, const char* ns = nullptr) {
  xmlNode* found = nullptr;
  each(root, name, ns, [&](xmlNode* node) { found = found ? found : node; });
  return found;
}

/// Un-namespaced attribute `name` of `node`, or empty.
std::string attribute(const xmlNode* node, const char* name) {
  xmlChar* value = xmlGetNoNsProp(node, BAD_CAST name);
  std::string out = value ? reinterpret_cast<const char*>(value) : "";
  xmlFree(value);
  return out;
}

/// The text of `node` (text and CDATA only: entity references are not expanded), collapsed.
std::string text_of(const xmlNode* node) {
  std::string text;
  for (const xmlNode* child = node ? node->children : nullptr; child; child = child->next) {
    if (child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE) {
      text += reinterpret_cast<const char*>(child->content);
    } else if (child->type == XML_ELEMENT_NODE) {
      text += ' ' + text_of(child);
    }
  }
  return collapse(text);
}

std::string folder_of(const std::string& path) { return path.substr(0, path.rfind('/') + 1); }

/// The OPF's archive path, from META-INF/container.xml.
std::string package_path(const ZipArchive& zip) {
  if (!zip.contains(kContainer)) {
    throw InputError(where(zip) + "no META-INF/container.xml, so it is not an EPUB or it is " +
                     "damaged" + kRepair);
  }
  const XmlDoc container = parse_xml(zip, kContainer);
  std::string path;
  bool typed = false;  // prefer the rootfile that says it is an OPF package
  each(xmlDocGetRootElement(container.get()), "rootfile", nullptr, [&](xmlNode* rootfile) {
    const std::string full_path = attribute(rootfile, "full-path");
    const bool opf = attribute(rootfile, "media-type") == "application/oebps-package+xml";
    if (!full_path.empty() && (path.empty() || (opf && !typed))) {
      path = full_path;
      typed = opf;
    }
  });
  if (path.empty()) {
    throw InputError(where(zip) + "META-INF/container.xml names no rootfile (the OPF package)" +
                     kRepair);
  }
  if (!zip.contains(path)) {
    throw InputError(where(zip) + "META-INF/container.xml points to '" + path +
                     "', which is not in the archive" + kRepair);
  }
  return path;
}

struct ManifestItem {
  std::string href;  ///< as written
  std::string path;  ///< archive path; empty if not a local file
  std::string media_type;
  std::string properties;
};

/// Table-of-contents labels: the EPUB 3 nav document, else the EPUB 2 NCX. Best effort.
std::map<std::string, std::string> read_labels(const ZipArchive& zip,
                                               const std::map<std::string, ManifestItem>& manifest,
                                               const std::string& ncx_id) {
  std::map<std::string, std::string> labels;
  try {
    for (const auto& [id, item] : manifest) {
      if (item.properties.find("nav") == std::string::npos || !zip.contains(item.path)) continue;
      for (const HtmlLink& link : html_to_text(zip.read(item.path)).links) {
        const std::string path = archive_path(folder_of(item.path), link.href);
        if (!path.empty() && !link.text.empty()) labels.emplace(path, link.text);
      }
    }
    if (!labels.empty()) return labels;
    const ManifestItem* ncx = nullptr;
    for (const auto& [id, item] : manifest) {
      if (id == ncx_id || (!ncx && item.media_type == "application/x-dtbncx+xml")) ncx = &item;
    }
    if (ncx == nullptr || !zip.contains(ncx->path)) return labels;
    const XmlDoc doc = parse_xml(zip, ncx->path);
    each(xmlDocGetRootElement(doc.get()), "navPoint", nullptr, [&](xmlNode* point) {
      xmlNode* label = nullptr;
      xmlNode* content = nullptr;
      for (xmlNode* child = point->children; child; child = child->next) {
        if (is(child, "navLabel") && !label) label = first(child, "text");
        if (is(child, "content") && !content) content = child;
      }
      const std::string text = text_of(label);
      const std::string path =
          content ? archive_path(folder_of(ncx->path), attribute(content, "src")) : "";
      if (!path.empty() && !text.empty()) labels.emplace(path, text);
    });
  } catch (const InputError&) {  // a broken table of contents only costs the labels
  }
  return labels;
}

}  // namespace

std::string archive_path(const std::string& base, const std::string& href) {
  const std::string target = href_target(href);
  if (target.empty()) return {};
  std::vector<std::string> parts;
  std::size_t start = 0;
  const std::string joined = base + target;
  while (start <= joined.size()) {
    std::size_t slash = joined.find('/', start);
    if (slash == std::string::npos) slash = joined.size();
    const std::string part = joined.substr(start, slash - start);
    if (part == "..") {
      if (parts.empty()) return {};  // leaves the archive
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = slash + 1;
  }
  std::string path;
  for (const std::string& part : parts) path += (path.empty() ? "" : "/") + part;
  return path;
}

EpubPackage read_epub_package(const ZipArchive& zip) {
  const std::string opf = package_path(zip);
  const XmlDoc doc = parse_xml(zip, opf);
  xmlNode* const root = xmlDocGetRootElement(doc.get());
  if (!is(root, "package")) {
    throw InputError(where(zip) + "'" + opf + "' is not an OPF package (no <package> root)" +
                     kRepair);
  }
  EpubPackage package;
  package.title = text_of(first(root, "title", kDublinCore));
  package.language = text_of(first(root, "language", kDublinCore));

  std::map<std::string, ManifestItem> manifest;
  each(first(root, "manifest"), "item", nullptr, [&](xmlNode* node) {
    ManifestItem item{attribute(node, "href"), "", attribute(node, "media-type"),
                      attribute(node, "properties")};
    item.path = archive_path(folder_of(opf), item.href);
    manifest.emplace(attribute(node, "id"), std::move(item));
  });

  xmlNode* const spine = first(root, "spine");
  bool any_itemref = false;
  each(spine, "itemref", nullptr, [&](xmlNode* itemref) {
    any_itemref = true;
    const std::string idref = attribute(itemref, "idref");
    const auto item = manifest.find(idref);
    if (item == manifest.end()) {
      throw InputError(where(zip) + "spine itemref idref='" + idref +
                       "' has no item in the manifest of '" + opf + "'" + kRepair);
    }
    // NOTE [EPUB reading] (book_epub.cpp): non-linear items and images are not read.
    if (attribute(itemref, "linear") == "no") return;
    if (item->second.media_type.rfind("image/", 0) == 0) return;
    if (item->second.path.empty() || !zip.contains(item->second.path)) {
      const std::string& shown = item->second.path.empty() ? item->second.href : item->second.path;
      throw InputError(where(zip) + "manifest item '" + idref + "' of '" + opf + "' points to '" +
                       shown + "', which is not in the archive" + kRepair);
    }
    package.spine.push_back(item->second.path);
  });
  if (!any_itemref || package.spine.empty()) {
    throw InputError(where(zip) + "the spine of '" + opf + "' lists no " +
                     (any_itemref ? "linear (X)HTML documents" : "documents (it is empty)") +
                     " to read" + kRepair);
  }
  package.labels = read_labels(zip, manifest, spine ? attribute(spine, "toc") : "");
  return package;
}

}  // namespace mpibatch::io
