// chapter_file_name(): numbering, ASCII and UTF-8 titles, separators, empty and long titles.
#include <gtest/gtest.h>

#include <string>

#include "mpibatch/audio/audio_book_writer.h"

namespace mpibatch::audio {
namespace {

std::string name_of(std::uint32_t index, const std::string& title,
                    const std::string& format = "wav") {
  io::ChapterRecord chapter;
  chapter.index = index;
  chapter.title = title;
  return chapter_file_name(chapter, format);
}

std::string repeat(const std::string& piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += piece;
  return out;
}

TEST(ChapterFileName, AsciiTitleIsLowerCasedWithDashes) {
  EXPECT_EQ(name_of(6, "The Storm"), "007-the-storm.wav");
  EXPECT_EQ(name_of(0, "Chapter 1: A New Beginning!", "flac"),
            "001-chapter-1-a-new-beginning.flac");
  EXPECT_EQ(name_of(1, "  --Hello,   World--  "), "002-hello-world.wav");
  EXPECT_EQ(name_of(2, "tab\there\nnewline"), "003-tab-here-newline.wav");
}

TEST(ChapterFileName, NumberGrowsPastThreeDigits) {
  EXPECT_EQ(name_of(998, "x"), "999-x.wav");
  EXPECT_EQ(name_of(1233, "x"), "1234-x.wav");
}

TEST(ChapterFileName, SlashesAndDotsNeverMakeAPath) {
  EXPECT_EQ(name_of(0, "Part I / Chapter 2\\b"), "001-part-i-chapter-2-b.wav");
  EXPECT_EQ(name_of(0, "../../etc/passwd"), "001-etc-passwd.wav");
  EXPECT_EQ(name_of(0, ".."), "001-chapter.wav");
}

TEST(ChapterFileName, JapaneseLettersAreKeptAndItsPunctuationIsADash) {
  // U+3000 ideographic space and the corner brackets are separators; kana and kanji stay.
  EXPECT_EQ(name_of(0, "第一章\u3000吾輩は猫である"), "001-第一章-吾輩は猫である.wav");
  EXPECT_EQ(name_of(1, "「はじめに」"), "002-はじめに.wav");
  EXPECT_EQ(name_of(2, "猫、犬。"), "003-猫-犬.wav");
}

TEST(ChapterFileName, OtherScriptsKeepTheirLettersAsTheyAre) {
  EXPECT_EQ(name_of(0, "Éducation Française"), "001-Éducation-française.wav");
  EXPECT_EQ(name_of(0, "Глава 1 — Начало"), "001-Глава-1-Начало.wav");
  EXPECT_EQ(name_of(0, "\xF0\x9F\x8E\x89 Party"), "001-party.wav");  // emoji
}

TEST(ChapterFileName, MalformedUtf8BecomesADash) {
  EXPECT_EQ(name_of(0,
                    "a\xFF"
                    "b"),
            "001-a-b.wav");
  EXPECT_EQ(name_of(0, "a\xE7\x8C"), "001-a.wav");  // truncated sequence at the end
}

TEST(ChapterFileName, EmptyOrPunctuationOnlyTitleIsChapter) {
  EXPECT_EQ(name_of(0, ""), "001-chapter.wav");
  EXPECT_EQ(name_of(4, "!!! ???"), "005-chapter.wav");
  EXPECT_EQ(name_of(4, "\u3000\u3000"), "005-chapter.wav");
}

TEST(ChapterFileName, LongTitleIsCutAtSixtyBytesOnACharacterBoundary) {
  EXPECT_EQ(name_of(0, repeat("a", 100)), "001-" + repeat("a", 60) + ".wav");
  // 3-byte characters: 20 fit in 60 bytes.
  EXPECT_EQ(name_of(0, repeat("猫", 30)), "001-" + repeat("猫", 20) + ".wav");
  // 1 + 19 * 3 = 58 bytes; a 20th would end inside the 60-byte limit's last sequence.
  EXPECT_EQ(name_of(0, "a" + repeat("猫", 30)), "001-a" + repeat("猫", 19) + ".wav");
  // A cut right after a separator leaves no trailing dash.
  EXPECT_EQ(name_of(0, repeat("a", 59) + " bcd"), "001-" + repeat("a", 59) + ".wav");
}

}  // namespace
}  // namespace mpibatch::audio
