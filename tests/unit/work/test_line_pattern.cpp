// LinePattern: whole-line matching of input.chapter_heading, RE2 syntax, linear time.

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "mpibatch/work/line_pattern.h"

namespace mpibatch::work {
namespace {

TEST(LinePattern, MatchesWholeLinesOnly) {
  const LinePattern heading("(Chapter|CHAPTER) [0-9IVX]+");
  EXPECT_TRUE(heading.matches("Chapter 12"));
  EXPECT_TRUE(heading.matches("CHAPTER IV"));
  EXPECT_FALSE(heading.matches("Chapter 12: The Storm"));
  EXPECT_FALSE(heading.matches("See Chapter 12"));
  EXPECT_TRUE(LinePattern("^Chapter \\d+$").matches("Chapter 7"));  // anchors are harmless
}

TEST(LinePattern, MatchesUtf8Text) {
  const LinePattern heading("第.章");  // "." is one code point, not one byte
  EXPECT_TRUE(heading.matches("第一章"));
  EXPECT_FALSE(heading.matches("第一二章"));
}

TEST(LinePattern, ACatastrophicPatternStaysLinear) {
  // (a+)+b backtracks exponentially in std::regex: 2^40 steps on this line. RE2 answers at
  // once; a backtracking engine would keep this test running until CTest's timeout.
  const LinePattern pattern("(a+)+b");
  EXPECT_FALSE(pattern.matches(std::string(40, 'a')));
  EXPECT_FALSE(pattern.matches(std::string(100000, 'a')));
  EXPECT_TRUE(pattern.matches(std::string(40, 'a') + "b"));
}

TEST(LinePattern, AnInvalidPatternSaysWhy) {
  EXPECT_EQ(LinePattern::error_of("^Chapter [0-9]+$"), "");
  EXPECT_EQ(LinePattern::error_of("(["), "missing ]: [");
  EXPECT_EQ(LinePattern::error_of("(a)\\1"), "invalid escape sequence: \\1");  // no backrefs
  EXPECT_THROW(LinePattern("a{2,1}"), std::invalid_argument);
}

}  // namespace
}  // namespace mpibatch::work
