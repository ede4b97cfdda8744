// `mpibatch doctor`'s diagnoses, table and JSON over hand-made rows: each known failure gets
// its plain-language line (no GPU, MPI or driver needed).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "doctor.h"

namespace mpibatch::app {
namespace {

using ::testing::HasSubstr;

DoctorRow cpu_only() {
  DoctorRow row;
  row.host = "node07";
  row.mpi_library = "Open MPI v4.1.4";
  row.cuda.torch_version = "1.13.0 (CPU only)";
  row.cuda.why_none = "no CUDA in this libtorch build (CPU-only libtorch)";
  row.device = "cpu";
  row.device_reason = "auto: " + row.cuda.why_none;
  row.threads = {4, 1, "auto: 8 cores for 2 ranks -> 4 threads"};
  return row;
}

DoctorRow cuda_build() {
  DoctorRow row = cpu_only();
  row.cuda.torch_version = "2.11.0 (CUDA 13.0)";
  row.cuda.built_with_cuda = true;
  row.cuda.cuda_runtime = "13.0";
  row.cuda.driver_version = "580.159.04";
  row.cuda.driver_cuda = "13.0";
  return row;
}

DoctorRow on_gpu() {
  DoctorRow row = cuda_build();
  device::GpuInfo gpu;
  gpu.name = "NVIDIA H200";
  gpu.uuid = "GPU-c3858d78";
  gpu.memory_total = 140ull << 30;
  gpu.memory_free = 139ull << 30;
  gpu.major = 9;
  row.cuda.gpus = {gpu};
  row.cuda.why_none.clear();
  row.device = "cuda:0";
  row.device_reason = "auto: slot 0 of 1 on node07 -> GPU 0 of 1";
  return row;
}

std::string only(const std::vector<Diagnosis>& diagnoses, const std::string& level) {
  EXPECT_EQ(diagnoses.size(), 1u);
  EXPECT_EQ(diagnoses.front().level, level);
  return diagnoses.front().text;
}

TEST(Doctor, AllWellSaysWhereItRuns) {
  EXPECT_EQ(only(diagnose(on_gpu()), "ok"),
            "runs on cuda:0 (auto: slot 0 of 1 on node07 -> GPU 0 of 1)");
  EXPECT_THAT(only(diagnose(cpu_only()), "ok"), HasSubstr("runs on CPU (auto: no CUDA"));
}

TEST(Doctor, GpusOnTheNodeButACpuOnlyLibtorch) {
  DoctorRow row = cpu_only();
  row.cuda.driver_version = "580.159.04";
  EXPECT_THAT(only(diagnose(row), "warning"),
              HasSubstr("this libtorch has no CUDA support, but this node has the NVIDIA driver "
                        "580.159.04: rebuild mpibatch against a CUDA libtorch"));
}

TEST(Doctor, EachReasonForACudaLibtorchToSeeNoGpu) {
  DoctorRow hidden = cuda_build();
  hidden.cuda.visible_env = "";
  EXPECT_THAT(only(diagnose(hidden), "warning"),
              HasSubstr("CUDA_VISIBLE_DEVICES='' hides every GPU from this rank"));
  DoctorRow container = cuda_build();
  container.environment["NVIDIA_VISIBLE_DEVICES"] = "void";
  EXPECT_THAT(only(diagnose(container), "warning"),
              HasSubstr("this container was started without GPUs"));
  DoctorRow no_driver = cuda_build();
  no_driver.cuda.driver_version.clear();
  no_driver.cuda.driver_cuda.clear();
  EXPECT_THAT(only(diagnose(no_driver), "warning"), HasSubstr("no NVIDIA driver here"));
  DoctorRow not_allocated = cuda_build();
  not_allocated.cuda.why_none = "this libtorch has CUDA but no GPU is visible";
  EXPECT_THAT(only(diagnose(not_allocated), "warning"), HasSubstr("this job's allocation"));
}

TEST(Doctor, ADriverTooOldForThisLibtorchIsAnError) {
  DoctorRow row = on_gpu();
  row.cuda.driver_version = "535.104";
  row.cuda.driver_cuda = "12.2";
  EXPECT_THAT(only(diagnose(row), "error"),
              HasSubstr("this libtorch needs CUDA 13.0 but the driver 535.104 supports CUDA 12.2 "
                        "at most: update the NVIDIA driver"));
}

TEST(Doctor, FullGpusWarningsAndDeviceErrorsMostSevereFirst) {
  DoctorRow row = on_gpu();
  row.cuda.gpus[0].memory_free = 2ull << 30;
  row.warnings = {"6 ranks on node07 share 4 GPUs, so up to 2 ranks run on one GPU"};
  row.device_error = "runtime.device=cuda:3 but cuda:3 asked but only 1 GPU is visible";
  const auto diagnoses = diagnose(row);
  ASSERT_EQ(diagnoses.size(), 3u);
  EXPECT_EQ(diagnoses[0].level, "error");
  EXPECT_THAT(diagnoses[1].text, HasSubstr("GPU 0 (NVIDIA H200) has 2.0 GiB free of 140.0"));
  EXPECT_THAT(diagnoses[2].text, HasSubstr("share 4 GPUs"));
}

TEST(Doctor, JsonRoundTripsAndTheTableHasARowPerRank) {
  DoctorRow a = on_gpu();
  a.environment["SLURM_JOB_ID"] = "4242";
  a.cuda.visible_env = "0,1";
  DoctorRow b = cpu_only();
  b.rank = 1;
  const DoctorRow back = row_from_json(nlohmann::json::parse(to_json(a).dump()));
  EXPECT_EQ(back.cuda.gpus.at(0).name, "NVIDIA H200");
  EXPECT_EQ(back.cuda.gpus.at(0).major, 9);
  EXPECT_EQ(back.cuda.visible_env, std::optional<std::string>("0,1"));
  EXPECT_EQ(back.environment.at("SLURM_JOB_ID"), "4242");
  EXPECT_EQ(back.device_reason, a.device_reason);
  EXPECT_EQ(back.threads.intra_op, 4);
  const auto json = doctor_json({a, b});
  EXPECT_EQ(json.at("ranks").size(), 2u);
  EXPECT_EQ(json.at("ranks")[1].at("diagnoses")[0].at("level"), "ok");
  const std::string text = doctor_text({a, b});
  EXPECT_THAT(text, HasSubstr("   0  node07         0/1  cuda:0    NVIDIA H200"));
  EXPECT_THAT(text, HasSubstr("139.0/140.0"));
  EXPECT_THAT(text, HasSubstr("   1  node07         0/1  cpu       CPU"));
  EXPECT_THAT(text, HasSubstr("rank 1 [ok] runs on CPU"));
}

}  // namespace
}  // namespace mpibatch::app
