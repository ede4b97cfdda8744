#pragma once
/// \file TorchScriptRunner: a TorchScript file behind the ModelRunner contract.

#include <memory>
#include <string>

#include "mpibatch/model/model_runner.h"

namespace mpibatch::model {

struct RunnerOptions {
  std::string path;            ///< TorchScript archive (torch.jit.save / Module::save)
  std::string device = "cpu";  ///< torch device string
};

class TorchScriptRunner final : public ModelRunner {
 public:
  /// Loads the model and checks the contract on a one-item probe batch. Throws ModelError
  /// naming the file and what is wrong (missing, not TorchScript, truncated, wrong forward
  /// signature or outputs) and what to do.
  explicit TorchScriptRunner(const RunnerOptions& options);
  ~TorchScriptRunner() override;

  std::vector<ItemOutput> run(const std::vector<const TokenIds*>& batch) override;
  std::string describe() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mpibatch::model
