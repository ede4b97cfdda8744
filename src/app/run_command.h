#pragma once
/// \file `mpibatch run`: one job on every rank of the MPI world.

#include <string>
#include <vector>

namespace mpibatch::app {

struct RunArgs {
  std::string job_file;
  std::vector<std::string> overrides;  ///< --set key=value
  std::string output;                  ///< --output
  std::string site;                    ///< --site, else $MPIBATCH_SITE
  bool resume = false;
  bool dry_run = false;
  bool verbose = false;
};

/// Runs the job under MPI (initialises and finalises it). Returns the exit code, the same on
/// every rank; on an unexpected failure of one rank, ends every rank with MPI_Abort.
int run_command(const RunArgs& args);

}  // namespace mpibatch::app
