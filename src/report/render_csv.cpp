// CSV tables for spreadsheets and scripts: one header row, then one row per run, rank, item or
// epoch; a leading `run` column (the file) so tables of several runs can be concatenated.
#include <fmt/format.h>

#include <cmath>

#include "mpibatch/error.h"
#include "mpibatch/report/render.h"

namespace mpibatch::report {
namespace {

/// RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled.
std::string cell(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}
std::string cell(double v) { return std::isnan(v) ? "" : fmt::format("{:.6g}", v); }
template <class Int, class = std::enable_if_t<std::is_integral_v<Int>>>
std::string cell(Int v) {
  return std::to_string(v);
}

void row(std::ostream& out, const std::vector<std::string>& cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) out << (i ? "," : "") << cells[i];
  out << "\r\n";
}

void summary(const std::vector<Analysis>& runs, std::ostream& out) {
  std::vector<std::string> header{"run", "job", "kind", "schedule", "devices", "work_unit"};
  for (const Figure& f : summary_figures(runs.front())) header.push_back(f.name);
  row(out, header);
  for (const Analysis& a : runs) {
    std::vector<std::string> cells{cell(a.path),          cell(a.info.job_name),
                                   cell(a.info.job_kind), cell(a.info.schedule),
                                   cell(a.devices),       cell(a.work_unit)};
    for (const Figure& f : summary_figures(a)) cells.push_back(cell(f.value));
    row(out, cells);
  }
}

void ranks(const std::vector<Analysis>& runs, std::ostream& out) {
  row(out, {"run", "rank", "host", "device", "items", "failed", "wall_s", "busy_s", "idle_s",
            "comm_s", "io_s", "utilization", "items_per_s", "work", "speed", "end"});
  for (const Analysis& a : runs)
    for (const RankFigures& f : a.ranks)
      row(out,
          {cell(a.path), cell(f.rank), cell(f.host), cell(f.device), cell(f.items), cell(f.failed),
           cell(f.wall_s), cell(f.busy_s), cell(f.idle_s), cell(f.comm_s), cell(f.io_s),
           cell(f.utilization), cell(f.items_per_s), cell(f.work), cell(f.speed), cell(f.end)});
}

void items(const std::vector<Analysis>& runs, std::ostream& out) {
  row(out, {"run", "id", "chapter", "rank", "status", "chars", "seconds", "start", "end"});
  for (const Analysis& a : runs)
    for (const SlowItem& s : a.slowest_items)
      row(out, {cell(a.path), cell(s.id), cell(s.chapter), cell(s.rank),
                cell(std::string(io::to_string(s.status))), cell(s.chars), cell(s.seconds),
                cell(s.start), cell(s.end)});
}

void epochs(const std::vector<Analysis>& runs, std::ostream& out) {
  row(out, {"run", "epoch", "attempt", "samples", "seconds", "data_s", "compute_s", "allreduce_s",
            "max_allreduce_s", "checkpoint_s", "eval_s", "train_loss", "eval_accuracy"});
  for (const Analysis& a : runs)
    for (const EpochFigures& e : a.epochs)
      row(out, {cell(a.path), cell(e.epoch), cell(e.attempt), cell(e.samples), cell(e.seconds),
                cell(e.data_s), cell(e.compute_s), cell(e.allreduce_s), cell(e.max_allreduce_s),
                cell(e.checkpoint_s), cell(e.eval_s), cell(e.train_loss), cell(e.eval_accuracy)});
}

}  // namespace

void render_csv(const std::vector<Analysis>& runs, const std::string& table, std::ostream& out) {
  if (table == "summary") return summary(runs, out);
  if (table == "ranks") return ranks(runs, out);
  if (table == "items") return items(runs, out);
  if (table == "epochs") return epochs(runs, out);
  throw UsageError("mpibatch report: --table " + table +
                   " is not a table; use summary, ranks, items or epochs");
}

}  // namespace mpibatch::report
