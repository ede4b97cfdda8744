/// \file bench_report_scale: `mpibatch report` on a result file with 1,000,000 item rows.
///
/// Writes a synthetic result file (untimed): 1,000 ranks, 1,000,000 items in batches of 8,
/// mixed speeds (every 10th rank 20x slower), some failed items. Then times, in this process,
/// each stage of a report (read the file, analyze, render text / JSON / HTML) and, end to end,
/// the `mpibatch report` command for each format, and prints each against the 10 s target of
/// issue 7 (docs/benchmarks.md). It reports; it does not judge.
///
///   bench_report_scale MPIBATCH_BINARY [--dir DIR] [--items 1000000] [--ranks 1000]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "mpibatch/io/h5_result_writer.h"
#include "mpibatch/report/render.h"

namespace {

namespace io = mpibatch::io;
namespace report = mpibatch::report;
using Clock = std::chrono::steady_clock;

constexpr double kTargetSeconds = 10.0;

double seconds(const std::function<void()>& f) {
  const auto start = Clock::now();
  f();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void write_run(const std::string& path, std::uint64_t items, int ranks) {
  constexpr std::uint32_t kChapters = 100;
  constexpr int kBatch = 8;
  std::vector<io::ItemRecord> rows(items);
  std::vector<double> clock(static_cast<std::size_t>(ranks), 0.0);
  std::vector<io::RankRecord> rank_rows(static_cast<std::size_t>(ranks));
  for (std::uint64_t id = 0; id < items; id += kBatch) {
    const auto r = static_cast<std::int32_t>((id / kBatch) % static_cast<std::uint64_t>(ranks));
    const double per_item = r % 10 == 9 ? 0.02 : 0.001;  // every 10th rank 20x slower
    const double start = clock[static_cast<std::size_t>(r)] + 0.0002;
    for (std::uint64_t k = id; k < std::min(items, id + kBatch); ++k) {
      io::ItemRecord& row = rows[k];
      row.id = k;
      row.chapter = static_cast<std::uint32_t>(k * kChapters / items);
      row.rank = r;
      row.batch = static_cast<std::int32_t>(id / kBatch / static_cast<std::uint64_t>(ranks));
      row.chars = 40 + static_cast<std::uint32_t>(k % 200);
      row.status = k % 9973 == 0 ? io::ItemStatus::kFailed : io::ItemStatus::kOk;
      if (row.status == io::ItemStatus::kFailed) row.error = "synthetic failure";
      row.start = start;
      row.end = start + per_item * kBatch;
      row.compute_s = per_item;
    }
    clock[static_cast<std::size_t>(r)] = start + per_item * kBatch;
  }
  for (int r = 0; r < ranks; ++r) {
    io::RankRecord& row = rank_rows[static_cast<std::size_t>(r)];
    row.rank = r;
    row.host = "node" + std::to_string(r / 8);
    row.device = r % 10 == 9 ? "cpu" : "cuda:" + std::to_string(r % 8);
    row.end = clock[static_cast<std::size_t>(r)];
    row.wall_s = row.end + 1.0;
    row.items = items / static_cast<std::uint64_t>(ranks);
    row.phase_s[static_cast<std::size_t>(mpibatch::timing::Phase::kCompute)] = row.end * 0.9;
    row.phase_s[static_cast<std::size_t>(mpibatch::timing::Phase::kWait)] = row.end * 0.1 + 1.0;
  }
  io::RunInfo info;
  info.job_name = "report-scale";
  info.world_size = ranks;
  info.schedule = "static";
  io::H5ResultWriter writer(path, {0, true});
  std::vector<io::ChapterRecord> chapters(kChapters);
  for (std::uint32_t c = 0; c < kChapters; ++c) {
    chapters[c].index = c;
    chapters[c].first_item = c * items / kChapters;
    chapters[c].items =
        static_cast<std::uint32_t>((c + 1) * items / kChapters - c * items / kChapters);
    writer.write_chapter(chapters[c], {});
  }
  writer.commit(info, chapters, rank_rows, rows);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: bench_report_scale MPIBATCH_BINARY [--dir DIR] [--items N] [--ranks N]\n");
    return 2;
  }
  const std::string binary = argv[1];
  std::string dir = std::filesystem::temp_directory_path().string();
  std::uint64_t items = 1'000'000;
  int ranks = 1000;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--dir") dir = argv[i + 1];
    if (flag == "--items") items = std::stoull(argv[i + 1]);
    if (flag == "--ranks") ranks = std::stoi(argv[i + 1]);
  }
  const std::string path = dir + "/bench-report-scale.h5";
  std::printf("writing %llu items over %d ranks to %s (untimed)\n",
              static_cast<unsigned long long>(items), ranks, path.c_str());
  write_run(path, items, ranks);
  std::printf("file: %.1f MB\n\n", static_cast<double>(std::filesystem::file_size(path)) / 1e6);

  report::RunData run;
  report::Analysis analysis;
  std::ostringstream sink;
  const double read_s = seconds([&] { run = report::RunData::read(io::ResultReader(path)); });
  const double analyze_s = seconds([&] { analysis = report::analyze(run); });
  const double text_s = seconds([&] { report::render_text({analysis}, sink); });
  const double json_s = seconds([&] { report::render_json({analysis}, sink); });
  const double html_s = seconds([&] { report::render_html({analysis}, sink); });
  std::printf("in process      seconds  of the %.0f s target\n", kTargetSeconds);
  for (const auto& [name, s] : {std::pair{"read", read_s},
                                {"analyze", analyze_s},
                                {"render text", text_s},
                                {"render json", json_s},
                                {"render html", html_s}})
    std::printf("  %-12s %8.3f  %6.3f\n", name, s, s / kTargetSeconds);
  std::printf("  timeline: %zu batches -> %zu lanes, aggregated: %s\n\n", analysis.timeline.batches,
              analysis.timeline.lanes.size(), analysis.timeline.aggregated ? "yes" : "no");

  std::printf("mpibatch report (end to end)  seconds  of the %.0f s target\n", kTargetSeconds);
  for (const std::string format : {"text", "json", "html"}) {
    const std::string out = dir + "/bench-report-scale." + format;
    const std::string command =
        binary + " report " + path + " --format " + format + " -o " + out + " > /dev/null";
    int status = 0;
    const double s = seconds([&] { status = std::system(command.c_str()); });
    std::printf("  --format %-5s %14.3f  %6.3f%s\n", format.c_str(), s, s / kTargetSeconds,
                status == 0 ? "" : "  (FAILED)");
    std::filesystem::remove(out);
  }
  std::filesystem::remove(path);
  return 0;
}
