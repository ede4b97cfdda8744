#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mpibatch/work/text_splitter.h"
#include "mpibatch/work/utf8.h"

namespace mw = mpibatch::work;
using Strings = std::vector<std::string>;

TEST(Paragraphs, BlankLinesSeparateAndWhitespaceCollapses) {
  EXPECT_EQ(mw::split_paragraphs("  One\n two  three\n\n\n\tFour.\r\n  \nFive"),
            (Strings{"One two three", "Four.", "Five"}));
  EXPECT_TRUE(mw::split_paragraphs(" \n\t\n ").empty());
}

TEST(Sentences, SplitsAtTerminatorsAndKeepsPunctuation) {
  EXPECT_EQ(
      mw::split_sentences("It rained. Did it stop? No! \"Never,\" she said. Then... silence."),
      (Strings{"It rained.", "Did it stop?", "No!", "\"Never,\" she said.", "Then... silence."}));
}

TEST(Sentences, AbbreviationsInitialsAndNumbersDoNotSplit) {
  EXPECT_EQ(
      mw::split_sentences("Mr. Smith met Dr. Jones at 3.30 p.m. today. J. R. R. Tolkien wrote it."),
      (Strings{"Mr. Smith met Dr. Jones at 3.30 p.m. today.", "J. R. R. Tolkien wrote it."}));
  EXPECT_EQ(mw::split_sentences("Use e.g. this one. Next."),
            (Strings{"Use e.g. this one.", "Next."}));
}

TEST(Sentences, ClosingQuotesStayWithTheSentence) {
  EXPECT_EQ(mw::split_sentences("He said “stop.” Then he left."),
            (Strings{"He said “stop.”", "Then he left."}));
}

TEST(Sentences, CjkTerminatorsNeedNoSpace) {
  EXPECT_EQ(mw::split_sentences("今日は晴れです。明日は雨でしょう！本当？"),
            (Strings{"今日は晴れです。", "明日は雨でしょう！", "本当？"}));
}

TEST(SplitLong, CutsAtSpacesWithinTheLimit) {
  const Strings pieces = mw::split_long("aaa bbb ccc ddd eee", 8);
  EXPECT_EQ(pieces, (Strings{"aaa bbb", "ccc ddd", "eee"}));
  for (const auto& p : pieces) EXPECT_LE(mw::count_code_points(p), 8u);
}

TEST(SplitLong, NeverCutsAWordThatFits) {
  for (std::size_t limit = 5; limit < 30; ++limit) {
    const std::string text = "alpha beta gamma delta epsilon zeta eta theta iota kappa";
    for (const auto& piece : mw::split_long(text, limit)) {
      EXPECT_LE(mw::count_code_points(piece), limit);
      EXPECT_NE(text.find(piece), std::string::npos);  // whole words, original spacing
      EXPECT_NE(piece.front(), ' ');
    }
  }
}

TEST(SplitLong, OverlongWordIsCutBetweenCodePoints) {
  const Strings pieces = mw::split_long("ééééééééé", 4);  // 9 two-byte code points
  EXPECT_EQ(pieces, (Strings{"éééé", "éééé", "é"}));
}

TEST(SplitLong, CjkTextWithoutSpacesCutsAfterClauseMarks) {
  const Strings pieces = mw::split_long("一二三、四五六七八九十", 6);
  EXPECT_EQ(pieces.front(), "一二三、");
  for (const auto& p : pieces) EXPECT_LE(mw::count_code_points(p), 6u);
}

TEST(SplitText, SentenceModeGivesOneItemPerSentence) {
  mw::SplitOptions options;
  options.mode = mw::SplitMode::kSentence;
  options.max_chars = 100;
  EXPECT_EQ(mw::split_text("One. Two.\n\nThree.", options), (Strings{"One.", "Two.", "Three."}));
}

TEST(SplitText, ParagraphModePacksSentencesUpToTheLimit) {
  mw::SplitOptions options;
  options.mode = mw::SplitMode::kParagraph;
  options.max_chars = 12;
  EXPECT_EQ(mw::split_text("One. Two. Three. Four.\n\nFive.", options),
            (Strings{"One. Two.", "Three. Four.", "Five."}));
}

TEST(SplitBook, IdsFollowReadingOrderAndEmptyChaptersGetNoItems) {
  mw::Book book;
  book.chapters = {{0, "a", "a.txt", "First. Second.", ""},
                   {1, "empty", "b.txt", "  \n ", ""},
                   {2, "c", "c.txt", "Third.", ""}};
  const auto items = mw::split_book(book, {});
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].id, 0u);
  EXPECT_EQ(items[1].chapter, 0u);
  EXPECT_EQ(items[1].index, 1u);
  EXPECT_EQ(items[2].id, 2u);
  EXPECT_EQ(items[2].chapter, 2u);
  EXPECT_EQ(items[2].index, 0u);
  EXPECT_EQ(items[2].chars, 6u);
}

TEST(Utf8, ValidationCountingAndPrefixes) {
  EXPECT_FALSE(mw::first_invalid_utf8("héllo 世界 😀").has_value());
  EXPECT_EQ(mw::first_invalid_utf8("ok\xFF").value(), 2u);
  EXPECT_EQ(mw::first_invalid_utf8("a\xC3").value(), 1u);         // truncated
  EXPECT_EQ(mw::first_invalid_utf8("\xC0\xAF").value(), 0u);      // overlong
  EXPECT_EQ(mw::first_invalid_utf8("\xED\xA0\x80").value(), 0u);  // surrogate
  EXPECT_EQ(mw::count_code_points("héllo 世界 😀"), 10u);
  EXPECT_EQ(mw::prefix_bytes("世界x", 1), 3u);
  EXPECT_EQ(mw::prefix_bytes("世界x", 5), 7u);
}
