#pragma once
/// \file TorchScriptRunner: a TorchScript file behind the ModelRunner contract.
///
/// forward(ids, lengths) runs under c10::InferenceMode on the device from RunnerOptions: the
/// model is loaded on the CPU, moved there once, inputs are built and moved there per batch,
/// outputs come back to the CPU as float32. On a GPU, fp16/bf16 run under autocast, and with
/// streams > 1 a batch runs as that many parts at once on separate CUDA streams. A GPU
/// out-of-memory error leaves run() as c10::OutOfMemoryError (for OomBackoffRunner); every
/// other failure is a ModelError. No torch type appears in this header.
///
/// \code
///   TorchScriptRunner runner({"demo.pt", "cpu"});
///   const TokenIds ids = make_encoder("bytes")->encode("Hello.");
///   std::vector<ItemOutput> out = runner.run({&ids});  // out[0].length == 6 * hop_length
/// \endcode

#include <memory>
#include <string>

#include "mpibatch/model/model_runner.h"

namespace mpibatch::model {

struct RunnerOptions {
  std::string path;            ///< TorchScript archive (torch.jit.save / Module::save)
  std::string device = "cpu";  ///< torch device string, as DeviceChoice::device
  // GPU only (docs/gpu.md); a CPU runner logs that it ignores them and computes in fp32.
  std::string precision = "fp32";  ///< fp32 | fp16 | bf16, by autocast
  bool tf32 = true;                ///< TF32 for fp32 matmuls and convolutions (process-wide)
  bool cudnn_benchmark = false;    ///< cuDNN autotuning per shape (process-wide)
  /// Forward calls in flight at once: run() cuts a batch into this many even parts, each on
  /// its own CUDA stream and thread (NOTE [streams] in src/model/stream_lanes.h). On a CPU
  /// device the parts run on plain threads (for tests; the pipeline passes 1 on CPU ranks).
  std::size_t streams = 1;
};

class TorchScriptRunner final : public ModelRunner {
 public:
  /// Loads the model and checks the contract on a one-item probe batch (ids [[1, 2, 3]],
  /// lengths [3]). Throws ModelError, one line naming the file, what is wrong (missing,
  /// a directory, empty, not TorchScript, truncated, a torch.save() checkpoint, no forward,
  /// wrong forward signature, probe failing, wrong output type/dtype/rank/batch/lengths, a
  /// device that is malformed or absent here) and what to do.
  explicit TorchScriptRunner(const RunnerOptions& options);
  ~TorchScriptRunner() override;

  std::vector<ItemOutput> run(const std::vector<const TokenIds*>& batch) override;
  std::string describe() const override;
  void release_memory() override;
  std::uint64_t memory_peak() const override;
  /// Trailing dims of every output row, as the probe batch returned them; empty for [B, S].
  const std::vector<std::int64_t>& feature_shape() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mpibatch::model
