// Training on a real NVIDIA GPU, from the trainer's own parts (the built-in CNN, GradBuckets
// through host memory, forward_backward under autocast) on in-process ranks (FakeWorld) that
// share the GPU: two GPU ranks train the same model as one CPU rank on the whole batch, and
// bf16 autocast trains it too. Skips where no GPU is usable. Run on a GPU: docs/gpu.md.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <mutex>

#include "grad_buckets.h"
#include "mpibatch/comm/fake_communicator.h"
#include "mpibatch/device/device_context.h"
#include "mpibatch/model/gpu_precision.h"
#include "train_model.h"
#include "train_step.h"

namespace mpibatch::train {
namespace {

#define SKIP_WITHOUT_GPU()                                                  \
  do {                                                                      \
    const device::CudaReport report = device::probe_cuda();                 \
    if (report.gpus.empty()) GTEST_SKIP() << "no GPU: " << report.why_none; \
  } while (0)

constexpr std::int64_t kGlobalBatch = 64;
constexpr int kSteps = 5;

struct Trained {
  std::vector<at::Tensor> parameters;  ///< rank 0's, on the CPU
  std::vector<double> losses;          ///< the global loss per step
  bool through_host = false;
};

/// kSteps of SGD with momentum on the built-in CNN over fixed Fashion-MNIST-shaped batches,
/// each of `ranks` ranks taking an even part of every global batch, on `device`.
Trained train_cnn(int ranks, const std::string& device, const std::string& precision) {
  torch::manual_seed(3);
  const at::Tensor x = torch::rand({kSteps * kGlobalBatch, 1, 28, 28});
  const at::Tensor y = torch::randint(0, 10, {kSteps * kGlobalBatch}, torch::kLong);
  Trained trained;
  std::mutex mutex;
  // Once, outside the rank threads: it sets process-wide flags (each rank autocasts itself).
  const model::GpuPrecision gpu(precision, /*tf32=*/false, /*cudnn_benchmark=*/false, device);
  comm::FakeWorld world(ranks);
  world.run([&](comm::Communicator& comm) {
    torch::jit::Module module = make_train_model("cnn", {1, 28, 28}, 10, /*seed=*/5);
    module.to(torch::Device(device));
    std::vector<at::Tensor> params;
    for (const at::Tensor& p : module.parameters()) params.push_back(p);
    torch::optim::SGD sgd(params, torch::optim::SGDOptions(0.05).momentum(0.9));
    GradBuckets buckets(params, 1 << 20, comm);
    const std::int64_t part = kGlobalBatch / ranks;  // ranks divides kGlobalBatch
    std::vector<double> losses;
    for (int step = 0; step < kSteps; ++step) {
      const std::int64_t begin = step * kGlobalBatch + comm.rank() * part;
      buckets.zero();
      double share[1] = {forward_backward(module, x.narrow(0, begin, part).to(device),
                                          y.narrow(0, begin, part).to(device), kGlobalBatch, gpu)};
      buckets.finish();
      comm.all_reduce_sum(share, 1);
      sgd.step();
      losses.push_back(share[0]);
    }
    if (comm.rank() == 0) {
      std::lock_guard<std::mutex> lock(mutex);
      for (const at::Tensor& p : params) trained.parameters.push_back(p.detach().cpu().clone());
      trained.losses = losses;
      trained.through_host = buckets.through_host();
    }
  });
  return trained;
}

double max_difference(const Trained& a, const Trained& b) {
  double worst = 0.0;
  for (std::size_t i = 0; i < a.parameters.size(); ++i) {
    worst = std::max(worst, (a.parameters[i] - b.parameters[i]).abs().max().item<double>());
  }
  return worst;
}

TEST(GpuTraining, TwoGpuRanksTrainTheSameCnnAsOneCpuRank) {
  SKIP_WITHOUT_GPU();
  const Trained cpu = train_cnn(1, "cpu", "fp32");
  const Trained gpu = train_cnn(2, "cuda:0", "fp32");
  EXPECT_FALSE(cpu.through_host);
  EXPECT_TRUE(gpu.through_host) << "GPU gradients are summed through host buffers";
  ASSERT_EQ(cpu.parameters.size(), gpu.parameters.size());
  for (int s = 0; s < kSteps; ++s) EXPECT_NEAR(cpu.losses[s], gpu.losses[s], 1e-4) << "step " << s;
  const double difference = max_difference(cpu, gpu);
  std::printf("CNN, %d SGD steps: 2 GPU ranks against 1 CPU rank, largest parameter difference "
              "%.2e\n", kSteps, difference);
  EXPECT_LT(difference, 1e-4);
}

TEST(GpuTraining, Bf16AutocastTrainsTheCnnCloseToFp32) {
  SKIP_WITHOUT_GPU();
  const device::GpuInfo gpu = device::probe_cuda().gpus.front();
  if (gpu.major < 8) GTEST_SKIP() << gpu.name << " has no bf16 (compute capability < 8.0)";
  const Trained fp32 = train_cnn(1, "cuda:0", "fp32");
  const Trained bf16 = train_cnn(1, "cuda:0", "bf16");
  for (int s = 0; s < kSteps; ++s) {
    EXPECT_NEAR(bf16.losses[s], fp32.losses[s], 0.05 * fp32.losses[s]) << "step " << s;
  }
  const double difference = max_difference(fp32, bf16);
  std::printf("CNN, %d SGD steps: bf16 autocast against fp32, largest parameter difference "
              "%.2e\n", kSteps, difference);
  EXPECT_LT(difference, 5e-2);
  EXPECT_GT(difference, 0.0) << "bf16 autocast changed nothing: was it applied?";
}

}  // namespace
}  // namespace mpibatch::train
