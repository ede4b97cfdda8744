#include "run_command.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "agreement.h"
#include "logging.h"
#include "mpibatch/comm/mpi_communicator.h"
#include "mpibatch/comm/mpi_environment.h"
#include "mpibatch/timing/phase_timer.h"
#include "run_job.h"
#include "signals.h"

namespace mpibatch::app {

int run_command(const RunArgs& args) {
  timing::SteadyClock clock;
  timing::PhaseTimer timer(clock);  // from process start: MPI start-up counts as init
  const std::string start_time = timing::utc_timestamp();
  comm::MpiEnvironment environment;
  comm::MpiCommunicator comm(environment);
  setup_logging({comm.rank(), comm.size(), comm.host(), args.verbose});
  install_signal_handlers();
  try {
    RunJob job(comm, timer, args, start_time);
    return job.run();
  } catch (const JobFailed& e) {
    return static_cast<int>(e.exit_code());  // every rank knows; rank 0 has logged it
  } catch (const std::exception& e) {
    // One rank failed on its own: the others may be blocked waiting for it.
    const int code = static_cast<int>(exit_code_of(e));
    if (comm.size() == 1) {
      spdlog::error("{}", e.what());
      return code;
    }
    spdlog::error("{} (ending the job on all {} ranks, exit code {})", e.what(), comm.size(), code);
    spdlog::default_logger()->flush();
    comm.abort(code);
  }
}

}  // namespace mpibatch::app
