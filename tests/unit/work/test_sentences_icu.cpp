// Sentences and bounded pieces by ICU, per language (NOTE [sentence rules] in text_splitter.h).
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "mpibatch/work/text_splitter.h"
#include "mpibatch/work/utf8.h"

namespace mw = mpibatch::work;
using Strings = std::vector<std::string>;

namespace {

const std::string kNbsp = "\u00A0";   // no-break space, French « x »
const std::string kNnbsp = "\u202F";  // narrow no-break space, French "x ?"
const std::string kAcute = "\u0301";  // combining acute accent
const std::string kFamily =
    "👨‍👩‍👧";  // man ZWJ woman ZWJ girl: one grapheme, 5 code points

/// `text` without ASCII spaces, to compare what pieces cover with what they came from.
std::string without_spaces(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c != ' ') out += c;
  }
  return out;
}

std::string joined(const Strings& pieces, const std::string& separator = "") {
  std::string out;
  for (const auto& piece : pieces) out += (out.empty() ? "" : separator) + piece;
  return out;
}

/// Checks split_long's contract for every limit in [low, high]: pieces within the limit and,
/// without their spaces, together the input.
void expect_bounded_and_covering(const std::string& text, const std::string& language,
                                 std::size_t low, std::size_t high) {
  for (std::size_t limit = low; limit <= high; ++limit) {
    const Strings pieces = mw::split_long(text, limit, language);
    for (const auto& piece : pieces) {
      EXPECT_LE(mw::count_code_points(piece), limit) << piece;
      EXPECT_FALSE(piece.empty());
    }
    EXPECT_EQ(without_spaces(joined(pieces)), without_spaces(text)) << "limit " << limit;
  }
}

}  // namespace

TEST(SentencesIcu, EnglishAbbreviationsDecimalsQuotesAndEllipses) {
  EXPECT_EQ(mw::split_sentences("Mr. Smith met Dr. Jones at 3.30 p.m. today. Pi is 3.14 exactly. "
                                "Use e.g. Linux or i.e. Debian. J. R. R. Tolkien wrote it.",
                                "en"),
            (Strings{"Mr. Smith met Dr. Jones at 3.30 p.m. today.", "Pi is 3.14 exactly.",
                     "Use e.g. Linux or i.e. Debian.", "J. R. R. Tolkien wrote it."}));
  EXPECT_EQ(mw::split_sentences("\"Is it raining?\" she asked. He said “stop.” Then he left. "
                                "Really?! Yes. Wait... What? It was… nothing.",
                                "en"),
            (Strings{"\"Is it raining?\" she asked.", "He said “stop.”", "Then he left.",
                     "Really?!", "Yes.", "Wait...", "What?", "It was… nothing."}));
}

TEST(SentencesIcu, AbbreviationsMatchWholeWordsOnly) {
  // ICU 72's own "ss=standard" filter suppresses these breaks: "app." ends in "pp.", "sicher."
  // in "r.", both on its lists.
  EXPECT_EQ(mw::split_sentences("Download the app. It works. So did I. Then we left.", "en"),
            (Strings{"Download the app.", "It works.", "So did I.", "Then we left."}));
  EXPECT_EQ(mw::split_sentences("Das ist sicher. Er kommt wieder. Aber nicht heute.", "de"),
            (Strings{"Das ist sicher.", "Er kommt wieder.", "Aber nicht heute."}));
}

TEST(SentencesIcu, FrenchGuillemetsAndNoBreakSpaces) {
  const std::string question = "«" + kNbsp + "Tu viens" + kNnbsp + "?" + kNbsp + "» dit-il.";
  EXPECT_EQ(mw::split_sentences(question + " Oui" + kNnbsp + "! M. Dupont arrive. Fin.", "fr-FR"),
            (Strings{question, "Oui" + kNnbsp + "!", "M. Dupont arrive.", "Fin."}));
  EXPECT_EQ(mw::split_sentences("« Tu viens ? » demanda-t-elle. « Non ! » Il partit.", "fr"),
            (Strings{"« Tu viens ? » demanda-t-elle.", "« Non ! »", "Il partit."}));
}

TEST(SentencesIcu, GermanAbbreviationsAndOrdinals) {
  EXPECT_EQ(mw::split_sentences("Dr. Müller kam am 3. Oktober 1990 nach Berlin. Er sagte z. B. "
                                "nichts. Im 19. Jahrhundert war das anders. Er kam im Jahr "
                                "2023. Dann ging er. „Kommst du?“ fragte sie.",
                                "de-DE"),
            (Strings{"Dr. Müller kam am 3. Oktober 1990 nach Berlin.", "Er sagte z. B. nichts.",
                     "Im 19. Jahrhundert war das anders.", "Er kam im Jahr 2023.", "Dann ging er.",
                     "„Kommst du?“ fragte sie."}));
}

TEST(SentencesIcu, Russian) {
  EXPECT_EQ(
      mw::split_sentences("А. С. Пушкин родился в 1799 г. в Москве. Он писал стихи, т. е. "
                          "был поэтом. Почему? Не знаю! «Иди!» — сказал он.",
                          "ru"),
      (Strings{"А. С. Пушкин родился в 1799 г. в Москве.", "Он писал стихи, т. е. был поэтом.",
               "Почему?", "Не знаю!", "«Иди!» — сказал он."}));
}

TEST(SentencesIcu, ArabicQuestionMarkAndFullStop) {
  EXPECT_EQ(mw::split_sentences("ذهب الولد إلى المدرسة. هل عاد؟ نعم، عاد مساءً! انتهى.", "ar"),
            (Strings{"ذهب الولد إلى المدرسة.", "هل عاد؟", "نعم، عاد مساءً!", "انتهى."}));
}

TEST(SentencesIcu, JapaneseWithoutSpacesAndCornerBrackets) {
  // The opening 「 after 。 belongs to the next sentence (ICU puts it with the one before).
  EXPECT_EQ(
      mw::split_sentences("今日は晴れです。「明日は雨でしょう」と彼は言った。本当！？そうです。"
                          "「行こう。」",
                          "ja"),
      (Strings{"今日は晴れです。", "「明日は雨でしょう」と彼は言った。", "本当！？", "そうです。",
               "「行こう。」"}));
}

TEST(SentencesIcu, ChineseSimplifiedAndTraditional) {
  EXPECT_EQ(mw::split_sentences("今天天气很好。你去吗？我不去！他说，明天再说。", "zh"),
            (Strings{"今天天气很好。", "你去吗？", "我不去！", "他说，明天再说。"}));
  EXPECT_EQ(mw::split_sentences("今天天氣很好。你去嗎？", "zh-Hant"),
            (Strings{"今天天氣很好。", "你去嗎？"}));
}

TEST(SentencesIcu, UnknownOrMalformedTagsUseRootRulesAndEmptyMeansEnglish) {
  const Strings plain{"Hello world.", "Next one?", "Yes!"};
  EXPECT_EQ(mw::split_sentences("Hello world. Next one? Yes!", "xx"), plain);
  EXPECT_EQ(mw::split_sentences("Hello world. Next one? Yes!", "not a tag!"), plain);
  // Root rules know no abbreviations; English (and the empty tag) know "Dr.".
  EXPECT_EQ(mw::split_sentences("Dr. Who came.", "xx"), (Strings{"Dr.", "Who came."}));
  EXPECT_EQ(mw::split_sentences("Dr. Who came.", ""), (Strings{"Dr. Who came."}));
  EXPECT_EQ(mw::split_sentences("Dr. Who came."), (Strings{"Dr. Who came."}));
}

TEST(SentencesIcu, EmptyAndWhiteSpaceGiveNothing) {
  EXPECT_TRUE(mw::split_sentences("", "en").empty());
  EXPECT_TRUE(mw::split_sentences(" " + kNbsp + kNnbsp, "fr").empty());
  EXPECT_TRUE(mw::split_long(kNbsp + "  ", 5, "fr").empty());
  EXPECT_TRUE(mw::split_text(kNbsp + "\n\n \t\n" + kNnbsp, {}, "fr").empty());
}

TEST(SentencesIcu, InvalidUtf8DoesNotCrashAndStaysCovered) {
  const std::string bad = "Bad \xFF\xFE bytes. Next \xC3 one. Then \xE2\x82";
  const Strings sentences = mw::split_sentences(bad, "en");
  EXPECT_GE(sentences.size(), 2u);
  EXPECT_EQ(without_spaces(joined(sentences)), without_spaces(bad));
  const Strings pieces = mw::split_long(bad, 4, "ja");
  EXPECT_EQ(without_spaces(joined(pieces)), without_spaces(bad));
  const std::string truncated = "\xE6\x97\xA5\xE6\x9C";  // "日" then half of "本"
  EXPECT_EQ(joined(mw::split_long(truncated + truncated + truncated, 2, "ja")),
            truncated + truncated + truncated);
  mw::SplitOptions options;
  options.max_chars = 3;
  EXPECT_FALSE(mw::split_text(bad, options, "de").empty());
}

TEST(SplitLongIcu, JapaneseAndChineseKeepDictionaryWords) {
  const std::string japanese = "東京都の天気予報によると明日は雨が降るでしょう";
  const std::string chinese = "我们明天早上一起去图书馆看书吧";
  expect_bounded_and_covering(japanese, "ja", 1, 30);
  expect_bounded_and_covering(chinese, "zh", 1, 20);
  // Words of ICU's dictionary (which splits 图书馆 as 图书|馆): cutting at any line-break
  // opportunity would split them at some limits.
  for (std::size_t limit = 3; limit <= 12; ++limit) {
    const std::string ja = joined(mw::split_long(japanese, limit, "ja"), "|");
    for (const char* cut : {"東|京", "天|気", "予|報", "に|よ", "よ|る", "明|日", "降|る"}) {
      EXPECT_EQ(ja.find(cut), std::string::npos) << ja;
    }
    const std::string zh = joined(mw::split_long(chinese, limit, "zh"), "|");
    for (const char* cut : {"我|们", "明|天", "早|上", "一|起", "起|去", "图|书", "看|书"}) {
      EXPECT_EQ(zh.find(cut), std::string::npos) << zh;
    }
  }
  EXPECT_EQ(mw::split_long("今天天气很好，我们明天早上一起去图书馆看书吧", 8, "zh").front(),
            "今天天气很好，");
}

TEST(SplitLongIcu, ThaiWordsWithoutSpaces) {
  const std::string thai = "ภาษาไทยไม่มีการเว้นวรรคระหว่างคำ";  // Thai puts no spaces between words
  EXPECT_EQ(mw::split_long(thai, 10, "th"), (Strings{"ภาษาไทย", "ไม่มีการ", "เว้นวรรค", "ระหว่างคำ"}));
  expect_bounded_and_covering(thai, "th", 1, 25);
}

TEST(SplitLongIcu, ClausePunctuationInTheSecondHalfIsPreferred) {
  EXPECT_EQ(mw::split_long("One two three, four five six seven", 20, "en"),
            (Strings{"One two three,", "four five six seven"}));
  EXPECT_EQ(mw::split_long("One, two three four five six seven", 20, "en"),
            (Strings{"One, two three four", "five six seven"}));
  EXPECT_EQ(mw::split_long("ذهب الولد إلى المدرسة، ثم عاد إلى البيت مساءً", 25, "ar"),
            (Strings{"ذهب الولد إلى المدرسة،", "ثم عاد إلى البيت مساءً"}));
  // A comma inside a number is no clause mark and no place to cut.
  EXPECT_EQ(mw::split_long("It costs 3,000,000 dollars", 10, "en"),
            (Strings{"It costs", "3,000,000", "dollars"}));
}

TEST(SplitLongIcu, EnglishWordsAreNeverCut) {
  const std::string text =
      "The quick brown fox, which was very quick indeed, jumped over the lazy dog.";
  for (std::size_t limit = 8; limit <= 40; ++limit) {
    for (const auto& piece : mw::split_long(text, limit, "en")) {
      EXPECT_LE(mw::count_code_points(piece), limit);
      EXPECT_NE((" " + text + " ").find(" " + piece + " "), std::string::npos) << piece;
    }
  }
}

TEST(SplitLongIcu, OverlongWordsAreCutBetweenGraphemeClusters) {
  EXPECT_EQ(mw::split_long("internationalization is hard", 12, "en"),
            (Strings{"internationa", "lization is", "hard"}));
  std::string decomposed;  // "éééééé" as e + combining accent: 6 clusters, 12 code points
  for (int i = 0; i < 6; ++i) decomposed += "e" + kAcute;
  const std::string two = "e" + kAcute + "e" + kAcute;
  EXPECT_EQ(mw::split_long(decomposed, 4, "fr"), (Strings{two, two, two}));
  EXPECT_EQ(mw::split_long(decomposed, 5, "fr"), (Strings{two, two, two}));
  EXPECT_EQ(mw::split_long(kFamily + kFamily + kFamily, 12), (Strings{kFamily + kFamily, kFamily}));
  EXPECT_EQ(mw::split_long("🇫🇷🇩🇪🇯🇵", 3), (Strings{"🇫🇷", "🇩🇪", "🇯🇵"}));
  EXPECT_EQ(mw::split_long("👍🏽👍🏽👍🏽", 5),
            (Strings{"👍🏽👍🏽", "👍🏽"}));
}

TEST(SplitLongIcu, AClusterLongerThanTheLimitIsCutBetweenCodePoints) {
  const Strings pieces = mw::split_long(kFamily, 3);  // items never exceed max_chars
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_EQ(mw::count_code_points(pieces[0]), 3u);
  EXPECT_EQ(pieces[0] + pieces[1], kFamily);
}

TEST(SplitBookIcu, EachChapterIsSplitInItsLanguage) {
  const std::string text = "Am 3. Oktober regnete es. Dann schien die Sonne.";
  mw::Book book;
  book.chapters = {{0, "de", "de.txt", text, "de"}, {1, "en", "en.txt", text, "en"}};
  const auto items = mw::split_book(book, {});
  ASSERT_EQ(items.size(), 5u);
  EXPECT_EQ(items[0].text, "Am 3. Oktober regnete es.");
  EXPECT_EQ(items[0].language, "de");
  EXPECT_EQ(items[1].text, "Dann schien die Sonne.");
  EXPECT_EQ(items[2].text, "Am 3.");  // English has no ordinal dots: "I was 3. Then ..."
  EXPECT_EQ(items[2].language, "en");
  EXPECT_EQ(items[2].chapter, 1u);
}

TEST(SplitTextIcu, ParagraphModePacksIcuSentences) {
  mw::SplitOptions options;
  options.mode = mw::SplitMode::kParagraph;
  options.max_chars = 12;
  EXPECT_EQ(mw::split_text("今日は晴れ。明日は雨。明後日は雪です。\n\n終わり。", options, "ja"),
            (Strings{"今日は晴れ。明日は雨。", "明後日は雪です。", "終わり。"}));
}

TEST(SentencesIcu, ThreadsGetTheSameSentences) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"en", "Mr. Smith left. Dr. Who came. It rained."},
      {"de", "Am 3. Oktober kam er. Das ist sicher."},
      {"ja", "今日は晴れです。明日は雨でしょう！"},
      {"fr", "« Tu viens ? » dit-il. Oui !"}};
  std::vector<Strings> expected;
  for (const auto& [language, text] : cases)
    expected.push_back(mw::split_sentences(text, language));
  std::vector<int> mismatches(8, 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < mismatches.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 200; ++round) {
        const std::size_t i = (t + round) % cases.size();
        if (mw::split_sentences(cases[i].second, cases[i].first) != expected[i]) ++mismatches[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(8, 0));
}

namespace mpibatch::work {
namespace {

TEST(SentencesIcu, UnderscoreTagsReadLikeHyphenatedOnes) {
  const std::string text = "It was late. Mr. Smith went home.";
  EXPECT_EQ(split_sentences(text, "en_US"), split_sentences(text, "en-US"));
  EXPECT_EQ(split_sentences(text, "en_US").size(), 2u);
}

}  // namespace
}  // namespace mpibatch::work
