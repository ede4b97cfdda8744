#include <gtest/gtest.h>

#include "mpibatch/error.h"
#include "mpibatch/io/book_reader.h"
#include "support/temp_dir.h"

namespace mi = mpibatch::io;
using mpibatch::testing::TempDir;

namespace {

std::string page(const std::string& title, const std::string& body, const std::string& lang = "") {
  return "<!DOCTYPE html>\n<html" + (lang.empty() ? "" : " lang=\"" + lang + "\"") +
         "><head><title>" + title + "</title></head>\n<body>" + body + "</body></html>\n";
}

std::vector<std::string> titles(const mpibatch::work::Book& book) {
  std::vector<std::string> out;
  for (const auto& chapter : book.chapters) out.push_back(chapter.title);
  return out;
}

}  // namespace

TEST(BookHtml, OneFileIsOneChapterOfItsText) {
  TempDir dir;
  const auto path =
      dir.write("story.html",
                "<!DOCTYPE html>\n<html lang=\"de-AT\"><head><title>Page Title</title>"
                "<style>p { color: red }</style><script>var x = \"<p>no</p>\";</script></head>\n"
                "<body><nav><a href=\"a.html\">Home</a></nav>\n"
                "<ul class=\"docnav top\"><li>Prev</li></ul>\n"
                "<div role=\"navigation\">Skip me</div>\n"
                "<h1>The <em>Real</em>\n Title</h1>\n"
                "<p>First   line<br>second&nbsp;line with <b>bold</b>&amp;<i>italic</i> "
                "&#8220;quotes&#8221;.</p>\n"
                "<pre>code();</pre>\n"
                "<ul><li>one</li><li>two <span>more</span></li></ul>\n"
                "<table><tr><td>a</td><td>b</td></tr></table>\n"
                "<noscript>enable js</noscript><template><p>tpl</p></template>\n"
                "<div class=\"breadcrumbs\">Home &gt; Book</div>\n"
                "<p>Last.</p></body></html>\n");
  const auto book = mi::read_book(path, {});
  EXPECT_EQ(book.title, "Page Title");
  EXPECT_EQ(book.language, "de-AT");
  EXPECT_EQ(book.source, path);
  ASSERT_EQ(book.chapters.size(), 1u);
  const auto& chapter = book.chapters[0];
  EXPECT_EQ(chapter.title, "The Real Title");
  EXPECT_EQ(chapter.language, "de-AT");
  EXPECT_EQ(chapter.source, path);
  EXPECT_EQ(chapter.text,
            "The Real Title\n\n"
            "First line\nsecond line with bold&italic \u201Cquotes\u201D.\n\n"
            "one\n\ntwo more\n\na b\n\nLast.");
}

TEST(BookHtml, TitleFallsBackToTitleElementThenStem) {
  TempDir dir;
  auto book = mi::read_book(dir.write("a.htm", page("Only Title", "<p>x</p>")), {});
  EXPECT_EQ(book.chapters.at(0).title, "Only Title");
  book = mi::read_book(dir.write("bare-page.xhtml", "<p>Just <b>text</b>.</p>"), {});
  EXPECT_EQ(book.title, "bare-page");
  EXPECT_EQ(book.chapters.at(0).title, "bare-page");
  EXPECT_EQ(book.chapters.at(0).text, "Just text.");
  EXPECT_EQ(book.language, "");
}

TEST(BookHtml, CharsetIsDecodedToUtf8) {
  TempDir dir;
  const auto latin1 = dir.write(
      "latin1.html",
      "<html><head><meta charset=\"iso-8859-1\"></head><body><p>caf\xE9</p></body></html>");
  EXPECT_EQ(mi::read_book(latin1, {}).chapters.at(0).text, "caf\u00E9");
  const auto utf8 = dir.write("utf8.html", "<p>caf\u00E9 \u65E5\u672C</p>");
  EXPECT_EQ(mi::read_book(utf8, {}).chapters.at(0).text, "caf\u00E9 \u65E5\u672C");
}

TEST(BookHtml, LanguageFromXmlLangOrTheFirstContainer) {
  TempDir dir;
  const auto xml_lang =
      dir.write("x.xhtml",
                "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"ja-JP\"><body>"
                "<p>x</p></body></html>");
  EXPECT_EQ(mi::read_book(xml_lang, {}).language, "ja-JP");
  const auto docbook = dir.write(  // publican/docbook: the language is on the first div
      "d.html",
      "<html><body><p>intro <span lang=\"fr\">oui</span></p>"
      "<div class=\"book\" lang=\"ar-MA\"><p>x</p></div></body></html>");
  EXPECT_EQ(mi::read_book(docbook, {}).chapters.at(0).language, "ar-MA");
}

TEST(BookHtml, FolderFollowsItsIndexLinks) {
  TempDir dir;
  dir.write(
      "book/index.html",
      page("The Whole Book",
           "<p>Welcome to the book.</p><div class=\"toc\"><ul>"
           "<li><a href=\"c.html\">C</a></li><li><a href=\"a.html#part\">A</a></li>"
           "<li><a href=\"./b.html\">B</a></li><li><a href=\"c.html#again\">C2</a></li>"
           "<li><a href=\"https://example.org/x.html\">web</a></li>"
           "<li><a href=\"../outside.html\">out</a></li><li><a href=\"missing.html\">m</a></li>"
           "</ul></div>",
           "en-GB"));
  dir.write("book/a.html", page("A page", "<h2>Alpha</h2><p>a text</p>"));
  dir.write("book/b.html", page("B page", "<h1>Beta</h1><p>b text</p>"));
  dir.write("book/c.html", page("C page", "<h3>Gamma</h3><p>c text</p>"));
  dir.write("book/d.html", page("D page", "<p>not linked</p>"));
  dir.write("book/e.md", "# Epsilon\n\ne *text*\n");
  dir.write("outside.html", page("Outside", "<p>no</p>"));
  const auto book = mi::read_book(dir.file("book"), {});
  EXPECT_EQ(book.title, "The Whole Book");
  EXPECT_EQ(book.language, "en-GB");
  EXPECT_EQ(titles(book), (std::vector<std::string>{"The Whole Book", "Gamma", "Alpha", "Beta",
                                                    "D page", "Epsilon"}));
  EXPECT_EQ(book.chapters[0].text, "Welcome to the book.");  // the TOC is not read
  EXPECT_EQ(book.chapters[1].source, dir.file("book/c.html"));
  EXPECT_EQ(book.chapters[1].text, "Gamma\n\nc text");
  EXPECT_EQ(book.chapters[5].index, 5u);
  EXPECT_NE(book.chapters[5].text.find("e text"), std::string::npos);
}

TEST(BookHtml, IndexWithOnlyATableOfContentsIsNotAChapter) {
  TempDir dir;
  dir.write("book/toc.html", page("Contents",
                                  "<nav><a href=\"two.html\">2</a> "
                                  "<a href=\"one.html\">1</a></nav>"));
  dir.write("book/one.html", page("One", "<p>1</p>"));
  dir.write("book/two.html", page("Two", "<p>2</p>"));
  const auto book = mi::read_book(dir.file("book"), {});
  EXPECT_EQ(titles(book), (std::vector<std::string>{"Two", "One"}));
  EXPECT_EQ(book.title, "Contents");
}

TEST(BookHtml, FolderWithoutIndexIsInNaturalOrderEachFileByItsExtension) {
  TempDir dir;
  dir.write("book/chapter10.html", page("Ten", "<p>ten</p>"));
  dir.write("book/chapter2.html", page("Two", "<p>two &amp; a half</p>"));
  dir.write("book/chapter3.txt", "<p>three</p>");
  const auto book = mi::read_book(dir.file("book"), {});
  EXPECT_EQ(book.title, "book");
  EXPECT_EQ(titles(book), (std::vector<std::string>{"Two", "chapter3", "Ten"}));
  EXPECT_EQ(book.chapters[0].text, "two & a half");
  EXPECT_EQ(book.chapters[1].text, "<p>three</p>");  // a .txt file is text, markup and all
}

TEST(BookHtml, FormatOptionOverridesTheExtension) {
  TempDir dir;
  const auto path = dir.write("page.txt", "<p>a &amp; b</p>");
  mi::BookOptions html;
  html.format = "html";
  EXPECT_EQ(mi::read_book(path, html).chapters.at(0).text, "a & b");
  EXPECT_EQ(mi::read_book(path, {}).chapters.at(0).text, "<p>a &amp; b</p>\n");
  mi::BookOptions bad;
  bad.format = "pdf";
  try {
    mi::read_book(path, bad);
    FAIL() << "no error";
  } catch (const mpibatch::InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "input.format: unknown format 'pdf'; use auto, text, markdown, html or epub");
  }
}

TEST(BookHtml, APageLibxml2GivesUpOnIsAnErrorNotASilentlyShortChapter) {
  TempDir dir;
  std::string deep = "<html><body><p>Start.</p>";
  for (int i = 0; i < 5000; ++i) deep += "<div>";
  deep += "deep text</body></html>";
  const std::string file = dir.write("deep.html", deep);
  try {
    mi::read_book(file, {});
    FAIL() << "expected InputError";
  } catch (const mpibatch::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'" + file + "' could not be read to the end (libxml2: "),
              std::string::npos)
        << e.what();
  }
  // An ordinary page with sloppy markup is not such a case.
  const std::string sloppy = dir.write("sloppy.html", "<p>One<p>Two <b>bold</i> <div>x</span>");
  EXPECT_NO_THROW(mi::read_book(sloppy, {}));
}
