#include "mpibatch/device/gpu_binding.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <numeric>

namespace mpibatch::device {
namespace {

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

bool is_index(const std::string& entry) {
  return !entry.empty() && std::all_of(entry.begin(), entry.end(),
                                       [](unsigned char c) { return std::isdigit(c) != 0; });
}

bool is_uuid(const std::string& entry) {
  return (entry.rfind("GPU-", 0) == 0 || entry.rfind("MIG-", 0) == 0) && entry.size() > 4;
}

std::string gpus(int n) { return std::to_string(n) + (n == 1 ? " GPU" : " GPUs"); }

}  // namespace

VisibleDevices parse_visible_devices(const std::optional<std::string>& value) {
  VisibleDevices visible;
  if (!value) return visible;
  visible.set = true;
  std::size_t begin = 0;
  while (begin <= value->size()) {
    const auto comma = value->find(',', begin);
    const std::string entry = trimmed(
        value->substr(begin, comma == std::string::npos ? std::string::npos : comma - begin));
    if (!is_index(entry) && !is_uuid(entry)) break;  // "", "-1", "NoDevFiles", junk: the end
    visible.entries.push_back(entry);
    if (comma == std::string::npos) break;
    begin = comma + 1;
  }
  return visible;
}

GpuSlot gpu_slot(const std::vector<GpuView>& views, int rank) {
  const GpuView& me = views.at(static_cast<std::size_t>(rank));
  GpuSlot slot;
  slot.sharing = 0;
  slot.first_rank = rank;
  for (std::size_t r = 0; r < views.size(); ++r) {
    if (views[r].host != me.host || views[r].visible != me.visible) continue;
    if (static_cast<int>(r) < rank) ++slot.slot;
    slot.first_rank = std::min(slot.first_rank, static_cast<int>(r));
    ++slot.sharing;
  }
  return slot;
}

std::optional<GpuSelect> parse_gpu_select(const std::string& text) {
  if (text == "local_rank") return GpuSelect::kLocalRank;
  if (text == "most_free_memory") return GpuSelect::kMostFreeMemory;
  return std::nullopt;
}

Binding bind_gpu(const BindRequest& request) {
  const int count = std::max(request.visible_count, 1);
  const GpuSlot& slot = request.slot;
  Binding binding;
  binding.index = slot.slot % count;
  const std::string where = "slot " + std::to_string(slot.slot) + " of " +
                            std::to_string(slot.sharing) + " on " + request.host;
  const bool by_memory = request.select == GpuSelect::kMostFreeMemory &&
                         request.free_memory.size() == static_cast<std::size_t>(count);
  if (by_memory && slot.sharing <= count) {
    std::vector<int> order(static_cast<std::size_t>(count));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return request.free_memory[static_cast<std::size_t>(a)] >
             request.free_memory[static_cast<std::size_t>(b)];
    });
    binding.index = order[static_cast<std::size_t>(slot.slot)];
    char free_gib[32];
    std::snprintf(
        free_gib, sizeof free_gib, "%.1f",
        static_cast<double>(request.free_memory[static_cast<std::size_t>(binding.index)]) /
            (1024.0 * 1024.0 * 1024.0));
    binding.reason = where + " -> GPU " + std::to_string(binding.index) + " of " +
                     std::to_string(count) + " (by free memory: " + free_gib + " GiB free)";
  } else {
    binding.reason =
        where + " -> GPU " + std::to_string(binding.index) + " of " + std::to_string(count);
    if (request.select == GpuSelect::kMostFreeMemory) {
      binding.reason += by_memory ? " (more ranks than GPUs: by slot, not free memory)"
                                  : " (free memory unknown: by slot)";
    }
  }
  if (slot.sharing > count) {
    binding.warning = std::to_string(slot.sharing) + " ranks on " + request.host + " share " +
                      gpus(count) + ", so up to " +
                      std::to_string((slot.sharing + count - 1) / count) +
                      " ranks run on one GPU; start one rank per GPU (e.g. srun "
                      "--ntasks-per-node=" +
                      std::to_string(count) + " --gpus-per-task=1)";
  }
  return binding;
}

}  // namespace mpibatch::device
