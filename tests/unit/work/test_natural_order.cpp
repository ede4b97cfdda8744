#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "mpibatch/work/natural_order.h"

using mpibatch::work::natural_less;

TEST(NaturalOrder, NumbersCompareByValue) {
  EXPECT_TRUE(natural_less("chapter2.txt", "chapter10.txt"));
  EXPECT_FALSE(natural_less("chapter10.txt", "chapter2.txt"));
  EXPECT_TRUE(natural_less("1-intro.md", "02-body.md"));
  EXPECT_TRUE(natural_less("part1-ch9", "part1-ch10"));
  EXPECT_TRUE(natural_less("part1-ch10", "part2-ch1"));
}

TEST(NaturalOrder, CaseInsensitiveWithDeterministicTieBreak) {
  EXPECT_TRUE(natural_less("Appendix", "chapter"));
  EXPECT_NE(natural_less("Chapter1", "chapter1"), natural_less("chapter1", "Chapter1"));
  EXPECT_NE(natural_less("ch01", "ch1"), natural_less("ch1", "ch01"));
}

TEST(NaturalOrder, SortsAFolderListing) {
  std::vector<std::string> names = {"ch10.txt", "ch1.txt",  "ch2.txt",  "ch11.txt",
                                    "ch3.txt",  "ch20.txt", "ch100.txt"};
  std::sort(names.begin(), names.end(),
            [](const auto& a, const auto& b) { return natural_less(a, b); });
  EXPECT_EQ(names, (std::vector<std::string>{"ch1.txt", "ch2.txt", "ch3.txt", "ch10.txt",
                                             "ch11.txt", "ch20.txt", "ch100.txt"}));
}

TEST(NaturalOrder, HugeNumbersDoNotOverflow) {
  EXPECT_TRUE(natural_less("x99999999999999999999999", "x100000000000000000000000"));
}
