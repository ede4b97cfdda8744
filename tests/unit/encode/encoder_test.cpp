#include "mpibatch/encode/encoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "mpibatch/error.h"

namespace mpibatch::encode {
namespace {

using ::testing::ElementsAre;

TEST(BytesEncoder, AsciiBytesAreIds) {
  const auto encoder = make_encoder("bytes");
  EXPECT_EQ(encoder->name(), "bytes");
  EXPECT_EQ(encoder->vocabulary_size(), 256);
  EXPECT_THAT(encoder->encode("Hi!"), ElementsAre(72, 105, 33));
}

TEST(BytesEncoder, MultibyteUtf8GivesOneIdPerByte) {
  const auto encoder = make_encoder("bytes");
  EXPECT_THAT(encoder->encode("é"), ElementsAre(0xC3, 0xA9));
  EXPECT_THAT(encoder->encode("€"), ElementsAre(0xE2, 0x82, 0xAC));
  EXPECT_THAT(encoder->encode("a😀"), ElementsAre(0x61, 0xF0, 0x9F, 0x98, 0x80));
  EXPECT_EQ(encoder->encode("Grüße, 世界").size(), std::string("Grüße, 世界").size());
}

TEST(BytesEncoder, IdsStayInOneTo255AndNeverPad) {
  const auto encoder = make_encoder("bytes");
  std::string every_byte;
  for (int b = 0; b < 256; ++b) every_byte += static_cast<char>(b);
  const auto ids = encoder->encode(every_byte);
  ASSERT_EQ(ids.size(), 255u);  // the NUL byte is dropped
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], static_cast<int>(i) + 1);
}

TEST(BytesEncoder, EmptyAndNulOnlyTextGiveNoIds) {
  const auto encoder = make_encoder("bytes");
  EXPECT_TRUE(encoder->encode("").empty());
  EXPECT_TRUE(encoder->encode(std::string(3, '\0')).empty());
}

TEST(BytesEncoder, InvalidUtf8PassesThrough) {
  const auto encoder = make_encoder("bytes");
  EXPECT_THAT(encoder->encode(std::string("\xff\xfe", 2)), ElementsAre(255, 254));
}

TEST(MakeEncoder, UnknownNameIsAConfigErrorListingTheAvailableOnes) {
  try {
    make_encoder("sentencepiece");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "model.encoder: unknown encoder 'sentencepiece'; available: bytes, chars, phonemes");
    EXPECT_EQ(e.problems().size(), 1u);
  }
}

}  // namespace
}  // namespace mpibatch::encode
