#include "checkpoint.h"

#include <ATen/CPUGeneratorImpl.h>
#include <cereal/archives/binary.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <filesystem>
#include <sstream>

#include "mpibatch/error.h"

namespace mpibatch::train {
namespace {

at::Tensor bytes_tensor(const std::string& bytes) {
  return torch::from_blob(const_cast<char*>(bytes.data()),
                          {static_cast<std::int64_t>(bytes.size())}, torch::kUInt8)
      .clone();
}

std::string tensor_bytes(const at::Tensor& tensor) {
  const at::Tensor t = tensor.to(at::kCPU).contiguous();
  return std::string(reinterpret_cast<const char*>(t.data_ptr<std::uint8_t>()),
                     static_cast<std::size_t>(t.numel()));
}

at::Tensor number(std::int64_t value) { return torch::tensor({value}, torch::kLong); }

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

/// A fresh tensor per read: InputArchive::read into a defined tensor set_()s it, which keeps
/// that tensor's dtype.
at::Tensor read_tensor(torch::serialize::InputArchive& archive, const std::string& key,
                       bool is_buffer) {
  at::Tensor value;
  archive.read(key, value, is_buffer);
  return value;
}

}  // namespace

std::string job_identity(const std::string& model, const std::string& data,
                         std::int64_t global_batch, std::int64_t seed,
                         const std::string& optimizer) {
  std::ostringstream text;
  text << "model=" << model << " data=" << data << " global_batch=" << global_batch
       << " seed=" << seed << " optimizer=" << optimizer;
  return text.str();
}

void save_checkpoint(const std::string& path, const torch::jit::Module& module,
                     torch::optim::Optimizer& optimizer, const TrainState& state,
                     const std::string& config_yaml, const std::string& identity) {
  torch::serialize::OutputArchive archive;
  for (const auto& p : module.named_parameters()) archive.write("parameter." + p.name, p.value);
  for (const auto& b : module.named_buffers()) archive.write("buffer." + b.name, b.value, true);
  torch::serialize::OutputArchive optimizer_archive;
  optimizer.save(optimizer_archive);
  archive.write("optimizer", optimizer_archive);
  archive.write("step", number(static_cast<std::int64_t>(state.step)), true);
  archive.write("attempt", number(state.attempt), true);
  std::ostringstream records;
  {
    cereal::BinaryOutputArchive out(records);
    out(state.records);
  }
  archive.write("records", bytes_tensor(records.str()), true);
  archive.write("generator", at::detail::getDefaultCPUGenerator().get_state(), true);
  archive.write("config", bytes_tensor(config_yaml), true);
  archive.write("identity", bytes_tensor(identity), true);

  const std::string temporary = path + ".partial";
  try {
    archive.save_to(temporary);
    std::filesystem::rename(temporary, path);
  } catch (const std::exception& e) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw IoError("train.checkpoint: cannot write '" + path + "' (" + first_line(e.what()) +
                  "); check the folder's space and permissions");
  }
}

TrainState load_checkpoint(const std::string& path, torch::jit::Module& module,
                           torch::optim::Optimizer& optimizer, const std::string& identity,
                           const torch::Device& device) {
  const std::string where = "--resume: checkpoint '" + path + "'";
  if (!std::filesystem::is_regular_file(path)) {
    throw InputError(where + " does not exist; run without --resume to start afresh, or set "
                             "train.checkpoint to the file an earlier run wrote");
  }
  TrainState state;
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path, device);
    const std::string stored = tensor_bytes(read_tensor(archive, "identity", true));
    if (stored != identity) {
      throw InputError(where + " belongs to another job (" + stored + "; this job: " + identity +
                       "); use that job's settings or start without --resume");
    }
    torch::NoGradGuard no_grad;
    for (const auto& p : module.named_parameters()) {
      const at::Tensor value = read_tensor(archive, "parameter." + p.name, false);
      if (!value.sizes().equals(p.value.sizes())) {
        throw InputError(where + ": parameter '" + p.name + "' has another shape than the model's");
      }
      p.value.copy_(value);
    }
    for (const auto& b : module.named_buffers()) {
      b.value.copy_(read_tensor(archive, "buffer." + b.name, true));
    }
    torch::serialize::InputArchive optimizer_archive;
    archive.read("optimizer", optimizer_archive);
    optimizer.load(optimizer_archive);
    state.step = static_cast<std::uint64_t>(read_tensor(archive, "step", true).item<std::int64_t>());
    state.attempt =
        static_cast<std::uint32_t>(read_tensor(archive, "attempt", true).item<std::int64_t>());
    std::istringstream records(tensor_bytes(read_tensor(archive, "records", true)));
    cereal::BinaryInputArchive in(records);
    in(state.records);
    at::Generator generator = at::detail::getDefaultCPUGenerator();  // a handle to it
    generator.set_state(read_tensor(archive, "generator", true).to(at::kCPU));
  } catch (const InputError&) {
    throw;
  } catch (const c10::OutOfMemoryError& e) {
    throw ModelError(where + " does not fit in " + device.str() + "'s free memory (" +
                     first_line(e.what()) + "); free the GPU or resume on another device");
  } catch (const std::exception& e) {
    throw InputError(where + " is damaged or not a checkpoint (" + first_line(e.what()) +
                     "); point train.checkpoint at a good one or start without --resume");
  }
  return state;
}

}  // namespace mpibatch::train
