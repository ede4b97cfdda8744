// Markdown to plain text, and chapter splitting of Markdown books, on the inputs that broke a
// regex-based version: long lines, code fences, prose that looks like markup.
#include <gtest/gtest.h>

#include "mpibatch/io/book_reader.h"
#include "support/temp_dir.h"

namespace mi = mpibatch::io;
using mpibatch::testing::TempDir;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST(MarkdownText, LinksImagesTagsAndEmphasisBecomePlainText) {
  const std::string text = mi::markdown_to_text(
      "See [the map](http://x.org/a_(b)) and ![a gull](gull.png). <b>Bold</b> *it* **is** "
      "`code` _here_.\n");
  EXPECT_TRUE(contains(text, "See the map and a gull. Bold it is code here.")) << text;
}

TEST(MarkdownText, ProseThatLooksLikeMarkupStays) {
  const std::string text = mi::markdown_to_text(
      "If a < b and c > d, then 2 * 3 = 6 in snake_case.\nThe war ended in\n1945. Everyone "
      "went home.\n");
  EXPECT_TRUE(contains(text, "If a < b and c > d, then 2 * 3 = 6 in snake_case.")) << text;
  EXPECT_TRUE(contains(text, "1945. Everyone went home.")) << text;
}

TEST(MarkdownText, ListsAfterABlankLineAreParagraphs) {
  const std::string text = mi::markdown_to_text("Intro:\n\n1. First\n2. Second\n- Third\n");
  EXPECT_TRUE(contains(text, "\n\nFirst\n\n\nSecond\n\n\nThird\n")) << text;
}

TEST(MarkdownText, CodeBlocksAndCommentsAreDroppedButTheProseAfterThemStays) {
  const std::string text = mi::markdown_to_text(
      "Before.\n  ```bash\n# not a heading\n```\nAfter code text.\n<!-- a\ncomment -->\nEnd.\n");
  EXPECT_FALSE(contains(text, "not a heading"));
  EXPECT_FALSE(contains(text, "comment"));
  EXPECT_TRUE(contains(text, "After code text.")) << text;
  EXPECT_TRUE(contains(text, "End.")) << text;
}

TEST(MarkdownText, VeryLongLinesAreLinearNotACrash) {
  const std::string data_uri =
      "![a drawing](data:image/png;base64," + std::string(100000, 'A') + ")";
  EXPECT_TRUE(
      contains(mi::markdown_to_text("Look: " + data_uri + " done.\n"), "Look: a drawing done."));
  for (const std::string& opener : {"[", "_", "*", "<", "!["}) {
    const std::string line = opener + std::string(80000, 'w') + " end.";
    EXPECT_TRUE(contains(mi::markdown_to_text(line + "\n"), " end.")) << opener;
  }
}

TEST(MarkdownBook, HashLinesInCodeDoNotDecideTheChapterLevel) {
  TempDir dir;
  const auto path = dir.write("book.md",
                              "# Title\n\n## One\n\nText one.\n\n```bash\n# a comment\n"
                              "# another\n```\n\n## Two\n\nText two.\n\n## Three\n\nText three.\n");
  const auto book = mi::read_book(path, {});
  ASSERT_EQ(book.chapters.size(), 4u);  // front matter + 3 chapters at level 2
  EXPECT_EQ(book.chapters[1].title, "One");
  EXPECT_EQ(book.chapters[3].title, "Three");
}

TEST(MarkdownBook, IndentedFencesHideHeadingsAndKeepTheTextAfterThem) {
  TempDir dir;
  const auto path = dir.write("book.md",
                              "## One\n\nIntro.\n\n   ```\n## inside code\n   ```\n\nAfter code "
                              "text.\n\n## Two\n\nMore.\n");
  const auto book = mi::read_book(path, {});
  ASSERT_EQ(book.chapters.size(), 2u);
  EXPECT_TRUE(contains(book.chapters[0].text, "After code text.")) << book.chapters[0].text;
}

TEST(MarkdownBook, AHugeLineInAChapterIsReadWithoutCrashing) {
  TempDir dir;
  dir.write("book/chapter1.md", "# One\n\n![x](data:," + std::string(200000, 'Q') + ") Text.\n");
  const auto book = mi::read_book(dir.file("book"), {});
  ASSERT_EQ(book.chapters.size(), 1u);
  EXPECT_TRUE(contains(book.chapters[0].text, "x Text.")) << book.chapters[0].text.size();
}

TEST(TextBook, ChapterWordLines) {
  TempDir dir;
  const auto path = dir.write("book.txt",
                              "Chapter 1: Dawn\nText.\nChapters are long.\nCHAPTER IV\nMore.\n"
                              "chapter 12\nEnd.\nChapter of accidents is no heading.\n");
  const auto book = mi::read_book(path, {});
  ASSERT_EQ(book.chapters.size(), 3u);
  EXPECT_EQ(book.chapters[0].title, "Chapter 1: Dawn");
  EXPECT_EQ(book.chapters[1].title, "CHAPTER IV");
  EXPECT_EQ(book.chapters[2].title, "chapter 12");
}
