// render_html(): one self-contained page from a hand-built Analysis. Checks the lane elements,
// that nothing points to the network, that text from the file is escaped (also inside the
// embedded JSON), that the embedded timeline parses back, and the comparison's ratio column.
// MPIBATCH_HTML_OUT=dir writes the rendered pages there, to look at in a browser.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "mpibatch/report/render.h"

namespace mpibatch::report {
namespace {

constexpr const char* kEvil = "</script><b>bold</b>";

TimelineBar bar(double start, double end, std::uint64_t first, std::uint64_t last,
                std::uint32_t failed = 0) {
  TimelineBar b;
  b.start = start;
  b.end = end;
  b.first_item = first;
  b.last_item = last;
  b.chapter = static_cast<std::uint32_t>(first / 10);
  b.items = static_cast<std::uint32_t>(last - first + 1);
  b.failed = failed;
  return b;
}

/// 3 ranks, rank 2 slow (a straggler) with a failed batch; file text carrying markup.
Analysis three_ranks(double makespan = 10.0) {
  Analysis a;
  a.path = std::string("runs/") + kEvil + ".h5";
  a.info.job_name = std::string("demo ") + kEvil;
  a.info.world_size = 3;
  a.info.schedule = "dynamic";
  a.wall_s = makespan + 0.5;
  a.makespan_s = makespan;
  a.items = 30;
  a.ok = 29;
  a.failed = 1;
  a.throughput = 3.0;
  a.devices = "3 x cpu";
  a.work_unit = "chars";
  for (int r = 0; r < 3; ++r) {
    RankFigures f;
    f.rank = r;
    f.host = r == 1 ? std::string("node<1>&") : "node0";
    f.device = "cpu";
    f.device_name = r == 2 ? kEvil : "Xeon";
    f.items = 10;
    f.wall_s = makespan;
    f.busy_s = r == 2 ? 9.0 : 3.0;
    f.idle_s = makespan - f.busy_s - 0.5;
    f.comm_s = 0.25;
    f.io_s = 0.25;
    f.utilization = f.busy_s / f.wall_s;
    f.end = r == 2 ? 9.5 : 3.4;
    a.ranks.push_back(f);
  }
  a.balance = {5.0, 9.0, 5.0 / 9.0, 4.0 / 9.0, 0.57};
  a.lower_bound_s = 7.0;
  a.efficiency = 0.875;
  Straggler s;
  s.rank = 2;
  s.end = 9.5;
  s.late_s = 6.1;
  s.cause = "slow_device";
  s.reason = std::string("rank 2 is 3x slower ") + kEvil;
  a.stragglers.push_back(s);
  SlowItem item;
  item.id = 27;
  item.chapter = 2;
  item.rank = 2;
  item.status = io::ItemStatus::kFailed;
  item.seconds = 2.3456;
  a.slowest_items.push_back(item);
  a.what_if = {makespan, 4.2, 2, 6.5, 0};
  a.timeline.end = 9.5;
  a.timeline.batches = 7;
  a.timeline.lanes = {
      {0, "cpu", {bar(0.0, 1.0, 0, 3), bar(1.5, 3.4, 4, 9)}},
      {1, "cpu", {bar(0.0, 1.2, 10, 14), bar(2.0, 3.4, 15, 19)}},
      {2,
       std::string("cpu ") + kEvil,
       {bar(0.0, 4.0, 20, 24), bar(4.0, 8.0, 25, 28, 1), bar(8.5, 9.5, 29, 29)}},
  };
  return a;
}

std::string render(const std::vector<Analysis>& runs, const std::string& name) {
  std::ostringstream out;
  render_html(runs, out);
  if (const char* dir = std::getenv("MPIBATCH_HTML_OUT")) {
    std::ofstream(std::string(dir) + "/" + name + ".html") << out.str();
  }
  return out.str();
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

/// The embedded timeline JSON blocks, parsed.
std::vector<nlohmann::json> timelines(const std::string& html) {
  const std::string open = R"(<script type="application/json" class="timeline-data">)";
  std::vector<nlohmann::json> out;
  for (auto at = html.find(open); at != std::string::npos; at = html.find(open, at + 1)) {
    const auto begin = at + open.size();
    const auto end = html.find("</script>", begin);
    out.push_back(nlohmann::json::parse(html.substr(begin, end - begin)));
  }
  return out;
}

TEST(RenderHtml, HasOneLaneElementPerRank) {
  const std::string html = render({three_ranks()}, "one_run");
  EXPECT_EQ(count(html, "class=\"lane\""), 3u);
  const std::regex lane(R"re(<div class="lane" data-rank="(\d+)")re");
  std::vector<std::string> ranks;
  for (std::sregex_iterator it(html.begin(), html.end(), lane), end; it != end; ++it) {
    ranks.push_back((*it)[1]);
  }
  EXPECT_EQ(ranks, (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_NE(html.find("<canvas class=\"tl\""), std::string::npos);
}

TEST(RenderHtml, IsSelfContained) {
  const std::string html = render({three_ranks()}, "one_run");
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

TEST(RenderHtml, EscapesTextFromTheFile) {
  const std::string html = render({three_ranks()}, "one_run");
  EXPECT_EQ(html.find(kEvil), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_EQ(html.find("node<1>"), std::string::npos);
  EXPECT_NE(html.find("node&lt;1&gt;&amp;"), std::string::npos);
  EXPECT_NE(html.find("demo &lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("3x slower &lt;/script&gt;"), std::string::npos);
  // Every script element ends where the page ends it: the JSON block and the drawing script.
  EXPECT_EQ(count(html, "<script"), 2u);
  EXPECT_EQ(count(html, "</script>"), 2u);
}

TEST(RenderHtml, EmbedsTheTimelineAsJson) {
  const std::string html = render({three_ranks()}, "one_run");
  const auto blocks = timelines(html);
  ASSERT_EQ(blocks.size(), 1u);
  const nlohmann::json& t = blocks[0];
  EXPECT_DOUBLE_EQ(t.at("end").get<double>(), 9.5);
  EXPECT_DOUBLE_EQ(t.at("scale").get<double>(), 9.5);
  ASSERT_EQ(t.at("lanes").size(), 3u);
  const nlohmann::json& slow = t.at("lanes")[2];
  EXPECT_EQ(slow.at("rank"), 2);
  EXPECT_EQ(slow.at("device"), std::string("cpu ") + kEvil);  // escaped in the file, intact here
  ASSERT_EQ(slow.at("bars").size(), 3u);
  // [start, end, first item, last item, chapter, items, failed]
  EXPECT_EQ(slow.at("bars")[1], nlohmann::json::parse("[4.0, 8.0, 25, 28, 2, 4, 1]"));
  EXPECT_EQ(t.at("lanes")[0].at("bars").size(), 2u);
}

TEST(RenderHtml, FormatsNumbers) {
  Analysis a = three_ranks();
  EpochFigures e;
  e.epoch = 1;
  e.samples = 6000;
  e.seconds = 12.3456;
  e.train_loss = 0.51234;
  e.eval_accuracy = std::numeric_limits<double>::quiet_NaN();
  a.epochs.push_back(e);
  const std::string html = render({a}, "formats");
  EXPECT_NE(html.find(">2.346<"), std::string::npos);   // seconds: 3 decimals
  EXPECT_NE(html.find(">87.5 %<"), std::string::npos);  // percent: 1 decimal
  EXPECT_NE(html.find(">0.56<"), std::string::npos);    // ratio: 2 decimals
  EXPECT_NE(html.find(">12.346<"), std::string::npos);  // the epoch's seconds
  EXPECT_NE(html.find(">\u2013<"), std::string::npos);  // accuracy not evaluated
  EXPECT_NE(html.find("Epochs"), std::string::npos);
  EXPECT_EQ(render({three_ranks()}, "one_run").find("Epochs"), std::string::npos);
}

TEST(RenderHtml, TwoRunsGetARatioColumnAndEachItsSections) {
  Analysis b = three_ranks(20.0);
  b.timeline.end = 19.0;
  const std::string html = render({three_ranks(10.0), b}, "two_runs");
  EXPECT_NE(html.find("<th class=\"r\">B/A</th>"), std::string::npos);
  // Makespan 10 s vs 20 s: the row ends with the ratio 2.00.
  const std::regex makespan(
      R"re(<td>Makespan \(s\)</td><td class="r">10\.000</td><td class="r">20\.000</td><td class="r">2\.00</td>)re");
  EXPECT_TRUE(std::regex_search(html, makespan));
  const auto blocks = timelines(html);
  ASSERT_EQ(blocks.size(), 2u);
  for (const auto& t : blocks) EXPECT_EQ(t.at("scale"), 19.0);  // one time scale for both
  EXPECT_EQ(count(html, "class=\"lane\""), 6u);
  EXPECT_NE(html.find("<h3 id=\"A-timeline\">Timeline</h3>"), std::string::npos);
  EXPECT_NE(html.find("<h3 id=\"B-timeline\">Timeline</h3>"), std::string::npos);
  EXPECT_EQ(html.find(kEvil), std::string::npos);
}

TEST(RenderHtml, RunWithoutBatchesHasNoCanvas) {
  Analysis a = three_ranks();
  a.timeline.lanes.clear();
  const std::string html = render({a}, "no_timeline");
  EXPECT_EQ(count(html, "class=\"lane\""), 0u);
  EXPECT_EQ(html.find("<canvas"), std::string::npos);
  EXPECT_NE(html.find("no timeline"), std::string::npos);
}

TEST(RenderHtml, ManyRanksAndBarsStayCompact) {
  Analysis a = three_ranks();
  a.ranks.clear();
  a.timeline.lanes.clear();
  a.timeline.end = 1000.0;
  for (int r = 0; r < 1000; ++r) {
    RankFigures f;
    f.rank = r;
    f.device = r % 10 == 0 ? "cuda:0" : "cpu";
    f.busy_s = 500.0 + r % 7 * 50.0;
    f.idle_s = 1000.0 - f.busy_s;
    a.ranks.push_back(f);
    TimelineLane lane{r, f.device, {}};
    for (int b = 0; b < 50; ++b) {  // kMaxTimelineBars over 1000 lanes
      const double start = b * 20.0 + r % 13;
      lane.bars.push_back(bar(start, start + 12.345678901, r * 1000 + b * 20,
                              r * 1000 + b * 20 + 19, b % 17 == 0 ? 1 : 0));
    }
    a.timeline.lanes.push_back(std::move(lane));
  }
  a.timeline.batches = 1'000'000 / 20;
  const std::string html = render({a}, "thousand_ranks");
  EXPECT_EQ(count(html, "class=\"lane\""), 1000u);
  EXPECT_LT(html.size(), 4'000'000u);  // times rounded to microseconds keep the JSON small
  const auto blocks = timelines(html);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_DOUBLE_EQ(blocks[0].at("lanes")[999].at("bars")[0][1].get<double>(), 11.0 + 12.345679);
  EXPECT_NE(html.find("class=\"stacks dense\""), std::string::npos);
}

}  // namespace
}  // namespace mpibatch::report
