#include <gtest/gtest.h>

#include "book_test_util.h"
#include "mpibatch/error.h"
#include "mpibatch/io/book_reader.h"
#include "support/temp_dir.h"

namespace mi = mpibatch::io;
using mpibatch::io::testing::error_of;
using mpibatch::testing::TempDir;

TEST(BookReader, FolderChaptersInNaturalOrderWithTitles) {
  TempDir dir;
  dir.write("book/chapter10.txt", "Ten.");
  dir.write("book/chapter2.md", "# The Second\n\nTwo *emphasised* words.");
  dir.write("book/chapter1.txt", "One.");
  dir.write("book/notes.pdf", "ignored");
  dir.write("book/.hidden.txt", "ignored");
  const auto book = mi::read_book(dir.file("book"), {});
  ASSERT_EQ(book.chapters.size(), 3u);
  EXPECT_EQ(book.chapters[0].title, "chapter1");
  EXPECT_EQ(book.chapters[1].title, "The Second");
  EXPECT_EQ(book.chapters[2].title, "chapter10");
  EXPECT_EQ(book.chapters[1].index, 1u);
  EXPECT_NE(book.chapters[1].text.find("Two emphasised words."), std::string::npos);
  EXPECT_EQ(book.chapters[1].text.find('*'), std::string::npos);
  EXPECT_EQ(book.chapters[2].source, dir.file("book/chapter10.txt"));
}

TEST(BookReader, MarkdownFileSplitsAtTheRepeatedHeadingLevel) {
  TempDir dir;
  const auto path =
      dir.write("book.md",
                "# My Book\n\nForeword text.\n\n## One\n\nFirst [link](http://x) here.\n"
                "```\ncode();\n## not a heading\n```\n## Two\n\n- item a\n- item b\n");
  const auto book = mi::read_book(path, {});
  ASSERT_EQ(book.chapters.size(), 3u);
  EXPECT_EQ(book.chapters[0].title, "");
  EXPECT_NE(book.chapters[0].text.find("Foreword text."), std::string::npos);
  EXPECT_EQ(book.chapters[1].title, "One");
  EXPECT_NE(book.chapters[1].text.find("First link here."), std::string::npos);
  EXPECT_EQ(book.chapters[1].text.find("code()"), std::string::npos);
  EXPECT_EQ(book.chapters[2].title, "Two");
  EXPECT_EQ(book.chapters[2].source, path + ":12");
}

TEST(BookReader, TextFileSplitsAtChapterLines) {
  TempDir dir;
  const auto path = dir.write("book.txt", "CHAPTER I\nIt began.\n\nCHAPTER II\nIt went on.\n");
  const auto book = mi::read_book(path, {});
  ASSERT_EQ(book.chapters.size(), 2u);
  EXPECT_EQ(book.chapters[1].title, "CHAPTER II");
  EXPECT_NE(book.chapters[1].text.find("It went on."), std::string::npos);
}

TEST(BookReader, CustomHeadingRegex) {
  TempDir dir;
  const auto path = dir.write("book.txt", "*** Part A\nalpha\n*** Part B\nbeta\n");
  mi::BookOptions options;
  options.chapter_heading = R"(\*\*\* .*)";
  const auto book = mi::read_book(path, options);
  ASSERT_EQ(book.chapters.size(), 2u);
  EXPECT_EQ(book.chapters[0].title, "*** Part A");
}

TEST(BookReader, FileWithoutHeadingsIsOneChapter) {
  TempDir dir;
  const auto book = mi::read_book(dir.write("story.txt", "Just text.\nMore.\n"), {});
  ASSERT_EQ(book.chapters.size(), 1u);
  EXPECT_EQ(book.title, "story");
}

TEST(BookReader, ClearErrorsForBadInput) {
  TempDir dir;
  EXPECT_EQ(error_of(dir.file("missing")),
            "input.path: no such file or directory '" + dir.file("missing") + "'");
  dir.write("empty/readme.pdf", "x");
  EXPECT_EQ(error_of(dir.file("empty")),
            "input.path: no chapter files (*.txt, *.md, *.markdown, *.html, *.htm, *.xhtml) in '" +
                dir.file("empty") + "'; add chapter files or set input.extensions");
  EXPECT_NE(
      error_of(dir.write("bin.txt", std::string("ab\0cd", 5))).find("looks like a binary file"),
      std::string::npos);
  const std::string latin1 = error_of(dir.write("latin1.txt", "caf\xE9"));
  EXPECT_NE(latin1.find("is not UTF-8 text (invalid byte 0xE9 at offset 3)"), std::string::npos);
  mi::BookOptions bad;
  bad.chapter_heading = "([";
  EXPECT_NE(error_of(dir.write("ok.txt", "x"), bad).find("input.chapter_heading: invalid regular"),
            std::string::npos);
}

TEST(BookReader, ByteOrderMarkIsSkipped) {
  TempDir dir;
  const auto book = mi::read_book(dir.write("bom.txt", "\xEF\xBB\xBFHello."), {});
  EXPECT_EQ(book.chapters[0].text.rfind("Hello.", 0), 0u);
}
