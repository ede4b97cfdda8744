#pragma once
/// \file Plain text of an HTML or XHTML page (libxml2's HTML parser), shared by the HTML and
/// EPUB book readers: what a reader would read aloud, in paragraphs.
///
/// NOTE [what html_to_text drops]: script, style, head, noscript, template, nav, svg, iframe,
/// object, select, textarea; elements with role="navigation"; elements whose class or id has a
/// navigation token (docnav, navheader, navfooter, breadcrumb(s), toc, banner); and <pre>
/// blocks, which in books are code listings and terminal sessions (the Markdown reader drops
/// code blocks too). Images are dropped with their alt text.

#include <string>
#include <string_view>
#include <vector>

namespace mpibatch::io {

/// A link (<a href>) of a page, anywhere in it (dropped parts included: they hold the TOC).
struct HtmlLink {
  std::string href;  ///< as written
  std::string text;  ///< its text, whitespace collapsed
};

struct HtmlText {
  /// Paragraphs separated by a blank line: block elements (p, div, li, h1-h6, blockquote, tr,
  /// section, figure, ...) end a paragraph, headings are paragraphs of their own, <br> is a
  /// line break (two or more: a paragraph break). Inline whitespace is collapsed; no-break
  /// spaces become plain spaces and soft hyphens go.
  std::string text;
  std::string heading;          ///< text of the first h1, h2 or h3 that is kept; empty if none
  std::string title;            ///< text of <title>; empty if none
  std::string language;         ///< lang / xml:lang of <html>, <body> or the first div/section/
                                ///< article/main that has one; empty if none
  std::vector<HtmlLink> links;  ///< in document order
  /// Non-empty when libxml2 stopped before the end of the page (its reason): the text is
  /// incomplete and the caller reports the file.
  std::string parse_stopped;
};

/// Parses `html` leniently (recovering from errors, no network, HTML entities decoded, the
/// charset from <meta> or the XML declaration, else UTF-8 when valid, else Latin-1).
HtmlText html_to_text(std::string_view html);

/// InputError "input.path: '<where>' ..." if the parse of `page` stopped early; else nothing.
void check_complete(const HtmlText& page, const std::string& where);

/// The local path a link points to: without #fragment and ?query, %-decoded. Empty for links
/// with a scheme (http:, mailto:), absolute paths ("/x") and same-page links ("#x").
std::string href_target(std::string_view href);

}  // namespace mpibatch::io
