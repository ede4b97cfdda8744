#include "doctor_command.h"

#include <cstdlib>
#include <iostream>

#include "doctor.h"
#include "logging.h"
#include "mpibatch/comm/local_rank.h"
#include "mpibatch/comm/mpi_communicator.h"
#include "mpibatch/comm/mpi_environment.h"
#include "mpibatch/error.h"
#include "rank_picture.h"

namespace mpibatch::app {
namespace {

/// This rank's row: its probe, its environment, and the choices `run` would make.
DoctorRow this_rank(comm::Communicator& comm, const DoctorArgs& args) {
  const RankPicture picture = gather_rank_picture(comm, true);
  DoctorRow row;
  row.rank = comm.rank();
  row.host = comm.host();
  row.local_rank = comm.local_rank();
  row.local_size = comm.local_size();
  row.mpi_library = comm.library_version();
  row.cuda = picture.cuda;
  for (const std::string& name : doctor_variables()) {
    if (const char* value = std::getenv(name.c_str())) row.environment[name] = value;
  }
  try {
    const auto choice = device::choose_device(
        device_request(picture, args.device, args.on_missing_gpu, args.gpu_select), picture.cuda);
    row.device = choice.device;
    row.device_reason = choice.reason;
    if (choice.warning) row.warnings.push_back(*choice.warning);
    if (choice.fell_back) row.warnings.push_back(choice.reason);
  } catch (const std::exception& e) {
    row.device_error = e.what();
  }
  if (auto warning = comm::check_local_rank(comm.local_rank(), comm::process_environment())) {
    row.warnings.push_back(*warning);
  }
  row.threads =
      device::plan_threads(thread_request(picture, args.device, args.threads_per_rank, 1));
  return row;
}

}  // namespace

int doctor_command(const DoctorArgs& args) {
  comm::MpiEnvironment environment;
  comm::MpiCommunicator comm(environment);
  setup_logging({comm.rank(), comm.size(), comm.host(), false});
  const DoctorRow mine = this_rank(comm, args);
  const auto rows = comm.gather(to_json(mine).dump(), 0);
  int errors = 0;
  for (const Diagnosis& d : diagnose(mine)) errors += d.level == "error" ? 1 : 0;
  const int code =
      comm.all_reduce_max(errors > 0 ? static_cast<int>(ExitCode::kRuntimeFailure) : 0);
  if (comm.rank() == 0) {
    std::vector<DoctorRow> all;
    for (const comm::Bytes& bytes : rows)
      all.push_back(row_from_json(nlohmann::json::parse(bytes)));
    if (args.json) {
      std::cout << doctor_json(all).dump(2) << "\n";
    } else {
      std::cout << doctor_text(all);
    }
  }
  return code;
}

}  // namespace mpibatch::app
