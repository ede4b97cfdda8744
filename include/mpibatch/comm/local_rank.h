#pragma once
/// \file Cross-check of the node-local rank against what the launcher put in the environment.
///
/// mpibatch binds GPUs by node-local rank, and the authoritative value is MPI's own
/// (MPI_Comm_split_type(MPI_COMM_TYPE_SHARED)). Launchers also export it; a disagreement
/// means a launch problem (wrong --mpi plugin, mpirun nested in srun, a wrapper script that
/// rewrites the environment), so MpiCommunicator logs the warning this check returns.
///
/// Rules (NOTE [local rank sources]):
/// - Launcher variables: OMPI_COMM_WORLD_LOCAL_RANK (Open MPI mpirun), MPI_LOCALRANKID
///   (MPICH hydra), PMI_LOCAL_RANK (PMI launchers). Each one that is set is compared.
/// - SLURM_LOCALID is compared only when srun launched the ranks directly: SLURM_STEP_ID is set
///   and none of the launcher variables is. Under `mpirun` (or hydra) inside an sbatch
///   allocation every rank sees SLURM_LOCALID=0 (one task per node in the batch step, or the
///   proxy's own step), so there the launcher variable wins and SLURM_LOCALID is ignored.
/// - Unset variables are not compared; a set variable that is not a non-negative integer is
///   reported.
/// Pure function, no MPI: unit-tested over many environments.
/// \code
///   if (auto warning = check_local_rank(local_rank, process_environment()))
///     spdlog::warn("{}", *warning);
/// \endcode

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace mpibatch::comm {

/// Looks up an environment variable: its value, or nullopt when it is unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

/// The process environment (std::getenv).
EnvLookup process_environment();
/// A fixed environment, for tests and for callers that captured one.
EnvLookup fixed_environment(std::map<std::string, std::string> variables);

/// A one-line warning when the launcher's idea of this rank's node-local rank disagrees with
/// `mpi_local_rank` (see the rules above); nullopt when they agree or nothing is comparable.
std::optional<std::string> check_local_rank(int mpi_local_rank, const EnvLookup& env);

}  // namespace mpibatch::comm
