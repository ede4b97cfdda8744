#pragma once
/// \file Trainer: a train job on one rank (docs/training.md).
///
/// Every rank reads the datasets and builds the same model; rank 0's parameters are then
/// broadcast. Each step, every rank runs forward and backward on its part of the global batch
/// (NOTE [shards]), the gradients are summed over the ranks in buckets (NOTE [gradient
/// buckets]) and every rank applies the same optimizer step, so all ranks hold the same model
/// at every step. Floating-point buffers are averaged over the ranks after each epoch.
/// Rank 0 writes checkpoints every train.checkpoint_every steps and at the end, and exports
/// the trained model as TorchScript (train.export_model), its tensors on the CPU.
/// On a GPU rank the model, its batches and the optimizer state live on the GPU, forward runs
/// under gpu.precision's autocast (fp32 or bf16; fp16 would need loss scaling), and the
/// gradient sums go through host buffers (NOTE [gradient buckets]).
/// \code
///   Trainer trainer(comm, config, "cpu", timer, resume);  // no collective: wrap in run_on_all
///   io::TrainRecords records = trainer.run();      // collective
/// \endcode

#include <cstdint>
#include <memory>
#include <string>

#include "mpibatch/comm/communicator.h"
#include "mpibatch/config/job_config.h"
#include "mpibatch/io/run_records.h"
#include "mpibatch/timing/phase_timer.h"

namespace mpibatch::train {

class Trainer {
 public:
  /// Reads train.data (and eval_data), builds the model on `device` ("cpu", "cuda:N") and
  /// the optimizer and, with `resume`, loads train.checkpoint (written on any device).
  /// Throws InputError / ModelError / ConfigError (one line) for bad data, a model that does
  /// not fit it, an unusable checkpoint, or gpu.precision fp16 on a GPU.
  Trainer(comm::Communicator& comm, const config::JobConfig& config, const std::string& device,
          timing::PhaseTimer& timer, bool resume);
  ~Trainer();

  /// Trains to the last step of train.epochs, or until a signal interrupts a rank (NOTE
  /// [interruption]): then every rank stops after the same step, rank 0 writes a checkpoint
  /// and no model is exported. Returns the records of every step and epoch (from earlier
  /// attempts too); rank_epochs complete on rank 0 only.
  io::TrainRecords run();

  std::uint64_t samples_trained() const;  ///< by this rank, in this attempt
  std::uint32_t attempt() const;          ///< 0, or 1 + the resumed checkpoint's
  /// Accuracy on the evaluation set at the last evaluation (NaN without one).
  double final_accuracy() const;
  /// The signal that interrupted training (every rank agrees it was interrupted), or 0.
  int interrupted_by() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mpibatch::train
