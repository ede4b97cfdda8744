#pragma once
/// \file Checkpoints of a train job (docs/training.md#checkpoints-and-resume).
///
/// One file (torch's archive format) holding the parameters and buffers by name, the
/// optimizer's state, the next step, the --resume attempt, the records so far (so a resumed
/// run's file has the whole loss curve), the default CPU generator's state, the effective
/// job configuration and the job's identity. Written by rank 0 next to its final name and
/// renamed over it, so a crash leaves the previous checkpoint whole.

#include <torch/script.h>
#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "mpibatch/io/run_records.h"

namespace mpibatch::train {

struct TrainState {
  std::uint64_t step = 0;     ///< the next step to run
  std::uint32_t attempt = 0;  ///< 0 for the first run, +1 per --resume
  io::TrainRecords records;   ///< everything recorded before `step`
};

/// What must not change between a checkpoint and the run resuming it: model, data, global
/// batch, seed, optimizer (other keys, e.g. epochs or lr, may change).
std::string job_identity(const std::string& model, const std::string& data,
                         std::int64_t global_batch, std::int64_t seed,
                         const std::string& optimizer);

void save_checkpoint(const std::string& path, const torch::jit::Module& module,
                     torch::optim::Optimizer& optimizer, const TrainState& state,
                     const std::string& config_yaml, const std::string& identity);

/// Loads into `module` and `optimizer` (built as for a fresh run, on `device`) and returns
/// the state. The tensors are mapped to `device`, so a checkpoint written on a GPU resumes on
/// a CPU and the other way round. Throws InputError naming the file: missing, damaged,
/// another job's (identity differs, with both), or parameters that do not match the model.
TrainState load_checkpoint(const std::string& path, torch::jit::Module& module,
                           torch::optim::Optimizer& optimizer, const std::string& identity,
                           const torch::Device& device);

}  // namespace mpibatch::train
