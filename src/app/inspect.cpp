#include "mpibatch/app/inspect.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "mpibatch/io/result_reader.h"
#include "mpibatch/report/text_table.h"

namespace mpibatch::app {
namespace {

using report::shorten;
using Table = report::TextTable;

std::string or_dash(const std::string& text) { return text.empty() ? "-" : text; }

void print_run(const std::string& path, const io::RunInfo& info, std::ostream& out) {
  Table table({false, false});
  table.add({"file", path});
  table.add({"job", fmt::format("{} ({}), hash {}", or_dash(info.job_name), info.job_kind,
                                or_dash(info.job_hash))});
  table.add({"tool", fmt::format("mpibatch {} (git {})", or_dash(info.tool_version),
                                 or_dash(info.git_revision))});
  table.add({"world", fmt::format("{} rank{}, schedule {}", info.world_size,
                                  info.world_size == 1 ? "" : "s", or_dash(info.schedule))});
  table.add({"run", fmt::format("{} -> {}, exit status {}, attempt {}", or_dash(info.start_time),
                                or_dash(info.end_time), info.exit_status, info.attempt)});
  table.add({"libraries", fmt::format("torch {}, MPI {}, HDF5 {}", or_dash(info.torch_version),
                                      or_dash(info.mpi_version), or_dash(info.hdf5_version))});
  table.print(out, "");
}

void print_items(const std::vector<io::ItemRecord>& items, const InspectOptions& options,
                 std::ostream& out) {
  std::size_t ok = 0, failed = 0, skipped = 0;
  for (const auto& item : items) {
    ok += item.status == io::ItemStatus::kOk;
    failed += item.status == io::ItemStatus::kFailed;
    skipped += item.status == io::ItemStatus::kSkipped;
  }
  out << fmt::format("\nitems: {} ({} ok, {} failed, {} skipped)\n", items.size(), ok, failed,
                     skipped);
  if (failed + skipped > 0 && options.failed > 0) {
    Table table({"id", "chapter", "index", "rank", "status", "error"},
                {true, true, true, true, false, false});
    std::size_t shown = 0;
    for (const auto& item : items) {
      if (item.status == io::ItemStatus::kOk || shown == options.failed) continue;
      table.add({std::to_string(item.id), std::to_string(item.chapter), std::to_string(item.index),
                 std::to_string(item.rank), io::to_string(item.status),
                 shorten(or_dash(item.error), 100)});
      ++shown;
    }
    out << fmt::format("not ok (first {} of {}):\n", shown, failed + skipped);
    table.print(out);
  }
  if (options.items > 0) {
    const std::size_t count = std::min(options.items, items.size());
    Table table({"id", "chapter", "index", "rank", "status", "batch", "tokens", "output_length",
                 "start", "end", "compute_s", "error"},
                {true, true, true, true, false, true, true, true, true, true, true, false});
    for (std::size_t i = 0; i < count; ++i) {
      const auto& item = items[i];
      table.add({std::to_string(item.id), std::to_string(item.chapter), std::to_string(item.index),
                 std::to_string(item.rank), io::to_string(item.status), std::to_string(item.batch),
                 std::to_string(item.tokens), std::to_string(item.output_length),
                 fmt::format("{:.3f}", item.start), fmt::format("{:.3f}", item.end),
                 fmt::format("{:.3f}", item.compute_s), shorten(or_dash(item.error), 60)});
    }
    out << fmt::format("first {} of {} items:\n", count, items.size());
    table.print(out);
  }
}

void print_ranks(const std::vector<io::RankRecord>& ranks, std::ostream& out) {
  out << fmt::format("\nranks: {}\n", ranks.size());
  if (ranks.empty()) return;
  Table table(
      {"rank", "host", "device", "threads", "items", "failed", "compute_s", "wait_s", "wall_s"},
      {true, false, false, true, true, true, true, true, true});
  for (const auto& rank : ranks) {
    table.add({std::to_string(rank.rank), or_dash(rank.host), or_dash(rank.device),
               fmt::format("{}/{}", rank.intra_threads, rank.interop_threads),
               std::to_string(rank.items), std::to_string(rank.items_failed),
               fmt::format("{:.3f}", rank.phase(timing::Phase::kCompute)),
               fmt::format("{:.3f}", rank.phase(timing::Phase::kWait)),
               fmt::format("{:.3f}", rank.wall_s)});
  }
  table.print(out);
  std::vector<std::string> slowed;
  for (const auto& rank : ranks) {
    if (rank.simulated_speed != 1.0) {
      slowed.push_back(fmt::format("rank {} at {:g}", rank.rank, rank.simulated_speed));
    }
  }
  if (!slowed.empty()) {
    out << fmt::format(
        "SIMULATED: runtime.simulate_speed slowed {} on purpose; not a real run's "
        "timing\n",
        fmt::join(slowed, ", "));
  }
}

void print_chapters(const std::vector<io::ChapterRecord>& chapters, const io::RunInfo& info,
                    std::ostream& out) {
  std::int64_t rows = 0;
  for (const auto& chapter : chapters) rows += chapter.output_length;
  std::string units = info.output_units.empty() ? "rows" : info.output_units;
  if (info.sample_rate > 0) {
    units += fmt::format(" at {:g} Hz = {:.1f} s", info.sample_rate,
                         static_cast<double>(rows) / info.sample_rate);
  }
  out << fmt::format("\nchapters: {}, output: {} {}\n", chapters.size(), rows, units);
}

/// Every dataset, except that long runs of chapter groups are cut to the first and last two.
void print_datasets(const std::vector<io::DatasetInfo>& datasets, std::ostream& out) {
  out << fmt::format("\ndatasets: {}\n", datasets.size());
  const std::string prefix = "/results/chapter_";
  std::vector<std::string> groups;
  for (const auto& d : datasets) {
    if (d.path.rfind(prefix, 0) != 0) continue;
    const std::string group = d.path.substr(0, d.path.rfind('/'));
    if (groups.empty() || groups.back() != group) groups.push_back(group);
  }
  constexpr std::size_t kEnds = 2;
  auto shown = [&](const std::string& group) {
    if (groups.size() <= 2 * kEnds + 1) return true;
    const auto at =
        static_cast<std::size_t>(std::find(groups.begin(), groups.end(), group) - groups.begin());
    return at < kEnds || at >= groups.size() - kEnds;
  };
  Table table({"path", "type", "shape"}, {false, false, false});
  bool elided = false;
  for (const auto& d : datasets) {
    if (d.path.rfind(prefix, 0) == 0 && !shown(d.path.substr(0, d.path.rfind('/')))) {
      if (!elided) {
        table.add({fmt::format("... {} more chapter groups", groups.size() - 2 * kEnds), "", ""});
        elided = true;
      }
      continue;
    }
    std::string shape = "(";
    for (std::size_t i = 0; i < d.shape.size(); ++i)
      shape += (i ? ", " : "") + std::to_string(d.shape[i]);
    shape += d.shape.size() == 1 ? ",)" : ")";
    table.add({d.path, d.type, shape});
  }
  table.print(out);
}

}  // namespace

void inspect(const std::string& path, const InspectOptions& options, std::ostream& out) {
  const io::ResultReader reader(path);
  const io::RunInfo info = reader.info();
  print_run(path, info, out);
  print_items(reader.items(), options, out);
  if (options.ranks) print_ranks(reader.ranks(), out);
  print_chapters(reader.chapters(), info, out);
  print_datasets(reader.datasets(), out);
  if (options.config) out << "\nconfig (merged job YAML):\n" << info.config_yaml;
  if (options.config && !info.config_yaml.empty() && info.config_yaml.back() != '\n') out << '\n';
}

}  // namespace mpibatch::app
