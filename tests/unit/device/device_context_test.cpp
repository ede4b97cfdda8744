#include "mpibatch/device/device_context.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "mpibatch/error.h"

namespace mpibatch::device {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

bool cpu_only_torch() { return torch_version().find("CPU only") != std::string::npos; }

DeviceRequest request_for(std::string device, std::string on_missing = "fallback",
                          int local_rank = 0) {
  DeviceRequest request;
  request.device = std::move(device);
  request.on_missing_gpu = std::move(on_missing);
  request.slot.slot = local_rank;
  request.host = "node07";
  return request;
}

TEST(ChooseDevice, CpuIsCpuWithItsModelName) {
  const auto choice = choose_device(request_for("cpu", "error", 3));
  EXPECT_EQ(choice.device, "cpu");
  EXPECT_FALSE(choice.name.empty());
  EXPECT_EQ(choice.reason, "runtime.device=cpu");
  EXPECT_FALSE(choice.fell_back);
  EXPECT_EQ(choice.memory_total, 0u);
}

TEST(ChooseDevice, AutoPicksCpuWithoutCuda) {
  if (!cpu_only_torch()) GTEST_SKIP() << "libtorch with CUDA: " << torch_version();
  const auto choice = choose_device(request_for("auto", "error", 1));
  EXPECT_EQ(choice.device, "cpu");
  EXPECT_THAT(choice.reason, StartsWith("auto: no CUDA in this libtorch build"));
  EXPECT_FALSE(choice.fell_back);  // auto never counts as a fallback
}

TEST(ChooseDevice, CudaFallsBackToCpuAndSaysWhy) {
  if (!cpu_only_torch()) GTEST_SKIP() << "libtorch with CUDA: " << torch_version();
  for (const char* device : {"cuda", "cuda:0", "cuda:3"}) {
    const auto choice = choose_device(request_for(device, "fallback"));
    EXPECT_EQ(choice.device, "cpu") << device;
    EXPECT_TRUE(choice.fell_back) << device;
    EXPECT_THAT(choice.reason, HasSubstr("no CUDA in this libtorch build"));
    EXPECT_THAT(choice.reason, HasSubstr("falling back to CPU"));
    EXPECT_FALSE(choice.name.empty());
  }
}

TEST(ChooseDevice, CudaWithOnMissingGpuErrorThrowsInputError) {
  if (!cpu_only_torch()) GTEST_SKIP() << "libtorch with CUDA: " << torch_version();
  try {
    choose_device(request_for("cuda:1", "error"));
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_THAT(what, HasSubstr("runtime.device=cuda:1 but no CUDA in this libtorch build"));
    EXPECT_THAT(what, HasSubstr("runtime.on_missing_gpu=fallback"));
    EXPECT_EQ(what.find('\n'), std::string::npos);
    EXPECT_EQ(exit_code_of(e), ExitCode::kBadInput);
  }
}

TEST(ChooseDevice, BadDeviceStringsAreInputErrors) {
  for (const char* device : {"gpu", "", "cuda:", "cuda:x", "cuda:-1", "CUDA", "cpu:0", "mps"}) {
    try {
      choose_device(request_for(device));
      FAIL() << "expected InputError for '" << device << "'";
    } catch (const InputError& e) {
      EXPECT_THAT(e.what(), HasSubstr(std::string("runtime.device: '") + device + "'"));
      EXPECT_THAT(e.what(), HasSubstr("use auto, cpu, cuda or cuda:N"));
    }
  }
}

TEST(ChooseDevice, BadFallbackPolicyIsAnInputError) {
  EXPECT_THROW(choose_device(request_for("cpu", "maybe")), InputError);
}

TEST(TorchVersion, NamesVersionAndBuild) {
  const auto version = torch_version();
  EXPECT_THAT(version, StartsWith("1."));
  EXPECT_TRUE(version.find("CPU only") != std::string::npos ||
              version.find("CUDA") != std::string::npos)
      << version;
}

/// A report as probe_cuda() gives it on a node with `gpus` H200s.
CudaReport gpus(int count) {
  CudaReport report;
  report.torch_version = "2.11.0 (CUDA 13.0)";
  report.built_with_cuda = true;
  for (int i = 0; i < count; ++i) {
    GpuInfo gpu;
    gpu.index = i;
    gpu.name = "NVIDIA H200";
    gpu.memory_total = 150ull << 30;
    gpu.memory_free = (100ull + 10ull * static_cast<unsigned>(i)) << 30;
    gpu.major = 9;
    report.gpus.push_back(gpu);
  }
  if (count == 0) report.why_none = "CUDA_VISIBLE_DEVICES='' hides every GPU";
  return report;
}

TEST(ChooseDeviceFromReport, AutoTakesTheSlotsGpuWithNameMemoryAndCapability) {
  auto request = request_for("auto", "fallback", 5);
  request.slot.sharing = 6;
  const auto choice = choose_device(request, gpus(4));
  EXPECT_EQ(choice.device, "cuda:1");
  EXPECT_EQ(choice.reason, "auto: slot 5 of 6 on node07 -> GPU 1 of 4");
  EXPECT_EQ(choice.name, "NVIDIA H200");
  EXPECT_EQ(choice.memory_total, 150ull << 30);
  EXPECT_EQ(choice.major, 9);
  ASSERT_TRUE(choice.warning);  // 6 ranks, 4 GPUs
  EXPECT_THAT(*choice.warning, HasSubstr("6 ranks on node07 share 4 GPUs"));
  EXPECT_FALSE(choice.fell_back);
}

TEST(ChooseDeviceFromReport, ExplicitIndexMostFreeMemoryAndHiddenGpus) {
  EXPECT_EQ(choose_device(request_for("cuda:3"), gpus(4)).device, "cuda:3");
  EXPECT_EQ(choose_device(request_for("cuda:3"), gpus(4)).reason, "runtime.device=cuda:3");
  const auto beyond = choose_device(request_for("cuda:4"), gpus(4));
  EXPECT_TRUE(beyond.fell_back);
  EXPECT_THAT(beyond.reason, HasSubstr("cuda:4 asked but only 4 GPUs are visible"));

  auto request = request_for("cuda", "error", 0);
  request.select = GpuSelect::kMostFreeMemory;
  request.free_memory = {5ull << 30, 90ull << 30, 30ull << 30};
  EXPECT_EQ(choose_device(request, gpus(3)).device, "cuda:1");

  try {
    choose_device(request_for("cuda", "error"), gpus(0));
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("runtime.device=cuda but CUDA_VISIBLE_DEVICES='' hides "
                                    "every GPU"));
  }
  const auto cpu = choose_device(request_for("auto"), gpus(0));
  EXPECT_EQ(cpu.device, "cpu");
  EXPECT_EQ(cpu.reason, "auto: CUDA_VISIBLE_DEVICES='' hides every GPU");
}

TEST(ProbeCuda, SaysWhatThisProcessSees) {
  const CudaReport report = probe_cuda();
  EXPECT_EQ(report.torch_version, torch_version());
  if (report.gpus.empty()) {
    EXPECT_FALSE(report.why_none.empty());
    EXPECT_EQ(report.why_none.find('\n'), std::string::npos);
  }
  if (!report.built_with_cuda) {
    EXPECT_EQ(report.why_none, "no CUDA in this libtorch build (CPU-only libtorch)");
  }
}

}  // namespace
}  // namespace mpibatch::device
