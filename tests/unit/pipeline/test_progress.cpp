// Progress: the line's content and its cadence, with a manual clock and a recording sink.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "progress.h"

namespace mpibatch::pipeline {
namespace {
using ::testing::HasSubstr;

TEST(ProgressText, DoneTotalRateEtaRanksAndFailures) {
  EXPECT_EQ(progress_text({412, 753, 1, 2, 3, 4.0}),
            "412/753 items (55%), 103.0 items/s, ETA 3s, 2/3 ranks busy, 1 failed");
  // Done: no ETA; nothing failed: no failures.
  EXPECT_EQ(progress_text({10, 10, 0, 0, 2, 125.0}),
            "10/10 items (100%), 0.1 items/s, 0/2 ranks busy");
  EXPECT_THAT(progress_text({1, 7201, 0, 1, 1, 1.0}), HasSubstr("ETA 2h00m"));
}

struct Recorded {
  std::string line;
  bool redraw;
};

TEST(Progress, AtMostOneLinePerIntervalThenTheFinalLine) {
  timing::ManualClock clock;
  std::vector<Recorded> lines;
  Progress progress(100, 2, clock, 10.0, [&](const std::string& line, bool redraw) {
    lines.push_back({line, redraw});
  });
  progress.update(5, 0, 2);  // t = 0: too soon
  clock.advance(9.9);
  progress.update(10, 0, 2);  // still too soon
  EXPECT_TRUE(lines.empty());
  clock.advance(0.2);
  progress.update(20, 1, 1);
  clock.advance(5);
  progress.update(40, 1, 1);  // 5 s after the last line
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0].line, HasSubstr("20/100 items (20%)"));
  EXPECT_THAT(lines[0].line, HasSubstr("1/2 ranks busy, 1 failed"));
  EXPECT_FALSE(lines[0].redraw);
  progress.finish(100, 1);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[1].line, HasSubstr("100/100 items (100%)"));
}

TEST(Progress, ZeroIntervalShowsOnlyTheFinalLine) {
  timing::ManualClock clock;
  int lines = 0;
  Progress progress(10, 1, clock, 0.0, [&](const std::string&, bool) { ++lines; });
  for (int i = 0; i < 10; ++i) {
    clock.advance(100);
    progress.update(i, 0, 1);
  }
  EXPECT_EQ(lines, 0);
  progress.finish(10, 0);
  EXPECT_EQ(lines, 1);
}

}  // namespace
}  // namespace mpibatch::pipeline
