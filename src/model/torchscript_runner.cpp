/// \file TorchScriptRunner: load + contract probe + batched forward.

#include "mpibatch/model/torchscript_runner.h"

#include <c10/core/InferenceMode.h>
#include <caffe2/serialize/inline_container.h>
#include <spdlog/spdlog.h>
#include <torch/cuda.h>
#include <torch/script.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "error_text.h"
#include "gpu_settings.h"
#include "model_file.h"
#include "mpibatch/error.h"
#include "output_contract.h"
#include "stream_lanes.h"

namespace mpibatch::model {
namespace {

/// Some loaded-but-wrong archives say more than torch::jit::load's error: a torch.save()
/// checkpoint is a zip with data.pkl and no TorchScript code.
std::string archive_hint(const std::string& path) {
  try {
    caffe2::serialize::PyTorchStreamReader reader(path);
    if (reader.hasRecord("data.pkl") && !reader.hasRecord("constants.pkl")) {
      return "; it looks like a torch.save() checkpoint (weights or a pickled nn.Module), "
             "not TorchScript";
    }
  } catch (const std::exception&) {
  }
  return "";
}

/// The torch device for `text`; throws ModelError if it is malformed or absent here.
torch::Device parse_device(const std::string& text) {
  std::optional<torch::Device> device;
  try {
    device.emplace(text);
  } catch (const std::exception& e) {
    throw ModelError("runtime.device: '" + text + "' is not a torch device (" +
                     detail::summarize_torch_error(e.what()) + "); use cpu, cuda or cuda:N");
  }
  if (device->is_cuda()) {
    const auto visible =
        static_cast<std::size_t>(torch::cuda::is_available() ? torch::cuda::device_count() : 0);
    const auto index = device->has_index() ? static_cast<std::size_t>(device->index()) : 0;
    if (index >= visible) {
      throw ModelError("runtime.device: '" + text + "' is not usable here (" +
                       std::to_string(visible) +
                       " CUDA GPUs visible to this libtorch); use runtime.device=auto or cpu");
    }
  }
  return *device;
}

std::string dims_text(const std::vector<std::int64_t>& dims) {
  std::string text = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) text += (i ? ", " : "") + std::to_string(dims[i]);
  return text + "]";
}

/// Checks forward's schema: self plus two tensor arguments (ids, lengths); further arguments
/// must have defaults.
void check_signature(const torch::jit::Method& forward, const std::string& where) {
  const auto& schema = forward.function().getSchema();
  const auto& args = schema.arguments();
  std::ostringstream text;
  text << schema;
  const auto tensor = c10::TensorType::get();
  bool ok = args.size() >= 3;
  for (std::size_t i = 1; ok && i < args.size(); ++i) {
    ok = i <= 2 ? args[i].type()->isSubtypeOf(*tensor) : args[i].default_value().has_value();
  }
  if (!ok) {
    throw ModelError(where + " has forward " + text.str() +
                     "; expected forward(self, ids: Tensor, lengths: Tensor) taking token ids "
                     "int64 [B, T] and lengths int64 [B] (docs/model-contract.md)");
  }
}

}  // namespace

struct TorchScriptRunner::Impl {
  std::string path;
  std::string device_name;
  torch::Device device{torch::kCPU};
  torch::jit::Module module;
  std::vector<std::int64_t> feature_shape;  ///< from the probe, for items with no tokens
  std::optional<at::ScalarType> autocast;   ///< gpu.precision on a GPU; nullopt = fp32
  std::unique_ptr<detail::StreamLanes> lanes;  ///< gpu.streams > 1; null = the calling thread

  /// forward on a batch of non-empty items.
  std::vector<ItemOutput> forward(const std::vector<const TokenIds*>& items) {
    const auto batch = static_cast<std::int64_t>(items.size());
    std::int64_t longest = 0;
    for (const auto* ids : items) longest = std::max<std::int64_t>(longest, ids->size());
    at::Tensor ids = torch::zeros({batch, longest}, torch::kLong);
    at::Tensor lengths = torch::empty({batch}, torch::kLong);
    auto* ids_data = ids.data_ptr<std::int64_t>();
    auto* length_data = lengths.data_ptr<std::int64_t>();
    for (std::int64_t i = 0; i < batch; ++i) {
      const TokenIds& item = *items[static_cast<std::size_t>(i)];
      std::memcpy(ids_data + i * longest, item.data(), item.size() * sizeof(std::int64_t));
      length_data[i] = static_cast<std::int64_t>(item.size());
    }
    c10::InferenceMode guard;
    const detail::AutocastScope precision(autocast);
    const c10::IValue output = module.forward({ids.to(device), lengths.to(device)});
    return detail::split_outputs(output, batch);
  }

  /// forward on `items` split into up to lanes->count() contiguous parts run at once
  /// (NOTE [streams]), outputs in order. Of several failures, an out-of-memory error is
  /// rethrown first (for OomBackoffRunner), else the first part's.
  std::vector<ItemOutput> forward_in_lanes(const std::vector<const TokenIds*>& items) {
    const std::size_t parts = lanes ? std::min(lanes->count(), items.size()) : 1;
    if (parts == 1) return forward(items);
    std::vector<std::vector<ItemOutput>> outputs(parts);
    const auto errors = lanes->run(parts, [&](std::size_t k) {
      const auto [begin, end] = detail::even_part(items.size(), parts, k);
      outputs[k] = forward({items.begin() + static_cast<std::ptrdiff_t>(begin),
                            items.begin() + static_cast<std::ptrdiff_t>(end)});
    });
    std::exception_ptr failure;
    for (const std::exception_ptr& error : errors) {
      if (error && !failure) failure = error;
      if (error && detail::is_out_of_memory(error)) std::rethrow_exception(error);
    }
    if (failure) std::rethrow_exception(failure);
    std::vector<ItemOutput> all;
    all.reserve(items.size());
    for (auto& part : outputs) std::move(part.begin(), part.end(), std::back_inserter(all));
    return all;
  }
};

TorchScriptRunner::TorchScriptRunner(const RunnerOptions& options)
    : impl_(std::make_unique<Impl>()) {
  impl_->path = options.path;
  impl_->device_name = options.device;
  detail::check_model_file(options.path);
  impl_->device = parse_device(options.device);
  const std::string where = "model.path: '" + options.path + "'";

  try {
    impl_->module = torch::jit::load(options.path, torch::kCPU);
  } catch (const std::exception& e) {
    throw ModelError(where + " is not a TorchScript archive or is damaged (torch::jit::load: " +
                     detail::summarize_torch_error(e.what()) + ")" + archive_hint(options.path) +
                     "; " + detail::kExportHint);
  }
  impl_->module.eval();
  impl_->autocast = detail::autocast_dtype(options.precision, impl_->device);
  if (impl_->device.is_cuda()) {
    detail::apply_gpu_flags(options.tf32, options.cudnn_benchmark);
  } else if (options.precision != "fp32") {
    spdlog::info("gpu.precision={} applies to GPU ranks; this rank runs on {} in fp32",
                 options.precision, options.device);
  }
  // Loaded on the CPU, then moved: load errors are about the file, these about the device.
  if (!impl_->device.is_cpu()) {
    try {
      impl_->module.to(impl_->device);
    } catch (const std::exception& e) {
      throw ModelError(where + ": cannot move the model to " + options.device + " (" +
                       detail::summarize_torch_error(e.what()) +
                       "); check runtime.device and that this libtorch and machine have it");
    }
  }

  const auto forward = impl_->module.find_method("forward");
  if (!forward) {
    throw ModelError(where +
                     " has no forward() method; the model must define forward(self, ids, "
                     "lengths) (docs/model-contract.md)");
  }
  check_signature(*forward, where);
  if (options.streams > 1) {
    impl_->lanes = std::make_unique<detail::StreamLanes>(
        impl_->device.is_cuda() ? detail::StreamLanes::CudaDevice(impl_->device.index())  // -1: current
                                : std::nullopt,
        options.streams);
  }

  // Probe: one item, ids [[1, 2, 3]], lengths [3].
  const TokenIds probe{1, 2, 3};
  std::vector<ItemOutput> outputs;
  try {
    outputs = impl_->forward({&probe});
  } catch (const detail::ContractViolation& e) {
    throw ModelError(where +
                     " breaks the model contract on a probe batch (ids [[1, 2, 3]], "
                     "lengths [3]): " +
                     e.what() + " (docs/model-contract.md)");
  } catch (const std::exception& e) {
    throw ModelError(where + " fails on a probe batch (ids [[1, 2, 3]], lengths [3]): " +
                     detail::summarize_torch_error(e.what()) +
                     "; forward must accept ids int64 [B, T] right-padded with 0 and lengths "
                     "int64 [B] (docs/model-contract.md)");
  }
  impl_->feature_shape = outputs.front().feature_shape;
  spdlog::debug("loaded {} on {}: probe output {} rows x {} features", options.path, options.device,
                outputs.front().length, impl_->feature_shape.size());
}

TorchScriptRunner::~TorchScriptRunner() = default;

std::vector<ItemOutput> TorchScriptRunner::run(const std::vector<const TokenIds*>& batch) {
  std::vector<ItemOutput> outputs(batch.size());
  std::vector<const TokenIds*> items;  // non-empty items go to the model
  std::vector<std::size_t> positions;
  std::size_t longest = 0;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (batch[i] == nullptr) throw std::invalid_argument("TorchScriptRunner::run: null item");
    if (batch[i]->empty()) {
      outputs[i].feature_shape = impl_->feature_shape;
      continue;
    }
    items.push_back(batch[i]);
    positions.push_back(i);
    longest = std::max(longest, batch[i]->size());
  }
  if (items.empty()) return outputs;

  const std::string what = "model '" + impl_->path + "' on a batch of " +
                           std::to_string(items.size()) + " item" + (items.size() == 1 ? "" : "s") +
                           " (longest " + std::to_string(longest) + " tokens)";
  std::vector<ItemOutput> computed;
  try {
    computed = impl_->forward_in_lanes(items);
  } catch (const detail::ContractViolation& e) {
    throw ModelError(what + " breaks the model contract: " + e.what() +
                     " (docs/model-contract.md)");
  } catch (const std::exception& e) {
    // NOTE [oom through the interpreter]: TorchScript's interpreter rethrows an op's error as
    // std::runtime_error with the message inside, so the OOM is recognised by its text too,
    // and passed on as the c10 type for OomBackoffRunner.
    const std::string message = detail::summarize_torch_error(e.what());
    if (detail::is_out_of_memory(e)) {
      TORCH_CHECK_WITH(OutOfMemoryError, false, what, ": ", message);
    }
    throw ModelError(what + " failed: " + message);
  }
  if (computed.front().feature_shape != impl_->feature_shape) {
    throw ModelError(what + " breaks the model contract: output feature dims " +
                     dims_text(computed.front().feature_shape) + " differ from the probe's " +
                     dims_text(impl_->feature_shape) +
                     "; trailing dims must not depend on the batch (docs/model-contract.md)");
  }
  for (std::size_t k = 0; k < positions.size(); ++k) {
    outputs[positions[k]] = std::move(computed[k]);
  }
  return outputs;
}

const std::vector<std::int64_t>& TorchScriptRunner::feature_shape() const {
  return impl_->feature_shape;
}

void TorchScriptRunner::release_memory() {
  if (impl_->device.is_cuda()) detail::release_cuda_memory();
}

std::uint64_t TorchScriptRunner::memory_peak() const {
  return detail::cuda_memory_peak(impl_->device);
}

std::string TorchScriptRunner::describe() const {
  return "TorchScript " + std::filesystem::path(impl_->path).filename().string() + " on " +
         impl_->device_name +
         (impl_->autocast ? (*impl_->autocast == at::kBFloat16 ? " (bf16)" : " (fp16)") : "") +
         (impl_->lanes ? ", " + std::to_string(impl_->lanes->count()) + " streams" : "");
}

}  // namespace mpibatch::model
