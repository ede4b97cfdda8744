#pragma once
/// \file The demo model's TorchScript source and parameter list (no torch here); demo_model.cpp
/// turns them into a module.

#include <cstdint>
#include <string>
#include <vector>

#include "mpibatch/model/demo_model.h"

namespace mpibatch::model::detail {

/// How a parameter is initialised.
enum class Init {
  kNormal,  ///< N(0, scale^2)
  kOnes,
  kZeros,
};

struct DemoParameter {
  std::string name;  ///< attribute name, used as self.<name> in the source
  std::vector<std::int64_t> shape;
  Init init = Init::kNormal;
  double scale = 1.0;  ///< standard deviation for kNormal
};

/// Every parameter in creation order (the order draws from the seeded generator).
std::vector<DemoParameter> demo_parameters(const DemoModelOptions& options);

/// TorchScript source with forward(ids, lengths) -> (wave [B, T*hop], lengths*hop) and its
/// helper methods; refers to the parameters by name.
std::string demo_source(const DemoModelOptions& options);

/// Problems with the options, one line each (empty when valid).
std::vector<std::string> demo_option_problems(const DemoModelOptions& options);

/// Channels of the upsampled (sample-rate) signal before the last conv.
inline constexpr std::int64_t kDemoUpsampleChannels = 4;
/// Kernel of the last conv, over samples.
inline constexpr std::int64_t kDemoPostKernel = 9;
/// Kernel of the token-rate conv blocks.
inline constexpr std::int64_t kDemoConvKernel = 5;

}  // namespace mpibatch::model::detail
