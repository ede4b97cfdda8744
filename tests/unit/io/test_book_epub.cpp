#include <gtest/gtest.h>
#include <zip.h>

#include <stdexcept>
#include <utility>
#include <vector>

#include "book_test_util.h"
#include "mpibatch/error.h"
#include "mpibatch/io/book_reader.h"
#include "support/temp_dir.h"

namespace mi = mpibatch::io;
using mpibatch::io::testing::error_of;
using mpibatch::testing::TempDir;

namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;

/// Writes a zip archive of `entries` (name, content), in that order, the first stored.
std::string write_zip(const std::string& path, const Entries& entries) {
  int code = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  if (archive == nullptr) throw std::runtime_error("zip_open failed for " + path);
  for (const auto& [name, content] : entries) {
    zip_source_t* source = zip_source_buffer(archive, content.data(), content.size(), 0);
    const zip_int64_t index = zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8);
    if (index < 0) throw std::runtime_error("zip_file_add failed for " + name);
    if (name == "mimetype") zip_set_file_compression(archive, index, ZIP_CM_STORE, 0);
  }
  if (zip_close(archive) != 0) throw std::runtime_error("zip_close failed for " + path);
  return path;
}

const std::string kContainer =
    R"(<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>)";

std::string xhtml(const std::string& title, const std::string& body, const std::string& lang = "") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
         "<html xmlns=\"http://www.w3.org/1999/xhtml\" "
         "xmlns:epub=\"http://www.idpf.org/2007/ops\"" +
         (lang.empty() ? "" : " xml:lang=\"" + lang + "\"") + ">\n<head>" +
         (title.empty() ? "<title/>" : "<title>" + title + "</title>") +
         "<link rel=\"stylesheet\" href=\"../style.css\"/></head>\n<body>" + body +
         "</body></html>\n";
}

std::string opf(const std::string& manifest, const std::string& spine,
                const std::string& spine_attributes = "") {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="uid">urn:uuid:1234</dc:identifier>
    <dc:title>The Salt &amp; the
       Sea</dc:title>
    <dc:language>fr-CA</dc:language>
  </metadata>
  <manifest>)" +
         manifest + "</manifest>\n  <spine" + spine_attributes + ">" + spine +
         "</spine>\n</package>\n";
}

/// A well-formed EPUB 3 whose spine order differs from file and manifest order.
Entries sample_epub() {
  const std::string manifest = R"(
    <item id="c1" href="text/ch%201.xhtml" media-type="application/xhtml+xml"/>
    <item id="c2" href="text/notes.xhtml" media-type="application/xhtml+xml"/>
    <item id="c3" href="text/ch3.xhtml" media-type="application/xhtml+xml"/>
    <item id="c4" href="../extra/ch4.xhtml" media-type="application/xhtml+xml"/>
    <item id="c5" href="text/appendix.xhtml" media-type="application/xhtml+xml"/>
    <item id="cover" href="images/cover.svg" media-type="image/svg+xml"/>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
  )";
  const std::string spine = R"(
    <itemref idref="cover"/><itemref idref="c3"/><itemref idref="c1"/>
    <itemref idref="c2" linear="no"/><itemref idref="c4"/><itemref idref="c5"/>
  )";
  const std::string nav = xhtml("Contents",
                                "<nav epub:type=\"toc\"><h1>Contents</h1><ol>"
                                "<li><a href=\"text/ch3.xhtml#start\">Prologue</a></li>"
                                "<li><a href=\"text/ch%201.xhtml\">Label One</a></li>"
                                "<li><a href=\"../extra/ch4.xhtml\"></a></li></ol></nav>");
  return {
      {"mimetype", "application/epub+zip"},
      {"META-INF/container.xml", kContainer},
      {"OEBPS/text/ch 1.xhtml",
       xhtml("Ignored title",
             "<section epub:type=\"chapter\"><h1 class=\"t\">First <em>Light</em></h1>"
             "<p>It was <em>dark</em> &amp; <span class=\"x\">cold</span>&#8217;s&nbsp;"
             "night.<a id=\"n1\"/></p><script>alert(1)</script>"
             "<div><p>Second <strong>para<br/>graph</strong>.</p></div></section>",
             "en")},
      {"OEBPS/text/notes.xhtml", xhtml("Notes", "<p>Only by link.</p>")},
      {"OEBPS/text/ch3.xhtml", xhtml("Ch3 title", "<p id=\"start\">Once upon a time.</p>")},
      {"extra/ch4.xhtml", xhtml("Epilogue Title", "<p>The end.</p>")},
      {"OEBPS/text/appendix.xhtml", xhtml("", "<p>More.</p>")},
      {"OEBPS/images/cover.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"},
      {"OEBPS/nav.xhtml", nav},
      {"OEBPS/content.opf", opf(manifest, spine)},
  };
}

Entries with(Entries entries, const std::string& name, const std::string& content) {
  for (auto& entry : entries) {
    if (entry.first == name) entry.second = content;
  }
  return entries;
}

Entries without(Entries entries, const std::string& name) {
  Entries out;
  for (auto& entry : entries) {
    if (entry.first != name) out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace

TEST(BookEpub, ChaptersInSpineOrderWithTitlesLanguageAndText) {
  TempDir dir;
  const auto path = write_zip(dir.file("salt.epub"), sample_epub());
  const auto book = mi::read_book(path, {});
  EXPECT_EQ(book.title, "The Salt & the Sea");
  EXPECT_EQ(book.language, "fr-CA");
  EXPECT_EQ(book.source, path);
  ASSERT_EQ(book.chapters.size(), 4u);  // no cover image, no non-linear notes
  const auto& prologue = book.chapters[0];
  EXPECT_EQ(prologue.title, "Prologue");  // no heading: the nav document's label
  EXPECT_EQ(prologue.text, "Once upon a time.");
  EXPECT_EQ(prologue.source, path + "!OEBPS/text/ch3.xhtml");
  EXPECT_EQ(prologue.language, "");
  const auto& first = book.chapters[1];
  EXPECT_EQ(first.index, 1u);
  EXPECT_EQ(first.title, "First Light");  // the heading beats label and <title>
  EXPECT_EQ(first.language, "en");
  EXPECT_EQ(first.source, path + "!OEBPS/text/ch 1.xhtml");
  EXPECT_EQ(first.text, "First Light\n\nIt was dark & cold\u2019s night.\n\nSecond para\ngraph.");
  EXPECT_EQ(book.chapters[2].title, "Epilogue Title");  // empty label: the <title>
  EXPECT_EQ(book.chapters[2].source, path + "!extra/ch4.xhtml");
  EXPECT_EQ(book.chapters[2].text, "The end.");
  EXPECT_EQ(book.chapters[3].title, "appendix");  // nothing else: the file stem
  EXPECT_EQ(book.chapters[3].index, 3u);
}

TEST(BookEpub, Epub2WithPrefixedNamespacesAndNcxLabels) {
  TempDir dir;
  const std::string package = R"(<?xml version="1.0"?>
<opf:package xmlns:opf="http://www.idpf.org/2007/opf" xmlns:d="http://purl.org/dc/elements/1.1/"
             version="2.0">
  <opf:metadata><d:title>Old Style</d:title><d:language>en-US</d:language></opf:metadata>
  <opf:manifest>
    <opf:item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
    <opf:item id="b" href="b.html" media-type="application/xhtml+xml"/>
    <opf:item id="a" href="a.html" media-type="application/xhtml+xml"/>
  </opf:manifest>
  <opf:spine toc="ncx"><opf:itemref idref="b"/><opf:itemref idref="a"/></opf:spine>
</opf:package>)";
  const std::string ncx = R"(<?xml version="1.0"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><navMap>
  <navPoint id="p1"><navLabel><text>Book B</text></navLabel><content src="b.html#top"/>
    <navPoint id="p2"><navLabel><text>Inner B</text></navLabel><content src="b.html#x"/></navPoint>
  </navPoint>
  <navPoint id="p3"><navLabel><text>Book A</text></navLabel><content src="a.html"/></navPoint>
</navMap></ncx>)";
  const auto path = write_zip(
      dir.file("old.epub"),
      {{"mimetype", "application/epub+zip"},
       {"META-INF/container.xml",
        "<container xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\"><rootfiles>"
        "<rootfile full-path=\"content.opf\" media-type=\"application/oebps-package+xml\"/>"
        "</rootfiles></container>"},
       {"content.opf", package},
       {"toc.ncx", ncx},
       {"a.html", xhtml("A", "<p>a</p>")},
       {"b.html", xhtml("B", "<p>b</p>")}});
  const auto book = mi::read_book(path, {});
  EXPECT_EQ(book.title, "Old Style");
  EXPECT_EQ(book.language, "en-US");
  ASSERT_EQ(book.chapters.size(), 2u);
  EXPECT_EQ(book.chapters[0].title, "Book B");
  EXPECT_EQ(book.chapters[0].text, "b");
  EXPECT_EQ(book.chapters[1].title, "Book A");
}

TEST(BookEpub, FormatOptionReadsAnEpubWithAnotherExtension) {
  TempDir dir;
  const auto path = write_zip(dir.file("salt.zip"), sample_epub());
  mi::BookOptions epub;
  epub.format = "epub";
  EXPECT_EQ(mi::read_book(path, epub).chapters.size(), 4u);
}

TEST(BookEpub, NoExternalEntitiesAreLoaded) {
  TempDir dir;
  const auto secret = dir.write("secret.txt", "TOP-SECRET");
  const std::string manifest =
      R"(<item id="c1" href="text/ch3.xhtml" media-type="application/xhtml+xml"/>)";
  std::string package = opf(manifest, R"(<itemref idref="c1"/>)");
  package.replace(package.find("<package"), 0,
                  "<!DOCTYPE package [<!ENTITY leak SYSTEM \"file://" + secret + "\">]>\n");
  package.replace(package.find("The Salt"), 0, "&leak;");
  const auto path =
      write_zip(dir.file("xxe.epub"), with(sample_epub(), "OEBPS/content.opf", package));
  const auto book = mi::read_book(path, {});
  EXPECT_EQ(book.title.find("TOP-SECRET"), std::string::npos) << book.title;
  EXPECT_NE(book.title.find("The Salt"), std::string::npos);
}

TEST(BookEpub, DamagedEpubsAreInputErrorsNamingTheProblem) {
  TempDir dir;
  const Entries good = sample_epub();
  const auto message = [&](const std::string& name, const Entries& entries) {
    return error_of(write_zip(dir.file(name), entries));
  };
  const std::string manifest =
      R"(<item id="c1" href="text/ch3.xhtml" media-type="application/xhtml+xml"/>)";

  const auto not_zip = dir.write("text.epub", "just some text, not a zip archive");
  EXPECT_NE(error_of(not_zip).find("input.path: '" + not_zip + "' is not a zip archive"),
            std::string::npos)
      << error_of(not_zip);

  const std::string whole = mpibatch::testing::read_file(write_zip(dir.file("whole.epub"), good));
  const auto truncated = dir.write("truncated.epub", whole.substr(0, whole.size() / 2));
  EXPECT_NE(error_of(truncated).find("input.path: '" + truncated + "'"), std::string::npos)
      << error_of(truncated);

  EXPECT_NE(message("no_container.epub", without(good, "META-INF/container.xml"))
                .find("no META-INF/container.xml"),
            std::string::npos);

  const std::string no_opf = message("no_opf.epub", without(good, "OEBPS/content.opf"));
  EXPECT_NE(no_opf.find("META-INF/container.xml points to 'OEBPS/content.opf', which is not in "
                        "the archive; repair or re-export the EPUB"),
            std::string::npos)
      << no_opf;
  EXPECT_NE(no_opf.find("input.path: EPUB '" + dir.file("no_opf.epub") + "': "), std::string::npos)
      << no_opf;

  const std::string bad_xml =
      message("bad_xml.epub", with(good, "OEBPS/content.opf", "<package><oops></package>"));
  EXPECT_NE(bad_xml.find("'OEBPS/content.opf' is not well-formed XML (line 1: "), std::string::npos)
      << bad_xml;

  const std::string empty =
      message("empty.epub", with(good, "OEBPS/content.opf", opf(manifest, "")));
  EXPECT_NE(empty.find("the spine of 'OEBPS/content.opf' lists no documents"), std::string::npos)
      << empty;

  const std::string ghost = message(
      "ghost.epub", with(good, "OEBPS/content.opf", opf(manifest, R"(<itemref idref="ghost"/>)")));
  EXPECT_NE(ghost.find("spine itemref idref='ghost' has no item in the manifest of "
                       "'OEBPS/content.opf'"),
            std::string::npos)
      << ghost;

  const std::string missing = message("missing.epub", without(good, "OEBPS/text/ch3.xhtml"));
  EXPECT_NE(missing.find("manifest item 'c3' of 'OEBPS/content.opf' points to "
                         "'OEBPS/text/ch3.xhtml', which is not in the archive"),
            std::string::npos)
      << missing;
  EXPECT_EQ(missing.find('\n'), std::string::npos);
}
