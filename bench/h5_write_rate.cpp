/// \file bench_h5_write_rate: HDF5 result-write rate against a raw sequential write.
///
/// Writes N chapters of float32 outputs through H5ResultWriter (create, write_chapter each,
/// commit: tables, attributes, flush, close, fsync, rename, fsync of the folder) and the same
/// payload bytes (each chapter's values and offsets) with fwrite + fflush + fsync + fclose into
/// the same directory, and prints MB/s of both and their ratio. Both are durable on disk when
/// their timed region ends, as a result file is when commit() returns. After one untimed warm-up
/// pair, each repeat does both writes, alternating which goes first; the page cache is synced
/// (untimed) before each write, and the file is removed before that sync, so neither write pays for
/// the other's write-back. Reported: the ratio of the median rates and of the best rates. The
/// target (docs/benchmarks.md) is a ratio >= 0.8; this program reports, it does not judge.
///
/// Without --chapters/--mb it runs two scenarios: many small chapters (200 x 2 MB) and
/// audiobook-sized chapters (24 x 40 MB, about 7.5 minutes of 22050 Hz float32 audio each).
///
///   bench_h5_write_rate [--dir DIR] [--chapters N --mb MB] [--items 50] [--repeat 5]
///                       [--compression 0]

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "mpibatch/io/h5_result_writer.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace io = mpibatch::io;

struct Scenario {
  std::string name;
  int chapters = 0;
  double mb_per_chapter = 0;
  int items_per_chapter = 0;
};

struct Options {
  std::string dir = ".";
  std::vector<Scenario> scenarios{{"small chapters", 200, 2.0, 50},
                                  {"audiobook chapters", 24, 40.0, 100}};
  int repeat = 5;
  int compression = 0;
};

[[noreturn]] void usage(const char* program, int status) {
  std::printf(
      "usage: %s [--dir DIR] [--chapters N --mb MB_PER_CHAPTER] [--items ITEMS_PER_CHAPTER]\n"
      "          [--repeat R] [--compression 0-9]\n"
      "Without --chapters/--mb: 200 x 2 MB and 24 x 40 MB chapters.\n",
      program);
  std::exit(status);
}

Options parse(int argc, char** argv) {
  Options options;
  Scenario custom{"custom", 0, 0, 50};
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") usage(argv[0], 0);
    if (i + 1 >= argc) throw std::runtime_error("missing value after " + flag);
    const std::string value = argv[++i];
    if (flag == "--dir")
      options.dir = value;
    else if (flag == "--chapters")
      custom.chapters = std::stoi(value);
    else if (flag == "--mb")
      custom.mb_per_chapter = std::stod(value);
    else if (flag == "--items")
      custom.items_per_chapter = std::stoi(value);
    else if (flag == "--repeat")
      options.repeat = std::max(std::stoi(value), 1);
    else if (flag == "--compression")
      options.compression = std::stoi(value);
    else
      throw std::runtime_error("unknown option " + flag);
  }
  if (custom.chapters > 0 || custom.mb_per_chapter > 0) {
    if (custom.chapters <= 0) custom.chapters = 200;
    if (custom.mb_per_chapter <= 0) custom.mb_per_chapter = 2.0;
    options.scenarios = {custom};
  }
  for (Scenario& scenario : options.scenarios)
    scenario.items_per_chapter = std::max(scenario.items_per_chapter, 1);
  return options;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// One chapter's outputs: `items` equal slices of a waveform-like signal.
io::ChapterOutput make_output(const Scenario& scenario) {
  io::ChapterOutput output;
  const auto floats = static_cast<std::int64_t>(scenario.mb_per_chapter * 1e6 / sizeof(float));
  output.values.resize(static_cast<std::size_t>(floats));
  for (std::size_t i = 0; i < output.values.size(); ++i)
    output.values[i] = static_cast<float>(std::sin(0.01 * static_cast<double>(i)));
  for (int k = 0; k <= scenario.items_per_chapter; ++k)
    output.offsets.push_back(floats * k / scenario.items_per_chapter);
  return output;
}

/// The bytes both writes store per chapter: values and offsets (HDF5 adds only its metadata).
std::size_t payload_bytes(const io::ChapterOutput& output) {
  return output.values.size() * sizeof(float) + output.offsets.size() * sizeof(std::int64_t);
}

struct H5Times {
  double total = 0;
  double commit = 0;  ///< commit(): tables, root attributes, flush, close, fsync, rename
};

/// The records the pipeline hands the writer: built once, outside the timed region.
struct Records {
  std::vector<io::ChapterRecord> chapters;
  std::vector<io::ItemRecord> items;
};

Records make_records(const Scenario& scenario, const io::ChapterOutput& output) {
  Records records;
  for (int c = 0; c < scenario.chapters; ++c) {
    io::ChapterRecord chapter;
    chapter.index = static_cast<std::uint32_t>(c);
    chapter.title = "Chapter " + std::to_string(c + 1);
    chapter.source = "books/bench/chapter" + std::to_string(c + 1) + ".md";
    chapter.first_item = records.items.size();
    chapter.items = static_cast<std::uint32_t>(scenario.items_per_chapter);
    for (std::uint32_t k = 0; k < chapter.items; ++k) {
      io::ItemRecord item;
      item.id = records.items.size();
      item.chapter = chapter.index;
      item.index = k;
      item.output_length = output.offsets[k + 1] - output.offsets[k];
      records.items.push_back(item);
    }
    records.chapters.push_back(std::move(chapter));
  }
  return records;
}

H5Times write_hdf5(const Options& options, const Records& records, const io::ChapterOutput& output,
                   const std::string& path) {
  io::RunInfo info;
  info.job_name = "bench_h5_write_rate";
  const auto start = Clock::now();
  io::H5ResultWriter writer(path, {options.compression, true});
  for (const io::ChapterRecord& chapter : records.chapters) writer.write_chapter(chapter, output);
  const auto commit_start = Clock::now();
  writer.commit(info, records.chapters, {io::RankRecord{}}, records.items);
  return {seconds_since(start), seconds_since(commit_start)};
}

double write_raw(const Scenario& scenario, const io::ChapterOutput& output,
                 const std::string& path) {
  const auto start = Clock::now();
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) throw std::runtime_error("cannot create " + path);
  for (int c = 0; c < scenario.chapters; ++c) {
    const std::size_t n = output.values.size(), m = output.offsets.size();
    if (std::fwrite(output.values.data(), sizeof(float), n, file) != n ||
        std::fwrite(output.offsets.data(), sizeof(std::int64_t), m, file) != m)
      throw std::runtime_error("short write to " + path);
  }
  if (std::fflush(file) != 0 || ::fsync(::fileno(file)) != 0)
    throw std::runtime_error("cannot flush " + path);
  if (std::fclose(file) != 0) throw std::runtime_error("cannot close " + path);
  return seconds_since(start);
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

double best(const std::vector<double>& values) {
  return *std::max_element(values.begin(), values.end());
}

/// Runs one scenario: `repeat` pairs of writes, then the median and best rates.
void run_scenario(const Options& options, const Scenario& scenario) {
  const io::ChapterOutput output = make_output(scenario);
  const Records records = make_records(scenario, output);
  const double chapter_mb = static_cast<double>(payload_bytes(output)) / 1e6;
  const double megabytes = chapter_mb * scenario.chapters;
  const std::string h5_path = (std::filesystem::path(options.dir) / "bench_write_rate.h5").string();
  const std::string raw_path =
      (std::filesystem::path(options.dir) / "bench_write_rate.raw").string();
  std::printf(
      "%s: %d chapters x %.3f MB (%zu float32 + %d items) = %.1f MB to %s, compression %d, "
      "%s, 1 warm-up + %d repeats\n",
      scenario.name.c_str(), scenario.chapters, chapter_mb, output.values.size(),
      scenario.items_per_chapter, megabytes, options.dir.c_str(), options.compression,
      "both fsync'ed", options.repeat);
  // One untimed pair first: the first large write after a while is often much slower (memory
  // the page cache has not used yet), whichever of the two it is.
  write_hdf5(options, records, output, h5_path);
  std::filesystem::remove(h5_path);
  write_raw(scenario, output, raw_path);
  std::filesystem::remove(raw_path);
  std::vector<double> h5_rates, raw_rates;
  for (int r = 0; r < options.repeat; ++r) {
    // Alternate which goes first, against drift in the machine's load.
    const bool h5_first = r % 2 == 0;
    H5Times h5;
    double raw_s = 0;
    for (int step = 0; step < 2; ++step) {
      const bool h5_now = (step == 0) == h5_first;
      ::sync();  // no dirty pages left from before (untimed); the last file is already removed
      if (h5_now)
        h5 = write_hdf5(options, records, output, h5_path);
      else
        raw_s = write_raw(scenario, output, raw_path);
      std::filesystem::remove(h5_now ? h5_path : raw_path);
    }
    h5_rates.push_back(megabytes / h5.total);
    raw_rates.push_back(megabytes / raw_s);
    std::printf(
        "  run %d: hdf5 %7.1f MB/s (%.3f s, commit %.3f s)   raw %7.1f MB/s (%.3f s)   "
        "ratio %.2f%s\n",
        r + 1, h5_rates.back(), h5.total, h5.commit, raw_rates.back(), raw_s,
        h5_rates.back() / raw_rates.back(), h5_first ? "" : " (raw first)");
  }
  // Ratios of the medians and of the bests, not medians of the runs' ratios: a stall of the
  // machine (seconds, now and then, on a shared VM) hits one write of a pair, and would make
  // that pair's ratio an outlier either way.
  const double h5_median = median(h5_rates), raw_median = median(raw_rates);
  std::printf("  median: hdf5 %.1f MB/s, raw %.1f MB/s, ratio %.2f (target >= 0.8)\n", h5_median,
              raw_median, h5_median / raw_median);
  std::printf("  best:   hdf5 %.1f MB/s, raw %.1f MB/s, ratio %.2f\n", best(h5_rates),
              best(raw_rates), best(h5_rates) / best(raw_rates));
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse(argc, argv);
    std::printf("bench_h5_write_rate: HDF5 result file vs raw fwrite of the same payload\n");
    for (const Scenario& scenario : options.scenarios) run_scenario(options, scenario);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_h5_write_rate: %s\n", e.what());
    return 1;
  }
}
