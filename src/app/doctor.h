#pragma once
/// \file `mpibatch doctor`, the pure part: one rank's facts (DoctorRow), the plain-language
/// diagnoses drawn from them, and the table and JSON rank 0 prints. No MPI, no torch: tests
/// feed hand-made rows (doctor_command.cpp gathers the real ones).

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mpibatch/device/device_context.h"
#include "mpibatch/device/thread_budget.h"

namespace mpibatch::app {

/// What one rank sees and would use.
struct DoctorRow {
  int rank = 0;
  std::string host;
  int local_rank = 0;
  int local_size = 1;
  std::string mpi_library;                         ///< "Open MPI v4.1.4"
  device::CudaReport cuda;                         ///< libtorch, CUDA, driver, visible GPUs
  std::map<std::string, std::string> environment;  ///< the variables that matter, when set
  std::string device;                              ///< what `run` would use: "cuda:0", "cpu"
  std::string device_reason;
  std::string device_error;           ///< set instead of device when the choice fails
  std::vector<std::string> warnings;  ///< binding and launcher warnings
  device::ThreadBudget threads;
};

/// The environment variables doctor reports (when set).
const std::vector<std::string>& doctor_variables();

struct Diagnosis {
  std::string level;  ///< "error" (work will not run as asked), "warning", "ok"
  std::string text;   ///< one line: what is wrong and what to do
};

/// The diagnoses for one rank, most severe first; one "ok" line when nothing is wrong.
std::vector<Diagnosis> diagnose(const DoctorRow& row);

nlohmann::json to_json(const DoctorRow& row);
DoctorRow row_from_json(const nlohmann::json& json);

/// Rank 0's report: versions, one table row per rank, then each rank's diagnoses.
std::string doctor_text(const std::vector<DoctorRow>& rows);
/// The same as JSON: {"ranks": [row + "diagnoses": [...]], ...}.
nlohmann::json doctor_json(const std::vector<DoctorRow>& rows);

}  // namespace mpibatch::app
