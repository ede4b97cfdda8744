// render_text / render_csv / render_json: what each format shows of an Analysis, and the
// comparison of two runs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "mpibatch/error.h"
#include "mpibatch/report/render.h"
#include "records.h"

namespace mpibatch::report {
namespace {
using namespace testing_records;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

Analysis fast_run() {
  RunData run = run_of({rank(0, 1.0, 1.0, 2), rank(1, 1.0, 1.0, 2)},
                       {item(0, 0, 0, 0, 0.5, 10), item(1, 0, 1, 0.5, 0.5, 10),
                        item(2, 1, 0, 0, 0.5, 10), item(3, 1, 1, 0.5, 0.5, 10)});
  run.path = "fast, \"quoted\".h5";
  return analyze(run);
}

TEST(RenderText, ShowsRanksBalanceStragglerAndWhatIf) {
  std::ostringstream out;
  render_text({analyze(two_speeds("static"))}, out);
  const std::string text = out.str();
  EXPECT_THAT(text, HasSubstr("2 ranks (1 x cuda, 1 x cpu), schedule static"));
  EXPECT_THAT(text, HasSubstr("balance     mean busy 2.500 s / max busy 3.000 s = 0.83"));
  EXPECT_THAT(text, HasSubstr("efficiency 66.7%"));
  EXPECT_THAT(text, HasSubstr("stragglers  rank 1 ended 1.000 s after the others' mean "
                              "[slow_device]"));
  EXPECT_THAT(text, HasSubstr("without rank 1 (slowest) ~5.000 s"));
  EXPECT_THAT(text, HasSubstr("with one more rank like rank 0 (fastest) ~2.600 s"));
  // One table row per rank, and the slowest items.
  int rank_rows = 0;
  for (const std::string& line : lines(text)) rank_rows += line.rfind("     1  -     cpu", 0) == 0;
  EXPECT_EQ(rank_rows, 1);
  EXPECT_THAT(text, HasSubstr("slowest items"));
}

TEST(RenderText, ComparisonHasRatiosBOverA) {
  std::ostringstream out;
  render_text({analyze(two_speeds()), fast_run()}, out);
  const std::string text = out.str();
  EXPECT_THAT(text, HasSubstr("B/A"));
  // makespan 4 s against 1 s: 0.25; both sections follow.
  bool found = false;
  for (const std::string& line : lines(text))
    found = found || (line.find("makespan_s") != std::string::npos &&
                      line.find("0.25") != std::string::npos);
  EXPECT_TRUE(found) << text;
  EXPECT_THAT(text, HasSubstr("=== A ==="));
  EXPECT_THAT(text, HasSubstr("=== B ==="));
}

TEST(RenderCsv, OneRowPerRankWithTheRunQuoted) {
  std::ostringstream out;
  render_csv({fast_run()}, "ranks", out);
  const auto rows = lines(out.str());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].rfind("run,rank,host,device,items,failed,wall_s,busy_s", 0), 0u);
  EXPECT_EQ(rows[1].rfind("\"fast, \"\"quoted\"\".h5\",0,,cpu,2,0,1,1,", 0), 0u) << rows[1];
}

TEST(RenderCsv, SummaryHasOneRowPerRunAndUnknownTablesAreUsageErrors) {
  std::ostringstream out;
  render_csv({analyze(two_speeds()), fast_run()}, "summary", out);
  EXPECT_EQ(lines(out.str()).size(), 3u);
  EXPECT_THAT(lines(out.str())[0], HasSubstr("makespan_s"));
  EXPECT_THROW(render_csv({fast_run()}, "chapters", out), UsageError);
}

TEST(RenderJson, StableSchemaWithEveryFigureAndNullForNaN) {
  RunData run = two_speeds();
  run.info.job_kind = "train";
  run.info.job_name = std::string("bad utf-8 \xff here");
  run.training.rank_epochs.push_back({0, 0, 3, 0.1, 1.0, 0.2, 0.0, 0.0, 0});
  std::ostringstream out;
  render_json({analyze(run)}, out);
  const auto doc = nlohmann::json::parse(out.str());
  EXPECT_EQ(doc["schema"], "mpibatch-report/1");
  ASSERT_EQ(doc["runs"].size(), 1u);
  const auto& r = doc["runs"][0];
  EXPECT_DOUBLE_EQ(r["summary"]["makespan_s"].get<double>(), 4.0);
  EXPECT_TRUE(r["summary"]["items"].is_number_integer());
  EXPECT_EQ(r["summary"]["items"], 5);
  EXPECT_EQ(r["ranks"].size(), 2u);
  EXPECT_DOUBLE_EQ(r["ranks"][1]["speed"].get<double>(), 50.0);
  EXPECT_EQ(r["stragglers"][0]["cause"], "slow_device");
  EXPECT_EQ(r["what_if"]["slowest_rank"], 1);
  EXPECT_TRUE(r["epochs"][0]["eval_accuracy"].is_null());  // not evaluated
  EXPECT_EQ(r["timeline"]["lanes"][0]["bars"].size(), 3u);
  EXPECT_EQ(r["timeline"]["lanes"][0]["bars"][0].size(), 7u);
  EXPECT_THAT(r["job"]["name"].get<std::string>(), HasSubstr("bad utf-8"));
  EXPECT_FALSE(doc.contains("comparison"));
}

TEST(RenderJson, TwoRunsCarryTheComparison) {
  std::ostringstream out;
  render_json({analyze(two_speeds()), fast_run()}, out);
  const auto doc = nlohmann::json::parse(out.str());
  bool found = false;
  for (const auto& row : doc["comparison"]) {
    if (row["figure"] != "makespan_s") continue;
    EXPECT_DOUBLE_EQ(row["ratio"].get<double>(), 0.25);
    EXPECT_TRUE(row["lower_is_better"].get<bool>());
    found = true;
  }
  EXPECT_TRUE(found);
  EXPECT_THAT(out.str(), Not(HasSubstr("NaN")));
}

}  // namespace
}  // namespace mpibatch::report
