#pragma once
/// \file `mpibatch probe-batch MODEL.pt`: the largest batch that fits and items/s per size.

#include <string>

#include "mpibatch/model/batch_probe.h"

namespace mpibatch::app {

struct ProbeBatchArgs {
  std::string model;
  std::string device = "auto";     ///< as runtime.device
  std::string precision = "fp32";  ///< as gpu.precision
  model::BatchProbeOptions probe;
};

/// One process, no MPI. Prints the table to stdout; returns 0, or 1 when not even one item
/// fits. Throws InputError / ModelError for a bad device or model.
int probe_batch_command(const ProbeBatchArgs& args);

}  // namespace mpibatch::app
