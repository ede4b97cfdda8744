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
  request.local_rank = local_rank;
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

}  // namespace
}  // namespace mpibatch::device
