// The demo model on one device, per precision: items/s for fp32 (TF32 off and on), fp16 and
// bf16 (autocast), measured side by side in one run, median of REPEAT passes over the same
// sentence-like items after a warm-up pass. Prints items/s and the ratio to fp32 (TF32 off),
// and the peak GPU memory; then gpu.streams 1, 2 and 4 at small batches (items/s and the
// ratio to one stream); then the batch-size curve. No pass/fail; docs/gpu.md records the
// figures.
// Usage: bench_gpu_model [--device cuda:0] [--items 4096] [--batch 64] [--repeat 3]
//                        [--channels 128] [--layers 4]

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "bench_flags.h"
#include "mpibatch/model/batch_probe.h"
#include "mpibatch/model/demo_model.h"
#include "mpibatch/model/torchscript_runner.h"

namespace mm = mpibatch::model;

namespace {

struct Args {
  std::string device = "cuda:0";
  std::size_t items = 4096;
  std::size_t batch = 64;
  int repeat = 3;
  int channels = 128;
  int layers = 4;
};

Args parse(int argc, char** argv) {
  const BenchFlags flags(argc, argv);
  Args args;
  args.device = flags.text("--device", args.device);
  args.items = flags.number("--items", args.items);
  args.batch = flags.number("--batch", args.batch);
  args.repeat = flags.number("--repeat", args.repeat);
  args.channels = flags.number("--channels", args.channels);
  args.layers = flags.number("--layers", args.layers);
  return args;
}

/// Byte ids of log-normal sentence lengths (20-600, mean ~85), sorted by length so batches
/// pad little, as the dynamic schedule hands them out.
std::vector<mm::TokenIds> sentences(std::size_t n) {
  std::mt19937 rng(11);
  std::lognormal_distribution<double> length(4.3, 0.6);
  std::uniform_int_distribution<int> byte(32, 126);
  std::vector<mm::TokenIds> all(n);
  for (auto& ids : all) {
    ids.resize(static_cast<std::size_t>(std::clamp(std::round(length(rng)), 20.0, 600.0)));
    for (auto& id : ids) id = byte(rng);
  }
  std::sort(all.begin(), all.end(),
            [](const auto& a, const auto& b) { return a.size() > b.size(); });
  return all;
}

double pass(mm::ModelRunner& runner, const std::vector<mm::TokenIds>& items, std::size_t batch) {
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t begin = 0; begin < items.size(); begin += batch) {
    std::vector<const mm::TokenIds*> pointers;
    for (std::size_t i = begin; i < std::min(items.size(), begin + batch); ++i) {
      pointers.push_back(&items[i]);
    }
    runner.run(pointers);  // outputs come back to the CPU: the pass is synchronous
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int run(const Args& args) {
  const std::string model = (std::filesystem::temp_directory_path() /
                             ("bench-gpu-demo-" + std::to_string(getpid()) + ".pt"))
                                .string();
  mm::DemoModelOptions demo;
  demo.channels = args.channels;
  demo.layers = args.layers;
  mm::write_demo_model(model, demo);
  const auto items = sentences(args.items);
  std::size_t tokens = 0;
  for (const auto& ids : items) tokens += ids.size();

  std::printf(
      "demo model (channels %d, layers %d) on %s: %zu items, %zu tokens, batch %zu, "
      "median of %d passes after a warm-up\n\n",
      args.channels, args.layers, args.device.c_str(), items.size(), tokens, args.batch,
      args.repeat);
  std::printf("%-18s %10s %10s %8s %12s\n", "precision", "items/s", "tokens/s", "ratio",
              "peak GiB");
  struct Setting {
    const char* name;
    const char* precision;
    bool tf32;
  };
  double reference = 0.0;
  for (const Setting& s :
       {Setting{"fp32", "fp32", false}, Setting{"fp32 + TF32", "fp32", true},
        Setting{"fp16 (autocast)", "fp16", false}, Setting{"bf16 (autocast)", "bf16", false}}) {
    mm::RunnerOptions options;
    options.path = model;
    options.device = args.device;
    options.precision = s.precision;
    options.tf32 = s.tf32;
    mm::TorchScriptRunner runner(options);
    pass(runner, items, args.batch);  // warm-up: JIT profiling runs, cuDNN, allocator
    std::vector<double> seconds;
    for (int r = 0; r < args.repeat; ++r) seconds.push_back(pass(runner, items, args.batch));
    std::sort(seconds.begin(), seconds.end());
    const double median = seconds[seconds.size() / 2];
    const double rate = static_cast<double>(items.size()) / median;
    if (reference == 0.0) reference = rate;
    std::printf("%-18s %10.0f %10.0f %8.2f %12.2f\n", s.name, rate,
                static_cast<double>(tokens) / median, rate / reference,
                static_cast<double>(runner.memory_peak()) / (1024.0 * 1024.0 * 1024.0));
    runner.release_memory();
  }
  // gpu.streams: batches of `batch` items per stream, batch x streams per run() call, as the
  // pipeline forms them (fp32 + TF32, the default).
  std::printf("\nstreams (fp32 + TF32; batch = items per stream and call):\n%7s %8s %10s %8s\n",
              "batch", "streams", "items/s", "ratio");
  std::vector<mm::TokenIds> few;  // every k-th item: 1024 with the same length mix, sorted
  const std::size_t stride = std::max<std::size_t>(1, items.size() / 1024);
  for (std::size_t i = 0; i < items.size(); i += stride) few.push_back(items[i]);
  for (std::size_t batch : {1, 4, 16}) {
    double one_stream = 0.0;
    for (std::size_t streams : {1, 2, 4}) {
      mm::RunnerOptions options;
      options.path = model;
      options.device = args.device;
      options.streams = streams;
      mm::TorchScriptRunner runner(options);
      pass(runner, few, batch * streams);
      std::vector<double> seconds;
      for (int r = 0; r < args.repeat; ++r) seconds.push_back(pass(runner, few, batch * streams));
      std::sort(seconds.begin(), seconds.end());
      const double rate = static_cast<double>(few.size()) / seconds[seconds.size() / 2];
      if (streams == 1) one_stream = rate;
      std::printf("%7zu %8zu %10.0f %8.2f\n", batch, streams, rate, rate / one_stream);
    }
  }

  // The batch-size curve of the fp32 run (what `mpibatch probe-batch` prints).
  mm::RunnerOptions options;
  options.path = model;
  options.device = args.device;
  mm::TorchScriptRunner runner(options);
  mm::BatchProbeOptions probe_options;
  probe_options.tokens = 100;
  probe_options.max_batch = args.device == "cpu" ? 64 : 4096;  // a CPU is slow at 4096
  const mm::BatchProbe probe = mm::probe_batch(runner, probe_options);
  std::printf("\nbatch-size probe (fp32, TF32 on, items of 100 tokens):\n%7s %10s %10s\n", "batch",
              "items/s", "peak GiB");
  for (const auto& point : probe.points) {
    std::printf("%7zu %10.0f %10.2f%s\n", point.batch, point.items_per_s,
                static_cast<double>(point.memory_peak) / (1024.0 * 1024.0 * 1024.0),
                point.fits ? "" : "  OOM");
  }
  std::printf("largest that fits: %zu; fastest: batch %zu (%.0f items/s)\n", probe.largest_fit,
              probe.best, probe.best_items_per_s);
  std::filesystem::remove(model);
  return 0;
}

int main(int argc, char** argv) {
  try {
    return run(parse(argc, argv));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_gpu_model: %s\n", e.what());
    return 2;
  }
}
