#include "html_text.h"

#include <libxml/HTMLparser.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "mpibatch/error.h"

namespace mpibatch::io {
namespace {

using Doc = std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)>;

bool one_of(const xmlChar* name, std::initializer_list<const char*> names) {
  const char* n = reinterpret_cast<const char*>(name);
  return std::any_of(names.begin(), names.end(), [n](const char* x) { return !std::strcmp(n, x); });
}

bool is_element(const xmlNode* node) { return node->type == XML_ELEMENT_NODE; }

/// Value of the attribute `qname` ("class", "xml:lang") of `node`, or empty. The HTML parser
/// keeps prefixed names as they are written.
std::string attribute(const xmlNode* node, std::string_view qname) {
  for (const xmlAttr* a = node->properties; a != nullptr; a = a->next) {
    std::string name = reinterpret_cast<const char*>(a->name);
    if (a->ns != nullptr && a->ns->prefix != nullptr) {
      name = reinterpret_cast<const char*>(a->ns->prefix) + (":" + name);
    }
    if (name != qname) continue;
    xmlChar* value = xmlNodeListGetString(node->doc, a->children, 1);
    std::string out = value ? reinterpret_cast<const char*>(value) : "";
    xmlFree(value);
    return out;
  }
  return {};
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

/// Whitespace-separated tokens of an attribute value, lower-cased.
std::vector<std::string> tokens(const std::string& value) {
  std::vector<std::string> out;
  std::string token;
  for (char c : value + ' ') {
    if (!is_space(c)) {
      token += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!token.empty()) {
      out.push_back(std::move(token));
      token.clear();
    }
  }
  return out;
}

/// NOTE [what html_to_text drops] (html_text.h).
bool dropped(const xmlNode* e) {
  if (one_of(e->name, {"script", "style", "head", "noscript", "template", "nav", "pre", "svg",
                       "iframe", "object", "select", "textarea"})) {
    return true;
  }
  for (const auto& role : tokens(attribute(e, "role"))) {
    if (role == "navigation") return true;
  }
  for (const char* name : {"class", "id"}) {
    for (const auto& token : tokens(attribute(e, name))) {
      for (const char* nav :
           {"docnav", "navheader", "navfooter", "breadcrumb", "breadcrumbs", "toc", "banner"}) {
        if (token == nav) return true;
      }
    }
  }
  return false;
}

bool is_block(const xmlNode* e) {
  return one_of(
      e->name,
      {"p",       "div",      "li",    "ul",     "ol",         "dl",      "dt",         "dd",
       "h1",      "h2",       "h3",    "h4",     "h5",         "h6",      "blockquote", "tr",
       "table",   "thead",    "tbody", "tfoot",  "caption",    "section", "article",    "aside",
       "header",  "footer",   "main",  "figure", "figcaption", "hr",      "address",    "details",
       "summary", "fieldset", "form",  "center", "body",       "html",    "hgroup",     "legend"});
}

/// Collects text with collapsed whitespace and pending paragraph/line breaks.
class TextBuilder {
 public:
  void text(std::string_view s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
      const char c = s[i];
      const char next = i + 1 < s.size() ? s[i + 1] : '\0';
      if (c == '\xC2' && next == '\xAD') {  // soft hyphen: invisible
        ++i;
      } else if (is_space(c) || (c == '\xC2' && next == '\xA0')) {  // no-break space
        i += c == '\xC2' ? 1 : 0;
        space_ = true;
      } else {
        separate();
        out_ += c;
      }
    }
  }
  void space() { space_ = true; }
  void paragraph() { breaks_ = 2; }
  void line_break() { breaks_ = std::min(breaks_ + 1, 2); }
  std::string take() { return std::move(out_); }

 private:
  void separate() {
    if (!out_.empty()) {
      if (breaks_ > 0) {
        out_ += breaks_ == 2 ? "\n\n" : "\n";
      } else if (space_) {
        out_ += ' ';
      }
    }
    breaks_ = 0;
    space_ = false;
  }
  std::string out_;
  int breaks_ = 0;  ///< 0 none, 1 line break, 2 paragraph break
  bool space_ = false;
};

/// Visits the subtree of `root` in document order: enter(node) (true: visit its children),
/// then, after its children, leave(node). Iterative: deep nesting cannot overflow the stack.
template <class Enter, class Leave>
void walk(xmlNode* root, Enter enter, Leave leave) {
  xmlNode* node = root;
  while (node != nullptr) {
    if (enter(node) && node->children != nullptr) {
      node = node->children;
      continue;
    }
    while (node != nullptr) {
      leave(node);
      if (node == root) return;
      if (node->next != nullptr) {
        node = node->next;
        break;
      }
      node = node->parent;
    }
  }
}

bool is_text(const xmlNode* node) {
  return node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE;
}

std::string_view content(const xmlNode* node) {
  return node->content ? reinterpret_cast<const char*>(node->content) : "";
}

/// All text of `root` on one line (scripts and styles left out).
std::string node_text(xmlNode* root) {
  TextBuilder out;
  walk(
      root,
      [&](xmlNode* node) {
        if (is_text(node)) out.text(content(node));
        if (is_element(node) && (is_block(node) || one_of(node->name, {"br", "td", "th"}))) {
          out.space();
        }
        return is_element(node) && !one_of(node->name, {"script", "style"});
      },
      [](xmlNode*) {});
  return out.take();
}

/// The parsed page; `stopped` gets libxml2's reason when it gave up before the end (a text
/// node over 10 MB, elements nested over 256 deep), which would silently cut the chapter.
Doc parse(std::string_view html, std::string& stopped) {
  if (html.size() > INT_MAX) throw std::length_error("html_to_text: document over 2 GiB");
  const std::unique_ptr<htmlParserCtxt, decltype(&htmlFreeParserCtxt)> context(
      htmlCreateMemoryParserCtxt(html.data(), static_cast<int>(html.size())), &htmlFreeParserCtxt);
  if (!context) throw std::bad_alloc();
  // Like htmlReadMemory: UTF-8 unless the page declares another charset (an HTML context
  // alone would guess Latin-1).
  context->charset = XML_CHAR_ENCODING_UTF8;
  htmlCtxtUseOptions(context.get(), HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                        HTML_PARSE_NOWARNING);
  htmlParseDocument(context.get());  // as htmlReadMemory does, keeping the context to ask
  Doc doc(context->myDoc, &xmlFreeDoc);
  context->myDoc = nullptr;
  if (context->disableSAX != 0) {
    const xmlError* error = xmlCtxtGetLastError(context.get());
    stopped = error != nullptr && error->message != nullptr ? error->message : "unknown error";
    while (!stopped.empty() && (stopped.back() == '\n' || stopped.back() == ' '))
      stopped.pop_back();
  }
  return doc;
}

}  // namespace

HtmlText html_to_text(std::string_view html) {
  HtmlText page;
  const Doc doc = parse(html, page.parse_stopped);
  if (!doc) return page;
  auto* const root = reinterpret_cast<xmlNode*>(doc.get());

  walk(  // links and <title>, from the whole page
      root,
      [&](xmlNode* node) {
        if (is_element(node) && one_of(node->name, {"a"})) {
          const std::string href = attribute(node, "href");
          if (!href.empty()) page.links.push_back({href, node_text(node)});
        }
        if (is_element(node) && one_of(node->name, {"title"}) && page.title.empty()) {
          page.title = node_text(node);
        }
        return is_element(node) || node->type == XML_HTML_DOCUMENT_NODE;
      },
      [](xmlNode*) {});

  TextBuilder out;
  walk(
      root,
      [&](xmlNode* node) {
        if (is_text(node)) out.text(content(node));
        if (!is_element(node)) return node->type == XML_HTML_DOCUMENT_NODE;
        if (dropped(node)) return false;
        if (page.language.empty() &&
            one_of(node->name, {"html", "body", "div", "section", "article", "main"})) {
          page.language = attribute(node, "lang");
          if (page.language.empty()) page.language = attribute(node, "xml:lang");
        }
        if (page.heading.empty() && one_of(node->name, {"h1", "h2", "h3"})) {
          page.heading = node_text(node);
        }
        if (is_block(node)) out.paragraph();
        if (one_of(node->name, {"br"})) out.line_break();
        if (one_of(node->name, {"td", "th"})) out.space();
        return true;
      },
      [&](xmlNode* node) {
        if (is_element(node) && is_block(node)) out.paragraph();
        if (is_element(node) && one_of(node->name, {"td", "th"})) out.space();
      });
  page.text = out.take();
  return page;
}

void check_complete(const HtmlText& page, const std::string& where) {
  if (page.parse_stopped.empty()) return;
  throw InputError("input.path: '" + where + "' could not be read to the end (libxml2: " +
                   page.parse_stopped + "); simplify or split that page");
}

std::string href_target(std::string_view href) {
  while (!href.empty() && is_space(href.front())) href.remove_prefix(1);
  while (!href.empty() && is_space(href.back())) href.remove_suffix(1);
  href = href.substr(0, std::min(href.find('#'), href.find('?')));
  if (href.empty() || href.front() == '/') return {};
  const std::size_t colon = href.find(':');
  if (colon != std::string_view::npos && href.find('/') > colon) return {};  // a scheme
  std::string path;
  for (std::size_t i = 0; i < href.size(); ++i) {
    auto hex = [&](std::size_t k) {
      return k < href.size() && std::isxdigit(static_cast<unsigned char>(href[k]));
    };
    if (href[i] == '%' && hex(i + 1) && hex(i + 2)) {
      path += static_cast<char>(std::stoi(std::string(href.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      path += href[i];
    }
  }
  return path;
}

}  // namespace mpibatch::io
