// Training steps on one rank, per precision: the built-in CNN and MLP on Fashion-MNIST-shaped
// random batches, fp32 (TF32 off), fp32 with TF32, and bf16 autocast, measured side by side in
// one run (median of REPEAT passes of STEPS steps after a warm-up pass). Prints samples/s,
// the step time, the ratio to fp32, and the share of the step spent summing the gradients
// (GradBuckets on one rank: through host buffers on a GPU, so the share is the copies).
// No pass/fail; docs/gpu.md and docs/benchmarks.md record the figures.
// Usage: bench_gpu_train [--device cuda:0] [--batch 128] [--steps 50] [--repeat 3]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "bench_flags.h"
#include "grad_buckets.h"
#include "mpibatch/comm/fake_communicator.h"
#include "mpibatch/device/allocator.h"
#include "mpibatch/model/gpu_precision.h"
#include "train_model.h"
#include "train_step.h"

namespace mt = mpibatch::train;

namespace {

struct Args {
  std::string device = "cuda:0";
  std::int64_t batch = 128;
  int steps = 50;
  int repeat = 3;
};

Args parse(int argc, char** argv) {
  const BenchFlags flags(argc, argv);
  Args args;
  args.device = flags.text("--device", args.device);
  args.batch = flags.number("--batch", args.batch);
  args.steps = flags.number("--steps", args.steps);
  args.repeat = flags.number("--repeat", args.repeat);
  args.batch = std::max<std::int64_t>(args.batch, 1);
  args.steps = std::max(args.steps, 1);
  args.repeat = std::max(args.repeat, 1);
  return args;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct Pass {
  double step_s = 0.0;  ///< per step
  double sum_s = 0.0;   ///< per step, in GradBuckets::finish()
};

/// Median step time of `repeat` passes of `steps` steps (after one warm-up pass).
Pass measure(const Args& args, const std::string& model, const std::string& precision,
             bool tf32) {
  Pass median;
  mpibatch::comm::FakeWorld world(1);
  world.run([&](mpibatch::comm::Communicator& comm) {
    const torch::Device device(args.device);
    const mpibatch::model::GpuPrecision gpu(precision, tf32, /*cudnn_benchmark=*/false,
                                            args.device);
    torch::jit::Module module = mt::make_train_model(model, {1, 28, 28}, 10, 1);
    module.to(device);
    std::vector<at::Tensor> params;
    for (const at::Tensor& p : module.parameters()) params.push_back(p);
    torch::optim::SGD sgd(params, torch::optim::SGDOptions(0.01).momentum(0.9));
    mt::GradBuckets buckets(params, 25 << 20, comm);
    const at::Tensor x = torch::rand({args.batch, 1, 28, 28}).to(device);
    const at::Tensor y = torch::randint(0, 10, {args.batch}, torch::kLong).to(device);
    std::vector<Pass> passes;
    for (int pass = 0; pass <= args.repeat; ++pass) {
      Pass p;
      const auto start = std::chrono::steady_clock::now();
      for (int step = 0; step < args.steps; ++step) {
        buckets.zero();
        mt::forward_backward(module, x, y, static_cast<std::size_t>(args.batch), gpu);  // syncs
        const auto sum_start = std::chrono::steady_clock::now();
        buckets.finish();
        p.sum_s += seconds_since(sum_start);
        sgd.step();
      }
      (void)params.front().sum().item<float>();  // waits for the last step
      p.step_s = seconds_since(start) / args.steps;
      p.sum_s /= args.steps;
      if (pass > 0) passes.push_back(p);  // pass 0 warms up
    }
    std::sort(passes.begin(), passes.end(),
              [](const Pass& a, const Pass& b) { return a.step_s < b.step_s; });
    median = passes[passes.size() / 2];
  });
  return median;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  if (torch::Device(args.device).is_cuda() && !torch::cuda::is_available()) {
    std::fprintf(stderr, "bench_gpu_train: no usable GPU for %s; try --device cpu\n",
                 args.device.c_str());
    return 2;
  }
  mpibatch::device::keep_freed_memory();  // as mpibatch does (NOTE [malloc])
  torch::set_num_threads(1);
  std::printf("training steps on %s, batch %lld, median of %d passes of %d steps\n",
              args.device.c_str(), static_cast<long long>(args.batch), args.repeat, args.steps);
  const bool on_gpu = torch::Device(args.device).is_cuda();
  if (!on_gpu) std::printf("(fp32 only: gpu.precision and TF32 apply to GPU ranks)\n");
  std::printf("%-5s %-10s %12s %10s %8s %10s\n", "model", "precision", "samples/s", "step ms",
              "x fp32", "sum share");
  struct Variant {
    const char* name;
    const char* precision;
    bool tf32;
  };
  const Variant variants[] = {{"fp32", "fp32", false}, {"tf32", "fp32", true}, {"bf16", "bf16", false}};
  for (const char* model : {"cnn", "mlp"}) {
    double fp32_s = 0.0;
    for (const Variant& v : variants) {
      if (!on_gpu && std::string(v.name) != "fp32") continue;
      Pass p;
      try {
        p = measure(args, model, v.precision, v.tf32);
      } catch (const std::exception& e) {
        std::printf("%-5s %-10s skipped: %s\n", model, v.name, e.what());
        continue;
      }
      if (fp32_s == 0.0) fp32_s = p.step_s;
      std::printf("%-5s %-10s %12.0f %10.3f %8.2f %10.3f\n", model, v.name,
                  static_cast<double>(args.batch) / p.step_s, 1e3 * p.step_s, fp32_s / p.step_s,
                  p.sum_s / p.step_s);
    }
  }
  return 0;
}
