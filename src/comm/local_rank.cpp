#include "mpibatch/comm/local_rank.h"

#include <cctype>
#include <cstdlib>
#include <string_view>
#include <utility>
#include <vector>

namespace mpibatch::comm {
namespace {

/// Variables that the MPI launcher itself sets for each rank it starts.
constexpr std::string_view kLauncherVariables[] = {"OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID",
                                                   "PMI_LOCAL_RANK"};
constexpr std::string_view kSlurmLocalId = "SLURM_LOCALID";
constexpr std::string_view kSlurmStepId = "SLURM_STEP_ID";

/// The value as a non-negative int (surrounding blanks allowed), or nullopt.
std::optional<int> parse_local_rank(const std::string& text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  if (begin == end || end - begin > 9) return std::nullopt;
  int value = 0;
  for (std::size_t i = begin; i < end; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

/// Appends a problem when `name` is set and does not equal `mpi_local_rank`.
void compare(int mpi_local_rank, const std::string& name, const std::string& value,
             std::vector<std::string>& problems) {
  const auto parsed = parse_local_rank(value);
  if (!parsed) {
    problems.push_back(name + "='" + value + "' is not a local rank");
  } else if (*parsed != mpi_local_rank) {
    problems.push_back(name + "=" + value);
  }
}

}  // namespace

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

EnvLookup fixed_environment(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](const std::string& name) -> std::optional<std::string> {
    const auto it = variables.find(name);
    if (it == variables.end()) return std::nullopt;
    return it->second;
  };
}

std::optional<std::string> check_local_rank(int mpi_local_rank, const EnvLookup& env) {
  std::vector<std::string> problems;
  bool launcher_set = false;
  for (const auto variable : kLauncherVariables) {
    const std::string name(variable);
    if (const auto value = env(name)) {
      launcher_set = true;
      compare(mpi_local_rank, name, *value, problems);
    }
  }
  // NOTE [local rank sources]: SLURM_LOCALID is this rank's index only when srun started the
  // rank itself; under mpirun/hydra in an allocation it is the same for every rank.
  if (!launcher_set && env(std::string(kSlurmStepId))) {
    if (const auto value = env(std::string(kSlurmLocalId))) {
      compare(mpi_local_rank, std::string(kSlurmLocalId), *value, problems);
    }
  }
  if (problems.empty()) return std::nullopt;

  std::string joined;
  for (const auto& problem : problems) joined += (joined.empty() ? "" : ", ") + problem;
  return "node-local rank mismatch: MPI_Comm_split_type gives local rank " +
         std::to_string(mpi_local_rank) + " but the launcher set " + joined +
         "; mpibatch uses MPI's value for device binding. Check how the job was launched "
         "(srun --mpi=..., mpirun inside srun, wrapper scripts that rewrite the environment).";
}

}  // namespace mpibatch::comm
