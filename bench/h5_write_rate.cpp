/// \file bench_h5_write_rate: HDF5 result-write rate against a raw sequential write.
///
/// Writes N chapters of float32 outputs through H5ResultWriter (create, write_chapter each,
/// commit: tables, attributes, flush, close, rename) and the same bytes with fwrite + fflush +
/// fclose into the same directory, each repeated, and prints MB/s of both and their ratio.
/// The target (docs/benchmarks.md) is a ratio >= 0.8; this program reports, it does not judge.
///
///   bench_h5_write_rate [--dir DIR] [--chapters 200] [--mb 2] [--repeat 3] [--compression 0]

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

struct Options {
  std::string dir = ".";
  int chapters = 200;
  double mb_per_chapter = 2.0;
  int repeat = 3;
  int compression = 0;
  int items_per_chapter = 50;
};

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::printf(
          "usage: %s [--dir DIR] [--chapters N] [--mb MB_PER_CHAPTER] [--repeat R] "
          "[--compression 0-9]\n",
          argv[0]);
      std::exit(0);
    }
    if (i + 1 >= argc) throw std::runtime_error("missing value after " + flag);
    const std::string value = argv[++i];
    if (flag == "--dir")
      options.dir = value;
    else if (flag == "--chapters")
      options.chapters = std::stoi(value);
    else if (flag == "--mb")
      options.mb_per_chapter = std::stod(value);
    else if (flag == "--repeat")
      options.repeat = std::stoi(value);
    else if (flag == "--compression")
      options.compression = std::stoi(value);
    else
      throw std::runtime_error("unknown option " + flag);
  }
  return options;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// One chapter's outputs: `items` equal slices of a waveform-like signal.
io::ChapterOutput make_output(const Options& options) {
  io::ChapterOutput output;
  const auto floats = static_cast<std::int64_t>(options.mb_per_chapter * 1e6 / sizeof(float));
  output.values.resize(static_cast<std::size_t>(floats));
  for (std::size_t i = 0; i < output.values.size(); ++i)
    output.values[i] = static_cast<float>(std::sin(0.01 * static_cast<double>(i)));
  for (int k = 0; k <= options.items_per_chapter; ++k)
    output.offsets.push_back(floats * k / options.items_per_chapter);
  return output;
}

double write_hdf5(const Options& options, const io::ChapterOutput& output,
                  const std::string& path) {
  const auto start = Clock::now();
  io::H5ResultWriter writer(path, {options.compression, true});
  std::vector<io::ChapterRecord> chapters;
  std::vector<io::ItemRecord> items;
  for (int c = 0; c < options.chapters; ++c) {
    io::ChapterRecord chapter;
    chapter.index = static_cast<std::uint32_t>(c);
    chapter.title = "Chapter " + std::to_string(c + 1);
    chapter.first_item = items.size();
    chapter.items = static_cast<std::uint32_t>(options.items_per_chapter);
    for (std::uint32_t k = 0; k < chapter.items; ++k) {
      io::ItemRecord item;
      item.id = items.size();
      item.chapter = chapter.index;
      item.index = k;
      item.output_length = output.offsets[k + 1] - output.offsets[k];
      items.push_back(item);
    }
    writer.write_chapter(chapter, output);
    chapters.push_back(std::move(chapter));
  }
  io::RunInfo info;
  info.job_name = "bench_h5_write_rate";
  writer.commit(info, chapters, {io::RankRecord{}}, items);
  return seconds_since(start);
}

double write_raw(const Options& options, const io::ChapterOutput& output, const std::string& path) {
  const auto start = Clock::now();
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) throw std::runtime_error("cannot create " + path);
  for (int c = 0; c < options.chapters; ++c) {
    const std::size_t n = output.values.size();
    if (std::fwrite(output.values.data(), sizeof(float), n, file) != n)
      throw std::runtime_error("short write to " + path);
  }
  std::fflush(file);
  std::fclose(file);
  return seconds_since(start);
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse(argc, argv);
    const io::ChapterOutput output = make_output(options);
    const double megabytes =
        static_cast<double>(output.values.size() * sizeof(float)) * options.chapters / 1e6;
    const std::string h5_path =
        (std::filesystem::path(options.dir) / "bench_write_rate.h5").string();
    const std::string raw_path =
        (std::filesystem::path(options.dir) / "bench_write_rate.raw").string();
    std::printf(
        "bench_h5_write_rate: %d chapters x %.2f MB float32 = %.1f MB to %s "
        "(compression %d), %d repeats\n",
        options.chapters, options.mb_per_chapter, megabytes, options.dir.c_str(),
        options.compression, options.repeat);
    std::vector<double> h5_rates, raw_rates;
    for (int r = 0; r < options.repeat; ++r) {
      // Alternate which goes first, against drift in the machine's load.
      const bool h5_first = r % 2 == 0;
      // Each write starts with no dirty pages left by the one before (sync is not timed), so
      // that neither pays for the other's write-back.
      double h5_s = 0, raw_s = 0;
      ::sync();
      if (h5_first)
        h5_s = write_hdf5(options, output, h5_path);
      else
        raw_s = write_raw(options, output, raw_path);
      std::filesystem::remove(h5_first ? h5_path : raw_path);
      ::sync();
      if (h5_first)
        raw_s = write_raw(options, output, raw_path);
      else
        h5_s = write_hdf5(options, output, h5_path);
      std::filesystem::remove(h5_first ? raw_path : h5_path);
      h5_rates.push_back(megabytes / h5_s);
      raw_rates.push_back(megabytes / raw_s);
      std::printf("  run %d: hdf5 %8.1f MB/s (%.3f s)   raw %8.1f MB/s (%.3f s)   ratio %.2f\n",
                  r + 1, h5_rates.back(), h5_s, raw_rates.back(), raw_s,
                  h5_rates.back() / raw_rates.back());
    }
    const double h5_rate = median(h5_rates), raw_rate = median(raw_rates);
    std::printf("median: hdf5 %.1f MB/s, raw %.1f MB/s, ratio %.2f (target >= 0.8)\n", h5_rate,
                raw_rate, h5_rate / raw_rate);
    const double h5_best = *std::max_element(h5_rates.begin(), h5_rates.end());
    const double raw_best = *std::max_element(raw_rates.begin(), raw_rates.end());
    std::printf("best:   hdf5 %.1f MB/s, raw %.1f MB/s, ratio %.2f\n", h5_best, raw_best,
                h5_best / raw_best);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_h5_write_rate: %s\n", e.what());
    return 1;
  }
}
