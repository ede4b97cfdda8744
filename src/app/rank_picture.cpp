#include "rank_picture.h"

#include <cstdlib>
#include <limits>
#include <sstream>

namespace mpibatch::app {
namespace {

template <class T>
std::string joined(const std::vector<T>& values) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + std::to_string(values[i]);
  return out;
}

/// "host|cpu,cpu,...|CUDA_VISIBLE_DEVICES or <unset>|free bytes per visible GPU,...".
comm::Bytes describe_rank(const std::string& host, const device::CudaReport& cuda) {
  std::vector<std::uint64_t> free;
  for (const auto& gpu : cuda.gpus) free.push_back(gpu.memory_free);
  return host + "|" + joined(device::current_cpu_view().allowed_cpus) + "|" +
         cuda.visible_env.value_or("<unset>") + "|" + joined(free);
}

RankView parse_rank(const comm::Bytes& bytes) {
  std::vector<std::string> fields;
  std::istringstream in(bytes);
  for (std::string field; std::getline(in, field, '|');) fields.push_back(field);
  fields.resize(4);
  RankView view{fields[0], {}, fields[2], {}};
  std::istringstream cpus(fields[1]);
  for (std::string cpu; std::getline(cpus, cpu, ',');) {
    view.cpus.allowed_cpus.push_back(std::stoi(cpu));
  }
  std::istringstream free(fields[3]);
  for (std::string bytes_free; std::getline(free, bytes_free, ',');) {
    view.free_memory.push_back(std::stoull(bytes_free));
  }
  return view;
}

}  // namespace

std::optional<int> env_int(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  try {
    return std::stoi(value);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

RankPicture gather_rank_picture(comm::Communicator& comm, bool probe_gpus) {
  RankPicture picture;
  picture.rank = comm.rank();
  if (probe_gpus) picture.cuda = device::probe_cuda();
  for (const comm::Bytes& bytes : comm.all_gather(describe_rank(comm.host(), picture.cuda))) {
    picture.ranks.push_back(parse_rank(bytes));
  }
  return picture;
}

device::DeviceRequest device_request(const RankPicture& picture, const std::string& device,
                                     const std::string& on_missing_gpu,
                                     const std::string& gpu_select) {
  std::vector<device::GpuView> views;
  for (const RankView& view : picture.ranks) views.push_back({view.host, view.visible});
  device::DeviceRequest request;
  request.device = device;
  request.on_missing_gpu = on_missing_gpu;
  request.slot = device::gpu_slot(views, picture.rank);
  request.select = device::parse_gpu_select(gpu_select).value_or(device::GpuSelect::kLocalRank);
  request.free_memory =
      picture.ranks[static_cast<std::size_t>(request.slot.first_rank)].free_memory;
  request.host = picture.ranks[static_cast<std::size_t>(picture.rank)].host;
  return request;
}

device::ThreadRequest thread_request(const RankPicture& picture, const std::string& device,
                                     int threads_per_rank, int interop_threads) {
  std::size_t gpus_needed = device == "cpu" ? std::numeric_limits<std::size_t>::max() : 1;
  if (device.rfind("cuda:", 0) == 0) {
    try {
      gpus_needed = std::stoul(device.substr(5)) + 1;
    } catch (const std::exception&) {  // malformed: choose_device reports it
    }
  }
  device::ThreadRequest request;
  request.threads_per_rank = threads_per_rank;
  request.interop_threads = interop_threads;
  request.slurm_cpus_per_task = env_int("SLURM_CPUS_PER_TASK");
  const std::string& host = picture.ranks[static_cast<std::size_t>(picture.rank)].host;
  for (std::size_t r = 0; r < picture.ranks.size(); ++r) {
    if (picture.ranks[r].host != host) continue;
    if (static_cast<int>(r) == picture.rank) {
      request.local_rank = static_cast<int>(request.node_ranks.size());
    }
    device::CpuView view = picture.ranks[r].cpus;
    view.gpu = picture.ranks[r].free_memory.size() >= gpus_needed;
    request.node_ranks.push_back(view);
  }
  return request;
}

}  // namespace mpibatch::app
