/// The `chars` encoder: vocabulary file format, the unknown-character rule, errors.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "mpibatch/encode/encoder.h"
#include "mpibatch/error.h"
#include "support/temp_dir.h"

namespace mpibatch::encode {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class CharsEncoder : public ::testing::Test {
 protected:
  std::unique_ptr<Encoder> make(const std::string& vocabulary) {
    EncoderOptions options;
    options.name = "chars";
    options.vocabulary = dir_.write("vocab.txt", vocabulary);
    return make_encoder(options);
  }
  /// The InputError message make() throws for `vocabulary`.
  std::string error_for(const std::string& vocabulary) {
    try {
      make(vocabulary);
    } catch (const InputError& e) {
      return e.what();
    }
    ADD_FAILURE() << "expected an InputError";
    return {};
  }
  std::string path() const { return dir_.file("vocab.txt"); }

  testing::TempDir dir_;
};

TEST_F(CharsEncoder, LineKGetsIdK) {
  const auto encoder = make("a\nb\nc\n<space>\n");
  EXPECT_EQ(encoder->name(), "chars");
  EXPECT_EQ(encoder->vocabulary_size(), 5);
  EXPECT_THAT(encoder->encode("cab a"), ElementsAre(3, 1, 2, 4, 1));
  EXPECT_THAT(encoder->encode(""), IsEmpty());
}

TEST_F(CharsEncoder, EscapesBomAndCrlf) {
  const auto encoder = make("\xEF\xBB\xBFx\r\n<tab>\r\n<unk>\r\n<space>");  // no final newline
  EXPECT_EQ(encoder->vocabulary_size(), 5);
  EXPECT_THAT(encoder->encode("x\tx x"), ElementsAre(1, 2, 1, 4, 1));
  EXPECT_THAT(encoder->encode("xy"), ElementsAre(1, 3));  // unknown -> <unk>
}

TEST_F(CharsEncoder, NonAsciiEntriesAndNfc) {
  // The vocabulary writes é decomposed (e + U+0301), the text composed, and the other way.
  const auto encoder = make("e\xCC\x81\n\xC3\xB1\n\xE4\xB8\x96\n");  // é, ñ, 世
  EXPECT_THAT(encoder->encode("\xC3\xA9"), ElementsAre(1));
  EXPECT_THAT(encoder->encode("n\xCC\x83\xE4\xB8\x96"), ElementsAre(2, 3));
}

TEST_F(CharsEncoder, UnknownRuleTriesLowerCaseThenBaseLetterThenUnk) {
  const auto encoder = make("a\ne\ns\n<unk>\n1\n");
  EXPECT_THAT(encoder->encode("A"), ElementsAre(1));             // lower case
  EXPECT_THAT(encoder->encode("\xC3\xA9"), ElementsAre(2));      // é -> e
  EXPECT_THAT(encoder->encode("\xC3\x89"), ElementsAre(2));      // É -> é -> e
  EXPECT_THAT(encoder->encode("\xC5\xBF"), ElementsAre(3));      // ſ (long s) folds to s
  EXPECT_THAT(encoder->encode("\xEF\xBD\x81"), ElementsAre(1));  // fullwidth ａ -> a (NFKD)
  EXPECT_THAT(encoder->encode("\xC2\xB9"), ElementsAre(5));      // superscript ¹ -> 1 (NFKD)
  EXPECT_THAT(encoder->encode("\xD0\xB6z"), ElementsAre(4, 4));  // ж, z -> <unk>
}

TEST_F(CharsEncoder, ExactAndLowerCaseEntriesWinOverFallbacks) {
  const auto encoder = make("A\na\ne\n\xC3\xA9\n");  // A, a, e, é
  EXPECT_THAT(encoder->encode("Aa"), ElementsAre(1, 2));
  EXPECT_THAT(encoder->encode("\xC3\x89"), ElementsAre(4));  // É -> é before É -> E -> e
}

TEST_F(CharsEncoder, UnknownCharactersAreDroppedWithoutUnkAndCounted) {
  const auto encoder = make("a\nb\n");
  EXPECT_EQ(encoder->unmapped_summary(), "");
  EXPECT_THAT(encoder->encode("a\xD0\xB6"
                              "b\xD0\xB6\xE2\x82\xAC"),
              ElementsAre(1, 2));
  EXPECT_THAT(encoder->encode("\xD0\xB6"), IsEmpty());
  const std::string summary = encoder->unmapped_summary();
  EXPECT_THAT(summary, HasSubstr("4 characters not in model.vocabulary"));
  EXPECT_THAT(summary, HasSubstr("dropped"));
  EXPECT_THAT(summary, HasSubstr("'\xD0\xB6' 3"));
  EXPECT_THAT(summary, HasSubstr("'\xE2\x82\xAC' 1"));
}

TEST_F(CharsEncoder, GraphemeClusterEntries) {
  // g + combining tilde has no precomposed form: an entry of two code points.
  const auto encoder = make("g\xCC\x83\ng\n<unk>\n");
  EXPECT_THAT(encoder->encode("g\xCC\x83g"), ElementsAre(1, 2));
  // A cluster that is no entry goes code point by code point: the lone mark is unknown.
  const auto plain = make("g\n<unk>\n");
  EXPECT_THAT(plain->encode("g\xCC\x83"), ElementsAre(1, 2));
  // Code point vocabularies of scripts with vowel signs keep working: क + ि is one cluster.
  const auto devanagari = make("\xE0\xA4\x95\n\xE0\xA4\xBF\n");
  EXPECT_THAT(devanagari->encode("\xE0\xA4\x95\xE0\xA4\xBF"), ElementsAre(1, 2));
}

TEST_F(CharsEncoder, BlankLineIsAnErrorWithItsLineNumber) {
  const std::string message = error_for("a\nb\n\nc\n");
  EXPECT_EQ(message, "model.vocabulary: '" + path() +
                         "' line 3 is blank; remove it, or write one character per line "
                         "(<space> for a space, <tab> for a tab, <unk> for the id of unknown "
                         "characters)");
  EXPECT_THAT(error_for("a\n \n"), HasSubstr("line 2 is blank"));
  EXPECT_THAT(error_for("a\r\n\r\nb\r\n"), HasSubstr("line 2 is blank"));
}

TEST_F(CharsEncoder, DuplicatesAreErrors) {
  EXPECT_THAT(error_for("a\nb\na\n"), HasSubstr("'" + path() +
                                                "' line 3 repeats line 1 ('a'); each character may "
                                                "appear once"));
  EXPECT_THAT(error_for("\xC3\xA9\ne\xCC\x81\n"), HasSubstr("line 2 repeats line 1"));  // NFC
  EXPECT_THAT(error_for("<unk>\na\n<unk>\n"), HasSubstr("line 3 repeats line 1"));
}

TEST_F(CharsEncoder, MoreThanOneCharacterOnALineIsAnError) {
  EXPECT_THAT(error_for("a\nab\n"),
              HasSubstr("'" + path() + "' line 2 ('ab') has 2 characters; write one character"));
  EXPECT_THAT(error_for("a \n"), HasSubstr("line 1 ('a ') has 2 characters"));
}

TEST_F(CharsEncoder, FileProblemsNameTheKeyAndFile) {
  EXPECT_THAT(error_for("a\n\xFF\n"), HasSubstr("line 2 is not valid UTF-8"));
  EXPECT_THAT(error_for(""), HasSubstr("'" + path() + "' has no entries"));
  EXPECT_THAT(error_for("\xEF\xBB\xBF"), HasSubstr("has no entries"));

  EncoderOptions options;
  options.name = "chars";
  options.vocabulary = dir_.file("missing.txt");
  try {
    make_encoder(options);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("model.vocabulary: '" + options.vocabulary +
                                    "' cannot be read (No such file or directory)"));
  }
  options.vocabulary.clear();
  EXPECT_THROW(make_encoder(options), ConfigError);
}

TEST(MakeEncoderNames, UnknownNameListsAllEncoders) {
  try {
    make_encoder("sentencepiece");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "model.encoder: unknown encoder 'sentencepiece'; available: bytes, chars, phonemes");
  }
}

}  // namespace
}  // namespace mpibatch::encode
