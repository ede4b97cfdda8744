// `mpibatch report` on real runs under mpiexec: the time accounting covers each rank's wall
// time, a slowed rank is named as the straggler, every format renders, two runs compare, and
// bad arguments fail with one line. Also rank 0's progress lines.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "job_fixture.h"
#include "mpibatch/report/analysis.h"

using mpibatch::testing::mpibatch_binary;
using mpibatch::testing::run_job;
using mpibatch::testing::run_shell;
using mpibatch::testing::shell_quote;
using mpibatch::testing::Workspace;
using ::testing::HasSubstr;
namespace report = mpibatch::report;

namespace {

/// 3 ranks, rank 2 at a tenth of its speed, under `schedule`; run once per test binary.
std::string slowed_run(const std::string& schedule) {
  static std::map<std::string, std::string> done;
  if (!done.count(schedule)) {
    auto& ws = Workspace::get();
    const std::string name = "report-" + schedule;
    const auto run = run_job(3, ws.write_job(name, {{"runtime.simulate_speed", "[1, 1, 0.1]"},
                                                    {"runtime.schedule", schedule},
                                                    {"runtime.progress_interval", "0.001"},
                                                    {"input.max_chars", "400"}}));
    EXPECT_EQ(run.exit_code, 0) << run.output;
    // Plain progress lines (stderr is a pipe here), with the ranks busy.
    EXPECT_THAT(run.output, HasSubstr("progress: "));
    EXPECT_THAT(run.output, ::testing::ContainsRegex("ranks busy"));
    done[schedule] = ws.output(name);
  }
  return done[schedule];
}

mpibatch::testing::ProcessResult report_of(const std::string& args) {
  return run_shell(mpibatch_binary() + " report " + args + " 2>&1");
}

}  // namespace

TEST(Report, BusyIdleCommAndIoCoverEveryRanksWallTime) {
  const report::Analysis a =
      report::analyze(report::RunData::read(mpibatch::io::ResultReader(slowed_run("static"))));
  ASSERT_EQ(a.ranks.size(), 3u);
  for (const report::RankFigures& f : a.ranks) {
    EXPECT_GE(f.busy_s + f.idle_s + f.comm_s + f.io_s, 0.98 * f.wall_s) << "rank " << f.rank;
    EXPECT_LE(f.accounted, 1.0 + 1e-9) << "rank " << f.rank;
    EXPECT_GT(f.busy_s, 0.0);
  }
  EXPECT_EQ(a.timeline.lanes.size(), 3u);
  EXPECT_EQ(a.ok, a.items);
}

TEST(Report, StaticScheduleNamesTheSlowedRankAsASlowDevice) {
  const auto text = report_of(shell_quote(slowed_run("static")));
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_THAT(text.output, HasSubstr("stragglers  rank 2 ended"));
  EXPECT_THAT(text.output, HasSubstr("[slow_device]"));
  EXPECT_THAT(text.output, HasSubstr("without rank 2 (slowest)"));
}

TEST(Report, JsonCsvAndHtmlOfARealRun) {
  auto& ws = Workspace::get();
  const std::string run = shell_quote(slowed_run("static"));
  const std::string json_path = ws.dir().file("report.json");
  ASSERT_EQ(report_of(run + " --format json -o " + shell_quote(json_path)).exit_code, 0);
  const auto doc = nlohmann::json::parse(mpibatch::testing::read_file(json_path));
  EXPECT_EQ(doc["schema"], "mpibatch-report/1");
  EXPECT_EQ(doc["runs"][0]["timeline"]["lanes"].size(), 3u);
  EXPECT_EQ(doc["runs"][0]["stragglers"][0]["rank"], 2);

  const auto csv = report_of(run + " --format csv --table ranks");
  ASSERT_EQ(csv.exit_code, 0) << csv.output;
  EXPECT_EQ(std::count(csv.output.begin(), csv.output.end(), '\n'), 4);  // header + 3 ranks

  const std::string html_path = ws.dir().file("report.html");
  ASSERT_EQ(report_of(run + " --format html -o " + shell_quote(html_path)).exit_code, 0);
  const std::string html = mpibatch::testing::read_file(html_path);
  EXPECT_THAT(html, HasSubstr("<html"));
  EXPECT_EQ(html.find("https://"), std::string::npos);
}

TEST(Report, ComparesStaticWithDynamicSideBySide) {
  const std::string files =
      shell_quote(slowed_run("static")) + " " + shell_quote(slowed_run("dynamic"));
  const auto both = report_of(files);
  ASSERT_EQ(both.exit_code, 0) << both.output;
  EXPECT_THAT(both.output, HasSubstr("B/A"));
  EXPECT_THAT(both.output, HasSubstr("=== B ==="));
  // The ratios are B / A of the figures each file gives on its own.
  const auto json = report_of(files + " --format json");
  ASSERT_EQ(json.exit_code, 0) << json.output;
  const auto doc = nlohmann::json::parse(json.output);
  const report::Analysis a =
      report::analyze(report::RunData::read(mpibatch::io::ResultReader(slowed_run("static"))));
  const report::Analysis b =
      report::analyze(report::RunData::read(mpibatch::io::ResultReader(slowed_run("dynamic"))));
  bool found = false;
  for (const auto& row : doc["comparison"]) {
    if (row["figure"] != "makespan_s") continue;
    EXPECT_NEAR(row["ratio"].get<double>(), b.makespan_s / a.makespan_s, 1e-9);
    found = true;
  }
  EXPECT_TRUE(found) << json.output;
}

TEST(Report, BadArgumentsFailWithOneLineAndExitTwo) {
  auto& ws = Workspace::get();
  const auto missing = report_of(shell_quote(ws.dir().file("nothing-here.h5")));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.output, HasSubstr("nothing-here.h5"));
  EXPECT_EQ(std::count(missing.output.begin(), missing.output.end(), '\n'), 1) << missing.output;

  const auto format = report_of(shell_quote(slowed_run("static")) + " --format pdf");
  EXPECT_EQ(format.exit_code, 2);
  EXPECT_THAT(format.output, HasSubstr("--format pdf is not a format"));

  const auto not_h5 = report_of(shell_quote(ws.model()));  // a TorchScript file
  EXPECT_EQ(not_h5.exit_code, 2) << not_h5.output;
  EXPECT_THAT(not_h5.output, HasSubstr("model.pt"));
}
