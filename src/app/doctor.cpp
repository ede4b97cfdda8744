#include "doctor.h"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

namespace mpibatch::app {
namespace {

/// "13.0" -> 13000; 0 when empty or malformed.
int cuda_number(const std::string& text) {
  const auto dot = text.find('.');
  try {
    return std::stoi(text.substr(0, dot)) * 1000 +
           (dot == std::string::npos ? 0 : std::stoi(text.substr(dot + 1)) * 10);
  } catch (const std::exception&) {
    return 0;
  }
}

std::string gib(std::uint64_t bytes) {
  return fmt::format("{:.1f}", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
}

/// Why a CUDA libtorch sees no GPU, as advice.
Diagnosis no_gpu(const DoctorRow& row) {
  const device::CudaReport& cuda = row.cuda;
  if (device::parse_visible_devices(cuda.visible_env).hides_all()) {
    return {"warning", "CUDA_VISIBLE_DEVICES='" + *cuda.visible_env +
                           "' hides every GPU from this rank: unset it, or ask the scheduler for "
                           "GPUs (srun --gpus-per-task=1)"};
  }
  const auto nvidia = row.environment.find("NVIDIA_VISIBLE_DEVICES");
  if (nvidia != row.environment.end() &&
      (nvidia->second == "void" || nvidia->second == "none" || nvidia->second.empty())) {
    return {"warning", "NVIDIA_VISIBLE_DEVICES='" + nvidia->second +
                           "': this container was started without GPUs (docker run --gpus all, "
                           "or your container runtime's GPU option)"};
  }
  if (cuda.driver_version.empty()) {
    return {"warning",
            "no NVIDIA driver here (libnvidia-ml.so.1 not found): run on a GPU node, or install "
            "the driver (nvidia-smi must work)"};
  }
  return {"warning", cuda.why_none + "; compare nvidia-smi with this job's allocation"};
}

}  // namespace

const std::vector<std::string>& doctor_variables() {
  static const std::vector<std::string> names = {
      "CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES", "OMP_NUM_THREADS",
      "SLURM_JOB_ID",         "SLURM_LOCALID",          "SLURM_CPUS_PER_TASK",
      "SLURM_GPUS_PER_TASK",  "SLURM_STEP_GPUS",        "OMPI_COMM_WORLD_LOCAL_RANK"};
  return names;
}

std::vector<Diagnosis> diagnose(const DoctorRow& row) {
  std::vector<Diagnosis> out;
  const device::CudaReport& cuda = row.cuda;
  if (!row.device_error.empty()) out.push_back({"error", row.device_error});
  if (!cuda.built_with_cuda && !cuda.driver_version.empty()) {
    out.push_back({"warning",
                   "this libtorch has no CUDA support, but this node has the NVIDIA driver " +
                       cuda.driver_version +
                       ": rebuild mpibatch against a CUDA libtorch to use its GPUs (docs/gpu.md)"});
  }
  const int needs = cuda_number(cuda.cuda_runtime);
  const int driver = cuda_number(cuda.driver_cuda);
  if (needs > 0 && driver > 0 && driver < needs) {
    out.push_back({"error", "this libtorch needs CUDA " + cuda.cuda_runtime + " but the driver " +
                                cuda.driver_version + " supports CUDA " + cuda.driver_cuda +
                                " at most: update the NVIDIA driver, or use a libtorch built "
                                "for CUDA " +
                                cuda.driver_cuda + " or older"});
  }
  if (cuda.built_with_cuda && cuda.gpus.empty()) out.push_back(no_gpu(row));
  for (const auto& gpu : cuda.gpus) {
    if (gpu.memory_total > 0 && gpu.memory_free > 0 && gpu.memory_free * 10 < gpu.memory_total) {
      out.push_back({"warning", "GPU " + std::to_string(gpu.index) + " (" + gpu.name + ") has " +
                                    gib(gpu.memory_free) + " GiB free of " + gib(gpu.memory_total) +
                                    ": other processes hold it (nvidia-smi); consider "
                                    "gpu.select: most_free_memory"});
    }
  }
  for (const std::string& warning : row.warnings) out.push_back({"warning", warning});
  if (out.empty()) {
    out.push_back({"ok", row.device.rfind("cuda", 0) == 0
                             ? "runs on " + row.device + " (" + row.device_reason + ")"
                             : "runs on CPU (" + row.device_reason + ")"});
  }
  std::stable_sort(out.begin(), out.end(), [](const Diagnosis& a, const Diagnosis& b) {
    auto rank = [](const std::string& level) {
      return level == "error" ? 0 : level == "warning" ? 1 : 2;
    };
    return rank(a.level) < rank(b.level);
  });
  return out;
}

nlohmann::json to_json(const DoctorRow& row) {
  nlohmann::json gpus = nlohmann::json::array();
  for (const auto& gpu : row.cuda.gpus) {
    gpus.push_back({{"index", gpu.index},
                    {"name", gpu.name},
                    {"uuid", gpu.uuid},
                    {"memory_total", gpu.memory_total},
                    {"memory_free", gpu.memory_free},
                    {"capability", std::to_string(gpu.major) + "." + std::to_string(gpu.minor)}});
  }
  nlohmann::json diagnoses = nlohmann::json::array();
  for (const Diagnosis& d : diagnose(row))
    diagnoses.push_back({{"level", d.level}, {"text", d.text}});
  return {{"rank", row.rank},
          {"host", row.host},
          {"local_rank", row.local_rank},
          {"local_size", row.local_size},
          {"mpi", row.mpi_library},
          {"torch", row.cuda.torch_version},
          {"cuda_built", row.cuda.built_with_cuda},
          {"cuda_runtime", row.cuda.cuda_runtime},
          {"cudnn", row.cuda.cudnn_version},
          {"driver", row.cuda.driver_version},
          {"driver_cuda", row.cuda.driver_cuda},
          {"cuda_visible_devices",
           row.cuda.visible_env ? nlohmann::json(*row.cuda.visible_env) : nlohmann::json(nullptr)},
          {"gpus", gpus},
          {"why_no_gpu", row.cuda.why_none},
          {"environment", row.environment},
          {"device", row.device},
          {"device_reason", row.device_reason},
          {"device_error", row.device_error},
          {"warnings", row.warnings},
          {"threads",
           {{"intra_op", row.threads.intra_op},
            {"inter_op", row.threads.inter_op},
            {"reason", row.threads.reason}}},
          {"diagnoses", diagnoses}};
}

DoctorRow row_from_json(const nlohmann::json& j) {
  DoctorRow row;
  row.rank = j.at("rank");
  row.host = j.at("host");
  row.local_rank = j.at("local_rank");
  row.local_size = j.at("local_size");
  row.mpi_library = j.at("mpi");
  row.cuda.torch_version = j.at("torch");
  row.cuda.built_with_cuda = j.at("cuda_built");
  row.cuda.cuda_runtime = j.at("cuda_runtime");
  row.cuda.cudnn_version = j.at("cudnn");
  row.cuda.driver_version = j.at("driver");
  row.cuda.driver_cuda = j.at("driver_cuda");
  if (!j.at("cuda_visible_devices").is_null()) row.cuda.visible_env = j.at("cuda_visible_devices");
  for (const auto& g : j.at("gpus")) {
    device::GpuInfo gpu;
    gpu.index = g.at("index");
    gpu.name = g.at("name");
    gpu.uuid = g.at("uuid");
    gpu.memory_total = g.at("memory_total");
    gpu.memory_free = g.at("memory_free");
    const std::string capability = g.at("capability");
    gpu.major = std::stoi(capability.substr(0, capability.find('.')));
    gpu.minor = std::stoi(capability.substr(capability.find('.') + 1));
    row.cuda.gpus.push_back(gpu);
  }
  row.cuda.why_none = j.at("why_no_gpu");
  row.environment = j.at("environment").get<std::map<std::string, std::string>>();
  row.device = j.at("device");
  row.device_reason = j.at("device_reason");
  row.device_error = j.at("device_error");
  row.warnings = j.at("warnings").get<std::vector<std::string>>();
  row.threads.intra_op = j.at("threads").at("intra_op");
  row.threads.inter_op = j.at("threads").at("inter_op");
  row.threads.reason = j.at("threads").at("reason");
  return row;
}

std::string doctor_text(const std::vector<DoctorRow>& rows) {
  std::ostringstream out;
  if (rows.empty()) return "no ranks\n";
  const DoctorRow& first = rows.front();
  out << "mpibatch doctor: " << rows.size() << " rank" << (rows.size() == 1 ? "" : "s") << ", "
      << first.mpi_library << "\n";
  out << "libtorch   " << first.cuda.torch_version
      << (first.cuda.cudnn_version.empty() ? "" : ", cuDNN " + first.cuda.cudnn_version) << "\n";
  out << "driver     "
      << (first.cuda.driver_version.empty()
              ? std::string("none (no libnvidia-ml.so.1)")
              : first.cuda.driver_version + " (CUDA " + first.cuda.driver_cuda + ")")
      << "  [rank 0's host]\n\n";
  out << fmt::format("{:>4}  {:<12} {:>5}  {:<9} {:<28} {:>7}  {:<12} {:>7}  {}\n", "rank", "host",
                     "local", "device", "name", "threads", "GPU free", "GPUs",
                     "CUDA_VISIBLE_DEVICES");
  for (const DoctorRow& row : rows) {
    std::string name = "-";
    std::string free = "-";
    if (row.device.rfind("cuda:", 0) == 0) {
      const int index = std::stoi(row.device.substr(5));
      for (const auto& gpu : row.cuda.gpus) {
        if (gpu.index != index) continue;
        name = gpu.name;
        free = gib(gpu.memory_free) + "/" + gib(gpu.memory_total);
      }
    } else if (row.device == "cpu") {
      name = "CPU";
    }
    out << fmt::format(
        "{:>4}  {:<12} {:>5}  {:<9} {:<28} {:>7}  {:<12} {:>7}  {}\n", row.rank, row.host,
        std::to_string(row.local_rank) + "/" + std::to_string(row.local_size),
        row.device.empty() ? "none" : row.device, name,
        std::to_string(row.threads.intra_op) + "+" + std::to_string(row.threads.inter_op), free,
        row.cuda.gpus.size(), row.cuda.visible_env ? "'" + *row.cuda.visible_env + "'" : "(unset)");
  }
  out << "\n";
  for (const DoctorRow& row : rows) {
    for (const Diagnosis& d : diagnose(row)) {
      out << "rank " << row.rank << " [" << d.level << "] " << d.text << "\n";
    }
  }
  out << "\nthreads: intra-op+inter-op per rank (docs/threads.md); GPU free: GiB free/total from "
         "NVML; docs/gpu.md explains each message\n";
  return out.str();
}

nlohmann::json doctor_json(const std::vector<DoctorRow>& rows) {
  nlohmann::json ranks = nlohmann::json::array();
  for (const DoctorRow& row : rows) ranks.push_back(to_json(row));
  return {{"tool", "mpibatch doctor"}, {"ranks", ranks}};
}

}  // namespace mpibatch::app
