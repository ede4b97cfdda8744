/// \file render_html(): one self-contained HTML page. The page itself (CSS, the timeline's
/// drawing script, the placeholders) is report_page.html, compiled in as a string; this file
/// writes the figures into it as escaped HTML tables, and each run's timeline as a JSON block
/// that the page's script draws on a canvas.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>

#include "mpibatch/report/render.h"
#include "report_json.h"

namespace mpibatch::report {
namespace {

constexpr std::string_view kPage =
#include "report_page.inc"  // report_page.html as a raw string literal (src/report/CMakeLists.txt)
    ;

constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();
/// Above this many ranks the per-rank time bars shrink to thin rows without labels.
constexpr std::size_t kDenseRanks = 64;

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

/// `value` with `decimals` decimals; a dash when it is not a number.
std::string fixed(double value, int decimals) {
  if (!std::isfinite(value)) return "\u2013";
  if (std::fabs(value) < 0.5 * std::pow(10.0, -decimals)) value = 0.0;  // no "-0.000"
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}
std::string seconds(double s) { return fixed(s, 3); }
std::string ratio(double r) { return fixed(r, 2); }
std::string percent(double fraction) {
  return std::isfinite(fraction) ? fixed(100.0 * fraction, 1) + " %" : fixed(fraction, 1);
}

using Row = std::vector<std::string>;

/// A table of text cells (escaped here); `align` has one letter per column: l or r (numbers).
void write_table(std::ostream& out, const Row& head, std::string_view align,
                 const std::vector<Row>& rows, bool scroll = false) {
  const auto cell = [&](const char* tag, std::size_t col, const std::string& text) {
    out << '<' << tag << (col < align.size() && align[col] == 'r' ? " class=\"r\">" : ">")
        << escape(text) << "</" << tag << '>';
  };
  if (scroll) out << "<div class=\"scroll\">";
  out << "<table>\n<thead><tr>";
  for (std::size_t c = 0; c < head.size(); ++c) cell("th", c, head[c]);
  out << "</tr></thead>\n<tbody>\n";
  for (const Row& row : rows) {
    out << "<tr>";
    for (std::size_t c = 0; c < row.size(); ++c) cell("td", c, row[c]);
    out << "</tr>\n";
  }
  out << "</tbody></table>\n";
  if (scroll) out << "</div>\n";
}

void heading(std::ostream& out, int level, const std::string& text, const std::string& id = "") {
  out << "<h" << level;
  if (!id.empty()) out << " id=\"" << escape(id) << '"';
  out << '>' << escape(text) << "</h" << level << ">\n";
}

void note(std::ostream& out, const std::string& text) {
  out << "<p class=\"note\">" << escape(text) << "</p>\n";
}

/// One line of the run summary; `value` feeds the B/A ratio of a comparison (NaN: no ratio).
struct SummaryRow {
  std::string label;
  std::string text;
  double value = kNoValue;
};

SummaryRow count_row(std::string label, std::uint64_t n) {
  return {std::move(label), std::to_string(n), static_cast<double>(n)};
}

/// "A", "B", ...: the runs of a comparison.
std::string letter(std::size_t run) { return std::string(1, static_cast<char>('A' + run)); }

std::vector<SummaryRow> summary_rows(const Analysis& a) {
  const io::RunInfo& info = a.info;
  std::string stragglers = a.stragglers.empty() ? "none" : "";
  for (const Straggler& s : a.stragglers) {
    stragglers += (stragglers.empty() ? "rank " : ", ") + std::to_string(s.rank);
  }
  std::string version = info.tool_version;
  if (!info.git_revision.empty()) version += " (" + info.git_revision + ")";
  return {
      {"Job", info.job_name},
      {"Kind", info.job_kind},
      {"File", a.path},
      {"Schedule", info.schedule},
      {"Ranks", std::to_string(info.world_size), static_cast<double>(info.world_size)},
      {"Devices", a.devices},
      {"Started", info.start_time},
      {"Ended", info.end_time},
      {"Exit status", std::to_string(info.exit_status)},
      {"--resume runs", std::to_string(info.attempt)},
      {"mpibatch", version},
      {"Wall time (s)", seconds(a.wall_s), a.wall_s},
      {"Makespan (s)", seconds(a.makespan_s), a.makespan_s},
      {"Lower bound (s)", seconds(a.lower_bound_s), a.lower_bound_s},
      {"Efficiency (lower bound / makespan)", percent(a.efficiency), a.efficiency},
      count_row(info.job_kind == "train" ? "Samples" : "Items", a.items),
      count_row("OK", a.ok),
      count_row("Failed", a.failed),
      count_row("Skipped", a.skipped),
      {"Throughput (items/s)", fixed(a.throughput, 2), a.throughput},
      {"Balance (mean / max busy)", ratio(a.balance.balance), a.balance.balance},
      {"Stragglers", stragglers},
  };
}

/// The summary of one run, or of several side by side with a ratio to the first (B/A).
void write_summary(std::ostream& out, const std::vector<Analysis>& runs) {
  std::vector<std::vector<SummaryRow>> all;
  for (const Analysis& a : runs) all.push_back(summary_rows(a));
  Row head = {"Figure"};
  for (std::size_t r = 0; r < runs.size(); ++r) {
    head.push_back(runs.size() == 1 ? "Value" : letter(r) + ": " + runs[r].info.job_name);
  }
  for (std::size_t r = 1; r < runs.size(); ++r) head.push_back(letter(r) + "/A");
  // Not write_table: numbers are right-aligned and text left-aligned, row by row.
  out << "<table>\n<thead><tr>";
  for (std::size_t c = 0; c < head.size(); ++c) {
    out << (c == 0 ? "<th>" : "<th class=\"r\">") << escape(head[c]) << "</th>";
  }
  out << "</tr></thead>\n<tbody>\n";
  for (std::size_t i = 0; i < all[0].size(); ++i) {
    const bool number = std::isfinite(all[0][i].value);
    const char* td = number ? "<td class=\"r\">" : "<td>";
    out << "<tr><td>" << escape(all[0][i].label) << "</td>";
    for (const auto& run : all) out << td << escape(run[i].text) << "</td>";
    for (std::size_t r = 1; r < all.size(); ++r) {
      const double a = all[0][i].value, b = all[r][i].value;
      out << "<td class=\"r\">" << (number && std::isfinite(b) && a != 0.0 ? ratio(b / a) : "")
          << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</tbody></table>\n";
}

/// The timeline (report_json.h) for the page's script, drawn over 0..scale seconds. Every '<'
/// becomes \u003c, so no text in it (device names) can end the script element.
std::string timeline_script_json(const Timeline& t, double scale) {
  nlohmann::ordered_json j = timeline_json(t);
  j["scale"] = std::max(scale, t.end);
  const std::string text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

/// `scale`: the seconds the canvas spans (the longest of the runs compared, so they line up).
void write_timeline(std::ostream& out, const Timeline& t, double scale) {
  std::size_t bars = 0;
  for (const TimelineLane& lane : t.lanes) bars += lane.bars.size();
  if (bars == 0) {
    note(out, "No item batches recorded, so no timeline.");
    return;
  }
  note(out, t.aggregated
                ? std::to_string(t.batches) + " batches, drawn as " + std::to_string(bars) +
                      " bars: consecutive batches of a rank with short gaps between "
                      "them are merged."
                : std::to_string(bars) + " batches, one bar each.");
  out << "<div class=\"legend\"><i class=\"ok\"></i>batch <i class=\"failed\"></i>batch with "
         "failed items <i class=\"gap\"></i>idle (empty space). Hover over a bar for its "
         "items and times.</div>\n";
  out << "<div class=\"timeline\">\n<canvas class=\"tl-axis\"></canvas>\n<div class=\"tl-body\">"
         "<div class=\"lanes\">\n";
  for (const TimelineLane& lane : t.lanes) {
    const std::string rank = std::to_string(lane.rank);
    out << "<div class=\"lane\" data-rank=\"" << rank << "\" data-bars=\"" << lane.bars.size()
        << "\" title=\"rank " << rank << " (" << escape(lane.device) << ")\">r" << rank << ' '
        << escape(lane.device) << "</div>\n";
  }
  out << "</div><canvas class=\"tl\"></canvas></div>\n"
      << "<script type=\"application/json\" class=\"timeline-data\">"
      << timeline_script_json(t, scale) << "</script>\n</div>\n";
}

/// Each rank's wall time split into busy, idle, comm and io, as bars on one scale.
void write_time_bars(std::ostream& out, const std::vector<RankFigures>& ranks) {
  double longest = 0.0;
  for (const RankFigures& r : ranks) {
    longest = std::max(longest, r.busy_s + r.idle_s + r.comm_s + r.io_s);
  }
  out << "<div class=\"legend\"><i class=\"busy\"></i>busy (encode + compute) "
         "<i class=\"idle\"></i>idle (waiting, start-up, shut-down) <i class=\"comm\"></i>comm "
         "<i class=\"io\"></i>I/O (read, model load, write)</div>\n";
  out << "<div class=\"stacks" << (ranks.size() > kDenseRanks ? " dense" : "") << "\">\n";
  for (const RankFigures& r : ranks) {
    const double total = r.busy_s + r.idle_s + r.comm_s + r.io_s;
    const std::pair<const char*, double> parts[] = {
        {"busy", r.busy_s}, {"idle", r.idle_s}, {"comm", r.comm_s}, {"io", r.io_s}};
    std::string tip = "rank " + std::to_string(r.rank) + " (" + r.device + ")";
    for (const auto& [name, s] : parts) {
      tip += std::string("\n") + name + " " + seconds(s) + " s (" +
             percent(total > 0 ? s / total : kNoValue) + ")";
    }
    out << "<div class=\"stack-row\" data-tip=\"" << escape(tip) << "\"><span class=\"rk\">r"
        << r.rank << ' ' << escape(r.device) << "</span><div class=\"stack\">";
    for (const auto& [name, s] : parts) {
      char width[32];
      std::snprintf(width, sizeof width, "%.3f%%", longest > 0 ? 100.0 * s / longest : 0.0);
      out << "<i class=\"" << name << "\" style=\"width:" << width << "\"></i>";
    }
    out << "</div></div>\n";
  }
  out << "</div>\n";
}

void write_ranks(std::ostream& out, const Analysis& a) {
  const std::string slowed = simulated_ranks(a.ranks);
  if (!slowed.empty())
    note(out, "SIMULATED: runtime.simulate_speed slowed " + slowed + " on purpose.");
  const std::string unit = a.work_unit.empty() ? "items" : a.work_unit;
  std::vector<Row> rows;
  for (const RankFigures& r : a.ranks) {
    rows.push_back({std::to_string(r.rank), r.host, r.device, r.device_name,
                    std::to_string(r.items), std::to_string(r.failed), seconds(r.wall_s),
                    seconds(r.busy_s), seconds(r.idle_s), seconds(r.comm_s), seconds(r.io_s),
                    percent(r.utilization), fixed(r.items_per_s, 2), fixed(r.work, 0),
                    fixed(r.speed, 1), seconds(r.end), seconds(r.longest_item_s)});
  }
  write_table(out,
              {"Rank", "Host", "Device", "Device name", "Items", "Failed", "Wall (s)", "Busy (s)",
               "Idle (s)", "Comm (s)", "I/O (s)", "Utilization", "Items/s (busy)",
               "Work (" + unit + ")", "Speed (" + unit + "/s)", "End (s)", "Longest item (s)"},
              "rlll" + std::string(13, 'r'), rows, true);
}

void write_balance(std::ostream& out, const Analysis& a) {
  const Balance& b = a.balance;
  write_table(out, {"Figure", "Value", "Meaning"}, "lrl",
              {{"Mean busy (s)", seconds(b.mean_busy_s), "mean over the ranks"},
               {"Max busy (s)", seconds(b.max_busy_s), "the busiest rank"},
               {"Balance", ratio(b.balance), "mean / max busy (1 = perfect)"},
               {"Imbalance", percent(b.imbalance), "(max - mean) / max busy"},
               {"CV of busy", ratio(b.cv), "standard deviation / mean"},
               {"Makespan (s)", seconds(a.makespan_s), "start of compute to the last rank's end"},
               {"Lower bound (s)", seconds(a.lower_bound_s),
                "max(total work / sum of rank speeds, longest item)"},
               {"Efficiency", percent(a.efficiency), "lower bound / makespan"}});
}

void write_what_if(std::ostream& out, const WhatIf& w) {
  std::string text = "Measured makespan " + seconds(w.makespan_s) + " s.";
  if (w.slowest_rank >= 0) {
    text += " Without rank " + std::to_string(w.slowest_rank) + " (the slowest): about " +
            seconds(w.without_slowest_s) + " s.";
  }
  if (w.fastest_rank >= 0) {
    text += " With one more rank like rank " + std::to_string(w.fastest_rank) +
            " (the fastest): about " + seconds(w.with_one_more_fastest_s) + " s.";
  }
  out << "<p>" << escape(text) << "</p>\n";
}

void write_items(std::ostream& out, const std::vector<SlowItem>& items) {
  std::vector<Row> rows;
  for (const SlowItem& i : items) {
    rows.push_back({std::to_string(i.id), std::to_string(i.chapter), std::to_string(i.rank),
                    io::to_string(i.status), std::to_string(i.chars), seconds(i.seconds),
                    seconds(i.start), seconds(i.end), i.error});
  }
  write_table(
      out,
      {"Item", "Chapter", "Rank", "Status", "Chars", "Seconds", "Start (s)", "End (s)", "Error"},
      "rrrlrrrrl", rows);
}

void write_epochs(std::ostream& out, const std::vector<EpochFigures>& epochs) {
  std::vector<Row> rows;
  for (const EpochFigures& e : epochs) {
    rows.push_back({std::to_string(e.epoch), std::to_string(e.attempt), std::to_string(e.samples),
                    seconds(e.seconds), seconds(e.data_s), seconds(e.compute_s),
                    seconds(e.allreduce_s), seconds(e.max_allreduce_s), seconds(e.checkpoint_s),
                    seconds(e.eval_s), fixed(e.train_loss, 4), percent(e.eval_accuracy)});
  }
  write_table(
      out,
      {"Epoch", "Attempt", "Samples", "Seconds", "Data (s)", "Compute (s)", "All-reduce (s)",
       "All-reduce, max rank (s)", "Checkpoint (s)", "Eval (s)", "Train loss", "Eval accuracy"},
      "rrrrrrrrrrrr", rows, epochs.size() > 20);
}

/// Every section of one run but the summary, under headings of `level` with ids `prefix`name.
void write_sections(std::ostream& out, const Analysis& a, int level, const std::string& prefix,
                    double timeline_scale) {
  heading(out, level, "Timeline", prefix + "timeline");
  write_timeline(out, a.timeline, timeline_scale);
  heading(out, level, "Where each rank's time went", prefix + "time-split");
  write_time_bars(out, a.ranks);
  heading(out, level, "Ranks", prefix + "ranks");
  write_ranks(out, a);
  heading(out, level, "Balance and efficiency", prefix + "balance");
  write_balance(out, a);
  heading(out, level, "Stragglers", prefix + "stragglers");
  if (a.stragglers.empty()) {
    note(out, "None: the ranks finished together.");
  } else {
    std::vector<Row> rows;
    for (const Straggler& s : a.stragglers) {
      rows.push_back(
          {std::to_string(s.rank), seconds(s.end), seconds(s.late_s), s.cause, s.reason});
    }
    write_table(out, {"Rank", "End (s)", "Late (s)", "Cause", "Reason"}, "rrrll", rows);
  }
  heading(out, level, "What if", prefix + "what-if");
  write_what_if(out, a.what_if);
  heading(out, level, "Slowest items", prefix + "slowest-items");
  if (a.slowest_items.empty()) {
    note(out, "No items.");
  } else {
    write_items(out, a.slowest_items);
  }
  if (!a.epochs.empty()) {
    heading(out, level, "Epochs (means over the ranks)", prefix + "epochs");
    write_epochs(out, a.epochs);
  }
}

}  // namespace

void render_html(const std::vector<Analysis>& runs, std::ostream& out) {
  std::string title = "mpibatch report:";
  for (std::size_t r = 0; r < runs.size(); ++r) {
    title += (r == 0 ? " " : " vs ") + runs[r].info.job_name;
  }
  std::ostringstream body;
  heading(body, 1, title);
  for (std::size_t r = 0; r < runs.size(); ++r) {
    note(body, (runs.size() > 1 ? letter(r) + ": " : "") + runs[r].path);
  }
  heading(body, 2, runs.size() > 1 ? "Summary, side by side" : "Summary", "summary");
  if (!runs.empty()) write_summary(body, runs);
  double scale = 0.0;  // one time scale for every timeline, so that compared runs line up
  for (const Analysis& a : runs) scale = std::max(scale, a.timeline.end);
  if (runs.size() == 1) write_sections(body, runs[0], 2, "", scale);
  if (runs.size() > 1) note(body, "The timelines below share one time scale.");
  for (std::size_t r = 0; runs.size() > 1 && r < runs.size(); ++r) {
    heading(body, 2, letter(r) + ": " + runs[r].info.job_name + " (" + runs[r].path + ")",
            "run-" + letter(r));
    write_sections(body, runs[r], 3, letter(r) + "-", scale);
  }
  constexpr std::string_view kTitle = "{{title}}", kBody = "{{body}}";
  const std::size_t title_at = kPage.find(kTitle), body_at = kPage.find(kBody);
  out << kPage.substr(0, title_at) << escape(title)
      << kPage.substr(title_at + kTitle.size(), body_at - title_at - kTitle.size()) << body.str()
      << kPage.substr(body_at + kBody.size());
}

}  // namespace mpibatch::report
