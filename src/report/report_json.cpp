#include "report_json.h"

#include <cmath>

#include "mpibatch/report/render.h"

namespace mpibatch::report {
namespace {
using json = nlohmann::ordered_json;

json job_json(const io::RunInfo& info) {
  return {{"name", info.job_name},           {"kind", info.job_kind},
          {"hash", info.job_hash},           {"schedule", info.schedule},
          {"world_size", info.world_size},   {"attempt", info.attempt},
          {"start_time", info.start_time},   {"end_time", info.end_time},
          {"exit_status", info.exit_status}, {"tool_version", info.tool_version}};
}

json rank_json(const RankFigures& f) {
  return {{"rank", f.rank},
          {"host", f.host},
          {"device", f.device},
          {"device_name", f.device_name},
          {"items", f.items},
          {"failed", f.failed},
          {"wall_s", f.wall_s},
          {"busy_s", f.busy_s},
          {"idle_s", f.idle_s},
          {"comm_s", f.comm_s},
          {"io_s", f.io_s},
          {"accounted", f.accounted},
          {"utilization", f.utilization},
          {"items_per_s", f.items_per_s},
          {"work", f.work},
          {"speed", f.speed},
          {"end", f.end},
          {"longest_item_s", f.longest_item_s},
          {"longest_item", f.longest_item},
          {"simulated_speed", f.simulated_speed}};
}

}  // namespace

json timeline_json(const Timeline& t) {
  const auto micro = [](double s) { return std::round(s * 1e6) / 1e6; };  // shorter numbers
  json lanes = json::array();
  for (const TimelineLane& lane : t.lanes) {
    json bars = json::array();
    for (const TimelineBar& b : lane.bars)
      bars.push_back(
          {micro(b.start), micro(b.end), b.first_item, b.last_item, b.chapter, b.items, b.failed});
    lanes.push_back({{"rank", lane.rank}, {"device", lane.device}, {"bars", std::move(bars)}});
  }
  return {{"end", micro(t.end)},
          {"batches", t.batches},
          {"aggregated", t.aggregated},
          {"lanes", std::move(lanes)}};
}

json run_json(const Analysis& a) {
  json summary;
  for (const Figure& f : summary_figures(a)) summary[f.name] = f.value;
  // Counts as integers (summary_figures holds them as doubles for ratios).
  summary["ranks"] = a.ranks.size();
  for (const auto& [name, count] : {std::pair{"items", a.items},
                                    {"ok", a.ok},
                                    {"failed", a.failed},
                                    {"skipped", a.skipped},
                                    {"computed", a.computed}})
    summary[name] = count;
  summary["carried_over"] = a.carried_over;
  summary["devices"] = a.devices;
  summary["work_unit"] = a.work_unit;

  json ranks = json::array();
  for (const RankFigures& f : a.ranks) ranks.push_back(rank_json(f));
  json stragglers = json::array();
  for (const Straggler& s : a.stragglers)
    stragglers.push_back({{"rank", s.rank},
                          {"end", s.end},
                          {"late_s", s.late_s},
                          {"cause", s.cause},
                          {"reason", s.reason}});
  json slowest = json::array();
  for (const SlowItem& s : a.slowest_items)
    slowest.push_back({{"id", s.id},
                       {"chapter", s.chapter},
                       {"rank", s.rank},
                       {"status", io::to_string(s.status)},
                       {"chars", s.chars},
                       {"seconds", s.seconds},
                       {"start", s.start},
                       {"end", s.end},
                       {"error", s.error}});
  json epochs = json::array();
  for (const EpochFigures& e : a.epochs)
    epochs.push_back({{"epoch", e.epoch},
                      {"attempt", e.attempt},
                      {"samples", e.samples},
                      {"seconds", e.seconds},
                      {"data_s", e.data_s},
                      {"compute_s", e.compute_s},
                      {"allreduce_s", e.allreduce_s},
                      {"max_allreduce_s", e.max_allreduce_s},
                      {"checkpoint_s", e.checkpoint_s},
                      {"eval_s", e.eval_s},
                      {"train_loss", e.train_loss},
                      {"eval_accuracy", e.eval_accuracy}});
  const WhatIf& w = a.what_if;
  return {{"file", a.path},
          {"job", job_json(a.info)},
          {"summary", std::move(summary)},
          {"ranks", std::move(ranks)},
          {"stragglers", std::move(stragglers)},
          {"what_if",
           {{"makespan_s", w.makespan_s},
            {"slowest_rank", w.slowest_rank},
            {"without_slowest_s", w.without_slowest_s},
            {"fastest_rank", w.fastest_rank},
            {"with_one_more_fastest_s", w.with_one_more_fastest_s}}},
          {"slowest_items", std::move(slowest)},
          {"epochs", std::move(epochs)},
          {"timeline", timeline_json(a.timeline)}};
}

json comparison_json(const Analysis& a, const Analysis& b) {
  json rows = json::array();
  const std::vector<Figure> fa = summary_figures(a), fb = summary_figures(b);
  for (std::size_t i = 0; i < fa.size(); ++i)
    rows.push_back({{"figure", fa[i].name},
                    {"a", fa[i].value},
                    {"b", fb[i].value},
                    {"ratio", ratio(fa[i].value, fb[i].value)},
                    {"lower_is_better", fa[i].lower_is_better}});
  return rows;
}

void render_json(const std::vector<Analysis>& runs, std::ostream& out) {
  json doc = {{"schema", kReportSchema}, {"runs", json::array()}};
  for (const Analysis& a : runs) doc["runs"].push_back(run_json(a));
  if (runs.size() == 2) doc["comparison"] = comparison_json(runs[0], runs[1]);
  // Strings from the file may hold invalid UTF-8: replaced, never an exception.
  out << doc.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
}

}  // namespace mpibatch::report
