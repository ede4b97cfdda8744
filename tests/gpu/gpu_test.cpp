// The GPU paths on a real NVIDIA GPU: probe and binding, the demo model on CUDA against the
// CPU, fp16/bf16 by autocast, TF32 on and off, several CUDA streams, a real out-of-memory
// error provoked and recovered (also with streams), peak memory, and doctor's report. Every test skips (with the reason) where no GPU is usable, so the
// suite builds and passes on the CPU-only CI machine too. Run on a GPU: docs/gpu.md.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/script.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "doctor.h"
#include "mpibatch/device/device_context.h"
#include "mpibatch/device/thread_budget.h"
#include "mpibatch/error.h"
#include "mpibatch/model/batch_probe.h"
#include "mpibatch/model/demo_model.h"
#include "mpibatch/model/oom_backoff_runner.h"
#include "mpibatch/model/torchscript_runner.h"

namespace mpibatch {
namespace {

using ::testing::HasSubstr;

#define SKIP_WITHOUT_GPU()                                                  \
  do {                                                                      \
    const device::CudaReport report = device::probe_cuda();                 \
    if (report.gpus.empty()) GTEST_SKIP() << "no GPU: " << report.why_none; \
  } while (0)

std::filesystem::path temp_dir() {
  static const std::filesystem::path dir = [] {
    auto path =
        std::filesystem::temp_directory_path() / ("mpibatch-gpu-" + std::to_string(getpid()));
    std::filesystem::create_directories(path);
    return path;
  }();
  return dir;
}

std::string demo_model() {
  static const std::string path = [] {
    const std::string file = (temp_dir() / "demo.pt").string();
    model::write_demo_model(file, {});
    return file;
  }();
  return path;
}

/// Sentence-like byte ids, 20 to 200 tokens, seeded.
std::vector<model::TokenIds> sentences(std::size_t n) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> length(20, 200), byte(32, 126);
  std::vector<model::TokenIds> all(n);
  for (auto& ids : all) {
    ids.resize(static_cast<std::size_t>(length(rng)));
    for (auto& id : ids) id = byte(rng);
  }
  return all;
}

std::vector<const model::TokenIds*> pointers(const std::vector<model::TokenIds>& all) {
  std::vector<const model::TokenIds*> out;
  for (const auto& ids : all) out.push_back(&ids);
  return out;
}

/// ||a - b|| / ||b|| over all values of all items.
double relative_error(const std::vector<model::ItemOutput>& a,
                      const std::vector<model::ItemOutput>& b) {
  double diff = 0, norm = 0;
  for (std::size_t i = 0; i < b.size(); ++i) {
    EXPECT_EQ(a[i].length, b[i].length);
    for (std::size_t k = 0; k < b[i].values.size() && k < a[i].values.size(); ++k) {
      diff += std::pow(a[i].values[k] - b[i].values[k], 2);
      norm += std::pow(b[i].values[k], 2);
    }
  }
  return std::sqrt(diff / std::max(norm, 1e-30));
}

std::vector<model::ItemOutput> run_on(const std::string& device, const std::string& precision,
                                      bool tf32, const std::vector<model::TokenIds>& items,
                                      std::size_t streams = 1) {
  model::RunnerOptions options;
  options.path = demo_model();
  options.device = device;
  options.precision = precision;
  options.tf32 = tf32;
  options.streams = streams;
  model::TorchScriptRunner runner(options);
  return runner.run(pointers(items));
}

TEST(Gpu, ProbeSeesTheGpuWithNameMemoryCapabilityAndDriver) {
  SKIP_WITHOUT_GPU();
  const device::CudaReport report = device::probe_cuda();
  std::cout << "torch " << report.torch_version << ", cuDNN " << report.cudnn_version << ", driver "
            << report.driver_version << "\n";
  for (const auto& gpu : report.gpus) {
    std::cout << "GPU " << gpu.index << ": " << gpu.name << " " << gpu.uuid << ", "
              << (gpu.memory_total >> 20) << " MiB total, " << (gpu.memory_free >> 20)
              << " MiB free, capability " << gpu.major << "." << gpu.minor << "\n";
    EXPECT_FALSE(gpu.name.empty());
    EXPECT_GT(gpu.memory_total, 1ull << 30);
    EXPECT_GT(gpu.memory_free, 0u) << "NVML gave no free memory";
    EXPECT_GT(gpu.major, 0);
    EXPECT_THAT(gpu.uuid, ::testing::StartsWith("GPU-"));
  }
  EXPECT_TRUE(report.built_with_cuda);
  EXPECT_FALSE(report.driver_version.empty());
  EXPECT_THAT(report.torch_version, HasSubstr("CUDA"));
}

TEST(Gpu, AutoBindsBySlotAndHidingEveryGpuFallsBackWithTheReason) {
  SKIP_WITHOUT_GPU();
  device::DeviceRequest request;
  request.host = "here";
  const auto choice = device::choose_device(request);
  EXPECT_EQ(choice.device, "cuda:0");
  EXPECT_THAT(choice.reason, HasSubstr("auto: slot 0 of 1 on here -> GPU 0 of"));
  EXPECT_GT(choice.memory_total, 0u);
  request.slot = {3, 4, 0};
  const device::CudaReport report = device::probe_cuda();
  const auto fourth = device::choose_device(request, report);
  EXPECT_EQ(fourth.device, "cuda:" + std::to_string(3 % report.gpus.size()));
  if (report.gpus.size() < 4) {
    EXPECT_TRUE(fourth.warning);
  }
}

TEST(Gpu, DemoModelOnCudaMatchesTheCpu) {
  SKIP_WITHOUT_GPU();
  const auto items = sentences(16);
  const auto cpu = run_on("cpu", "fp32", false, items);
  const auto exact = run_on("cuda:0", "fp32", false, items);
  const auto tf32 = run_on("cuda:0", "fp32", true, items);
  const double exact_error = relative_error(exact, cpu);
  const double tf32_error = relative_error(tf32, cpu);
  std::cout << "relative error vs CPU: fp32 " << exact_error << ", fp32 with TF32 " << tf32_error
            << "\n";
  EXPECT_LT(exact_error, 1e-4);
  EXPECT_LT(tf32_error, 2e-2);
}

TEST(Gpu, Fp16AndBf16ByAutocastStayCloseToFp32) {
  SKIP_WITHOUT_GPU();
  const auto items = sentences(16);
  const auto fp32 = run_on("cuda:0", "fp32", false, items);
  for (const char* precision : {"fp16", "bf16"}) {
    const auto low = run_on("cuda:0", precision, false, items);
    const double error = relative_error(low, fp32);
    std::cout << precision << " relative error vs fp32: " << error << "\n";
    EXPECT_LT(error, 0.1) << precision;
    EXPECT_GT(error, 0.0) << precision << ": autocast changed nothing";
  }
  model::RunnerOptions options;
  options.path = demo_model();
  options.device = "cuda:0";
  options.precision = "bf16";
  EXPECT_THAT(model::TorchScriptRunner(options).describe(), HasSubstr("(bf16)"));
}

TEST(Gpu, StreamsRunPartsOfABatchAtOnceWithTheSameOutputsInOrder) {
  SKIP_WITHOUT_GPU();
  const auto items = sentences(37);  // parts of 10, 9, 9, 9 on four streams
  const auto one = run_on("cuda:0", "fp32", false, items);
  for (std::size_t streams : {2, 4}) {
    const auto many = run_on("cuda:0", "fp32", false, items, streams);
    ASSERT_EQ(many.size(), items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
      ASSERT_EQ(many[i].length, one[i].length) << "item " << i;  // in order
    }
    const double error = relative_error(many, one);
    std::cout << streams << " streams: relative error vs 1 stream " << error << "\n";
    EXPECT_LT(error, 1e-4) << streams << " streams";  // other padding per part: rounding only
  }
  model::RunnerOptions options;
  options.path = demo_model();
  options.device = "cuda:0";
  options.streams = 2;
  EXPECT_THAT(model::TorchScriptRunner(options).describe(), HasSubstr("2 streams"));
}

/// A model that needs `gib` GiB per token of its batch: [B, T, 2^28] float32 ones.
std::string greedy_model() {
  static const std::string path = [] {
    torch::jit::Module module("Greedy");
    module.define(R"(
def forward(self, ids: Tensor, lengths: Tensor):
    x = torch.ones([ids.size(0), ids.size(1), 268435456], device=ids.device)
    return x.sum(2), lengths
)");
    const std::string file = (temp_dir() / "greedy.pt").string();
    module.save(file);
    return file;
  }();
  return path;
}

TEST(Gpu, ARealOutOfMemoryErrorHalvesTheBatchAndTheJobGoesOn) {
  SKIP_WITHOUT_GPU();
  const device::CudaReport report = device::probe_cuda();
  const double gib = static_cast<double>(report.gpus[0].memory_total) / (1ull << 30);
  // Items of gib/4 tokens = gib/4 GiB each: 8 never fit, 2 do.
  const auto tokens = static_cast<std::size_t>(gib / 4);
  model::RunnerOptions options;
  options.path = greedy_model();
  options.device = "cuda:0";
  model::TorchScriptRunner gpu(options);
  model::OomBackoffRunner runner(gpu, 8);
  std::vector<model::TokenIds> items(8, model::TokenIds(tokens, 1));
  const auto outputs = runner.run(pointers(items));
  ASSERT_EQ(outputs.size(), 8u);
  for (const auto& output : outputs) {
    ASSERT_EQ(output.length, static_cast<std::int64_t>(tokens));
    EXPECT_EQ(output.values.front(), 268435456.0f);
  }
  std::cout << "OOMs: " << runner.oom_count() << ", batch limit now " << runner.batch_limit()
            << ", peak " << (runner.memory_peak() >> 30) << " GiB\n";
  EXPECT_GE(runner.oom_count(), 1u);
  EXPECT_LE(runner.batch_limit(), 4u);
  EXPECT_GT(runner.memory_peak(), 1ull << 30);
  // One item larger than the GPU: a ModelError for that item, and the runner goes on.
  const std::vector<model::TokenIds> huge(1, model::TokenIds(static_cast<std::size_t>(gib * 2), 1));
  try {
    runner.run(pointers(huge));
    FAIL() << "expected ModelError";
  } catch (const ModelError& e) {
    EXPECT_THAT(e.what(), HasSubstr("even alone"));
  }
  EXPECT_EQ(runner.run(pointers(std::vector<model::TokenIds>(2, model::TokenIds(4, 1)))).size(),
            2u);
  runner.release_memory();  // for the tests after this one, and doctor's free memory
}

TEST(Gpu, AnOutOfMemoryErrorOnOneStreamHalvesTheBatchToo) {
  SKIP_WITHOUT_GPU();
  const device::CudaReport report = device::probe_cuda();
  const double gib = static_cast<double>(report.gpus[0].memory_total) / (1ull << 30);
  const auto tokens = static_cast<std::size_t>(gib / 4);  // a quarter of the GPU per item
  model::RunnerOptions options;
  options.path = greedy_model();
  options.device = "cuda:0";
  options.streams = 2;
  model::TorchScriptRunner gpu(options);
  model::OomBackoffRunner runner(gpu, 8);  // 4 items per stream at first: 8 in flight
  std::vector<model::TokenIds> items(8, model::TokenIds(tokens, 1));
  const auto outputs = runner.run(pointers(items));
  ASSERT_EQ(outputs.size(), 8u);
  for (const auto& output : outputs) EXPECT_EQ(output.values.front(), 268435456.0f);
  std::cout << "with 2 streams: OOMs " << runner.oom_count() << ", batch limit now "
            << runner.batch_limit() << "\n";
  EXPECT_GE(runner.oom_count(), 1u);
  EXPECT_LE(runner.batch_limit(), 4u);
  runner.release_memory();
}

TEST(Gpu, DoctorSeesThisGpuAndFindsNothingWrong) {
  SKIP_WITHOUT_GPU();
  app::DoctorRow row;
  row.host = "gpu-check";
  row.mpi_library = "none (GPU check build)";
  row.cuda = device::probe_cuda();
  for (const std::string& name : app::doctor_variables()) {
    if (const char* value = std::getenv(name.c_str())) row.environment[name] = value;
  }
  device::DeviceRequest request;
  request.host = row.host;
  const auto choice = device::choose_device(request, row.cuda);
  row.device = choice.device;
  row.device_reason = choice.reason;
  device::CpuView cpus = device::current_cpu_view();
  cpus.gpu = true;
  device::ThreadRequest threads;
  threads.node_ranks = {cpus};
  row.threads = device::plan_threads(threads);
  EXPECT_EQ(row.threads.intra_op, std::min<int>(device::kGpuRankThreads,
                                                static_cast<int>(cpus.allowed_cpus.size())));
  const std::string text = app::doctor_text({row});
  std::cout << text;
  EXPECT_THAT(text, HasSubstr(row.cuda.gpus[0].name));
  EXPECT_THAT(text, HasSubstr("cuda:0"));
  for (const app::Diagnosis& d : app::diagnose(row)) {
    EXPECT_NE(d.level, "error") << d.text;
  }
  const auto json = app::doctor_json({row});
  EXPECT_EQ(json["ranks"][0]["device"], "cuda:0");
  EXPECT_TRUE(app::row_from_json(app::to_json(row)).cuda.built_with_cuda);
}

TEST(Gpu, ProbeBatchFindsTheLargestBatchThatFits) {
  SKIP_WITHOUT_GPU();
  const device::CudaReport report = device::probe_cuda();
  const double gib = static_cast<double>(report.gpus[0].memory_total) / (1ull << 30);
  model::RunnerOptions options;
  options.path = greedy_model();
  options.device = "cuda:0";
  model::TorchScriptRunner gpu(options);
  model::BatchProbeOptions probe_options;
  probe_options.tokens = static_cast<std::size_t>(gib / 4);  // a quarter of the GPU per item
  probe_options.max_batch = 8;
  probe_options.repeat = 1;
  const model::BatchProbe probe = model::probe_batch(gpu, probe_options);
  for (const auto& point : probe.points) {
    std::cout << "batch " << point.batch << (point.fits ? " fits" : " OOM") << ", "
              << point.items_per_s << " items/s, peak " << (point.memory_peak >> 30) << " GiB\n";
  }
  // floor(GPU / item) items fit, one fewer if the context's own memory is in the way.
  const auto fit = static_cast<std::size_t>(gib / static_cast<double>(probe_options.tokens));
  EXPECT_GE(probe.largest_fit, fit - 1);
  EXPECT_LE(probe.largest_fit, fit);
  EXPECT_EQ(probe.points[3].batch, 8u);  // 1, 2, 4 fit; 8 does not; then the search
  EXPECT_FALSE(probe.points[3].fits);
}

}  // namespace
}  // namespace mpibatch
