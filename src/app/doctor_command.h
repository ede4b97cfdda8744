#pragma once
/// \file `mpibatch doctor`: every rank reports what it sees and what `run` would use.

#include <string>

namespace mpibatch::app {

struct DoctorArgs {
  std::string device = "auto";              ///< as runtime.device
  std::string on_missing_gpu = "fallback";  ///< as runtime.on_missing_gpu
  std::string gpu_select = "local_rank";    ///< as gpu.select
  int threads_per_rank = 0;                 ///< as runtime.threads_per_rank; 0 = auto
  bool json = false;
};

/// Collective under MPI (initialises and finalises it). Rank 0 prints the report to stdout.
/// Returns 0, or 3 when a rank found an error (a device asked for and not usable, a driver too
/// old for this libtorch), the same on every rank.
int doctor_command(const DoctorArgs& args);

}  // namespace mpibatch::app
