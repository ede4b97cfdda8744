/// \file bench_forward_loop: the model alone, in a tight loop, over the batches mpibatch builds.
///
/// The reference for bench/overhead (docs/benchmarks.md): reads the book the way a job does
/// (io::read_book, work::split_book with the job's split and max_chars), encodes every item with
/// the `bytes` encoder, applies the thread count with device::apply_thread_budget, loads the
/// model with model::TorchScriptRunner (which runs its one-item probe, as in a job), and builds
/// the batches a 1-rank job builds: items in reading order, consecutive groups of batch_size
/// (pipeline/batch_worker.cpp), items without tokens left out of the model call. Only the loop
/// of runner.run(batch) calls is timed; outputs are discarded. Prints one JSON line:
///
///   {"bench":"forward_loop","items":..,"batches":..,"chars":..,"threads":..,
///    "seconds":..,"items_per_s":..,"chars_per_s":..,"cpu_s":..,"load_s":..,"encode_s":..}
///
/// seconds is wall time of the loop; cpu_s its CPU time (user + system, all threads), which
/// a busy machine disturbs less.
///
///   bench_forward_loop --model M.pt --book DIR_OR_FILE [--batch-size 8] [--max-chars 400]
///                      [--threads 1] [--split sentence|paragraph]

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "mpibatch/device/thread_budget.h"
#include "mpibatch/encode/encoder.h"
#include "mpibatch/io/book_reader.h"
#include "mpibatch/model/torchscript_runner.h"
#include "mpibatch/work/text_splitter.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace model = mpibatch::model;

struct Options {
  std::string model;
  std::string book;
  int batch_size = 8;   // model.batch_size default
  int max_chars = 400;  // input.max_chars default
  int threads = 1;
  std::string split = "sentence";
};

[[noreturn]] void usage(const char* argv0, int code) {
  std::fprintf(code == 0 ? stdout : stderr,
               "usage: %s --model M.pt --book DIR_OR_FILE [--batch-size 8] [--max-chars 400] "
               "[--threads 1] [--split sentence|paragraph]\n",
               argv0);
  std::exit(code);
}

int positive(const std::string& flag, const std::string& value) {
  std::size_t used = 0;
  int n = 0;
  try {
    n = std::stoi(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || n < 1)
    throw std::runtime_error(flag + ": expected a positive integer, got '" + value + "'");
  return n;
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") usage(argv[0], 0);
    if (i + 1 >= argc) throw std::runtime_error("missing value after " + flag);
    const std::string value = argv[++i];
    if (flag == "--model")
      options.model = value;
    else if (flag == "--book")
      options.book = value;
    else if (flag == "--batch-size")
      options.batch_size = positive(flag, value);
    else if (flag == "--max-chars")
      options.max_chars = positive(flag, value);
    else if (flag == "--threads")
      options.threads = positive(flag, value);
    else if (flag == "--split")
      options.split = value;
    else
      throw std::runtime_error("unknown option " + flag);
  }
  if (options.model.empty() || options.book.empty()) usage(argv[0], 2);
  if (options.split != "sentence" && options.split != "paragraph")
    throw std::runtime_error("--split: expected sentence or paragraph, got '" + options.split +
                             "'");
  return options;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// CPU seconds (user + system) of this process, all threads.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec);
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse(argc, argv);

    // Threads first, before torch starts any pool (as RunJob::set_up_rank does).
    mpibatch::device::ThreadBudget budget;
    budget.intra_op = options.threads;
    budget.inter_op = 1;  // runtime.interop_threads default
    budget.reason = "bench_forward_loop --threads";
    mpibatch::device::apply_thread_budget(budget);

    // The book, split as a job splits it (app/job_plan.cpp).
    const mpibatch::work::Book book = mpibatch::io::read_book(options.book, {});
    mpibatch::work::SplitOptions split;
    split.mode = options.split == "paragraph" ? mpibatch::work::SplitMode::kParagraph
                                              : mpibatch::work::SplitMode::kSentence;
    split.max_chars = static_cast<std::size_t>(options.max_chars);
    const std::vector<mpibatch::work::WorkItem> items = mpibatch::work::split_book(book, split);
    if (items.empty()) throw std::runtime_error("the book '" + options.book + "' has no items");

    const auto encoder = mpibatch::encode::make_encoder("bytes");
    const auto encode_start = Clock::now();
    std::vector<model::TokenIds> ids;
    ids.reserve(items.size());
    std::uint64_t chars = 0;
    for (const auto& item : items) {
      ids.push_back(encoder->encode(item.text));
      chars += item.chars;
    }
    const double encode_s = seconds_since(encode_start);

    // The batches of a 1-rank job: consecutive groups of batch_size in reading order; an item
    // without tokens stays out of the model call (pipeline/batch_worker.cpp).
    std::vector<std::vector<const model::TokenIds*>> batches;
    const auto step = static_cast<std::size_t>(options.batch_size);
    for (std::size_t begin = 0; begin < ids.size(); begin += step) {
      std::vector<const model::TokenIds*> batch;
      for (std::size_t i = begin; i < std::min(ids.size(), begin + step); ++i) {
        if (!ids[i].empty()) batch.push_back(&ids[i]);
      }
      if (!batch.empty()) batches.push_back(std::move(batch));
    }

    const auto load_start = Clock::now();
    model::TorchScriptRunner runner({options.model, "cpu"});
    const double load_s = seconds_since(load_start);

    // The timed loop: forward calls only.
    std::size_t rows = 0;
    const double cpu_start = cpu_seconds();
    const auto start = Clock::now();
    for (const auto& batch : batches) {
      const std::vector<model::ItemOutput> out = runner.run(batch);
      rows += out.size();
    }
    const double seconds = seconds_since(start);
    const double cpu_s = cpu_seconds() - cpu_start;
    if (rows == 0) throw std::runtime_error("no outputs");

    std::printf(
        "{\"bench\":\"forward_loop\",\"items\":%zu,\"batches\":%zu,\"chars\":%llu,"
        "\"threads\":%d,\"batch_size\":%d,\"seconds\":%.4f,\"items_per_s\":%.3f,"
        "\"chars_per_s\":%.1f,\"cpu_s\":%.3f,\"load_s\":%.4f,\"encode_s\":%.6f}\n",
        items.size(), batches.size(), static_cast<unsigned long long>(chars), options.threads,
        options.batch_size, seconds, static_cast<double>(items.size()) / seconds,
        static_cast<double>(chars) / seconds, cpu_s, load_s, encode_s);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_forward_loop: %s\n", e.what());
    return 1;
  }
}
