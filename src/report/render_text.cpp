// The terminal report: a few labelled lines and aligned tables, read top to bottom in a minute.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "mpibatch/report/render.h"
#include "mpibatch/report/text_table.h"

namespace mpibatch::report {
namespace {

std::string secs(double s) { return fmt::format("{:.3f}", s); }
std::string percent(double share) { return fmt::format("{:.1f}%", 100.0 * share); }
std::string or_dash(const std::string& text) { return text.empty() ? "-" : text; }

void print_summary(const Analysis& a, std::ostream& out) {
  const io::RunInfo& info = a.info;
  TextTable t({false, false});
  t.add({"run", fmt::format("{}: {} ({}), {} rank{} ({}), schedule {}, attempt {}", a.path,
                            or_dash(info.job_name), info.job_kind, a.ranks.size(),
                            a.ranks.size() == 1 ? "" : "s", or_dash(a.devices),
                            or_dash(info.schedule), info.attempt)});
  t.add({"", fmt::format("{} -> {}, exit status {}", or_dash(info.start_time),
                         or_dash(info.end_time), info.exit_status)});
  t.add({"time", fmt::format("wall {} s, makespan {} s", secs(a.wall_s), secs(a.makespan_s))});
  std::string items =
      fmt::format("{} ({} ok, {} failed, {} skipped)", a.items, a.ok, a.failed, a.skipped);
  if (a.carried_over > 0) items += fmt::format(", {} ok from earlier attempts", a.carried_over);
  items += fmt::format("; {} computed now, {:.1f}/s", a.computed, a.throughput);
  t.add({a.work_unit == "samples" ? "samples" : "items", items});
  t.print(out, "");
}

void print_ranks(const Analysis& a, std::ostream& out) {
  TextTable t({"rank", "host", "device", "items", "failed", "busy_s", "idle_s", "comm_s", "io_s",
               "util", "items/s", a.work_unit + "/s", "end"},
              {true, false, false, true, true, true, true, true, true, true, true, true, true});
  for (const RankFigures& f : a.ranks) {
    t.add({std::to_string(f.rank), or_dash(f.host), or_dash(f.device), std::to_string(f.items),
           std::to_string(f.failed), secs(f.busy_s), secs(f.idle_s), secs(f.comm_s), secs(f.io_s),
           percent(f.utilization), fmt::format("{:.1f}", f.items_per_s),
           fmt::format("{:.1f}", f.speed), secs(f.end)});
  }
  out << "\nranks (busy = encode + compute, io = read + model load + write, idle = wait + "
         "start-up + shut-down)\n";
  t.print(out);
  const std::string slowed = simulated_ranks(a.ranks);
  if (!slowed.empty())
    out << "SIMULATED: runtime.simulate_speed slowed " << slowed << " on purpose\n";
}

void print_balance(const Analysis& a, std::ostream& out) {
  const Balance& b = a.balance;
  const WhatIf& w = a.what_if;
  TextTable t({false, false});
  t.add({"balance", fmt::format("mean busy {} s / max busy {} s = {:.2f}; imbalance {}, cv {:.2f}",
                                secs(b.mean_busy_s), secs(b.max_busy_s), b.balance,
                                percent(b.imbalance), b.cv)});
  t.add(
      {"makespan", fmt::format("{} s against a lower bound of {} s at the measured speeds: "
                               "efficiency {}",
                               secs(a.makespan_s), secs(a.lower_bound_s), percent(a.efficiency))});
  if (a.stragglers.empty()) {
    t.add({"stragglers", a.ranks.size() < 2 ? "none (one rank)"
                                            : "none: every rank ended within 5% of the makespan "
                                              "of the others' mean"});
  }
  for (std::size_t i = 0; i < a.stragglers.size(); ++i) {
    const Straggler& s = a.stragglers[i];
    t.add({i == 0 ? "stragglers" : "",
           fmt::format("rank {} ended {} s after the others' mean [{}]: {}", s.rank, secs(s.late_s),
                       s.cause, s.reason)});
  }
  std::string what_if;
  if (w.slowest_rank >= 0)
    what_if =
        fmt::format("without rank {} (slowest) ~{} s; ", w.slowest_rank, secs(w.without_slowest_s));
  if (w.fastest_rank >= 0)
    what_if += fmt::format("with one more rank like rank {} (fastest) ~{} s", w.fastest_rank,
                           secs(w.with_one_more_fastest_s));
  if (!what_if.empty()) t.add({"what-if", what_if + " (work spread by speed)"});
  out << '\n';
  t.print(out, "");
}

void print_slowest_items(const Analysis& a, std::ostream& out) {
  if (a.slowest_items.empty()) return;
  const bool errors = std::any_of(a.slowest_items.begin(), a.slowest_items.end(),
                                  [](const SlowItem& s) { return !s.error.empty(); });
  std::vector<std::string> header{"id", "chapter", "rank", "chars", "seconds", "start", "end",
                                  "status"};
  if (errors) header.push_back("error");
  TextTable t(header, {true, true, true, true, true, true, true, false, false});
  for (const SlowItem& s : a.slowest_items) {
    std::vector<std::string> row{std::to_string(s.id),    std::to_string(s.chapter),
                                 std::to_string(s.rank),  std::to_string(s.chars),
                                 secs(s.seconds),         secs(s.start),
                                 secs(s.end),             io::to_string(s.status)};
    if (errors) row.push_back(shorten(or_dash(s.error), 60));
    t.add(row);
  }
  out << "\nslowest items (encode + compute)\n";
  t.print(out);
}

void print_epochs(const Analysis& a, std::ostream& out) {
  if (a.epochs.empty()) return;
  TextTable t({"epoch", "attempt", "samples", "seconds", "data_s", "compute_s", "allreduce_s",
               "max_allreduce_s", "checkpoint_s", "eval_s", "train_loss", "eval_accuracy"},
              std::vector<bool>(12, true));
  const auto maybe = [](double v, const char* format) {
    return std::isnan(v) ? std::string("-") : fmt::format(fmt::runtime(format), v);
  };
  for (const EpochFigures& e : a.epochs) {
    t.add({std::to_string(e.epoch), std::to_string(e.attempt), std::to_string(e.samples),
           secs(e.seconds), secs(e.data_s), secs(e.compute_s), secs(e.allreduce_s),
           secs(e.max_allreduce_s), secs(e.checkpoint_s), secs(e.eval_s),
           maybe(e.train_loss, "{:.4f}"), maybe(e.eval_accuracy * 100, "{:.2f}%")});
  }
  out << "\nepochs (seconds: means over the ranks; max_allreduce_s: the rank that waited "
         "longest)\n";
  t.print(out);
}

void print_run(const Analysis& a, std::ostream& out) {
  print_summary(a, out);
  print_ranks(a, out);
  print_balance(a, out);
  print_slowest_items(a, out);
  print_epochs(a, out);
}

void print_comparison(const Analysis& a, const Analysis& b, std::ostream& out) {
  TextTable t({"figure", "A", "B", "B/A"}, {false, true, true, true});
  const std::vector<Figure> fa = summary_figures(a), fb = summary_figures(b);
  for (std::size_t i = 0; i < fa.size(); ++i) {
    const double r = ratio(fa[i].value, fb[i].value);
    t.add({fa[i].name, fmt::format("{:.4g}", fa[i].value), fmt::format("{:.4g}", fb[i].value),
           std::isnan(r) ? "-" : fmt::format("{:.2f}", r)});
  }
  out << fmt::format("A: {}\nB: {}\n\n", a.path, b.path);
  t.print(out);
}

}  // namespace

void render_text(const std::vector<Analysis>& runs, std::ostream& out) {
  if (runs.size() == 2) {
    print_comparison(runs[0], runs[1], out);
    for (std::size_t i = 0; i < 2; ++i) {
      out << fmt::format("\n=== {} ===\n", i == 0 ? 'A' : 'B');
      print_run(runs[i], out);
    }
    return;
  }
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (i > 0) out << '\n';
    print_run(runs[i], out);
  }
}

}  // namespace mpibatch::report
