#include "mpibatch/comm/mpi_environment.h"

#include <spdlog/spdlog.h>

#include <exception>

#include "mpi_check.h"
#include "mpibatch/error.h"

namespace mpibatch::comm {

struct MpiEnvironment::Impl {
  bool owns_mpi = false;  ///< this object called MPI_Init_thread and must finalize
  int uncaught_at_start = 0;
  int rank = 0;
  int size = 1;
  ThreadLevel thread_level = ThreadLevel::kSingle;
};

namespace {

ThreadLevel to_thread_level(int provided) {
  if (provided == MPI_THREAD_MULTIPLE) return ThreadLevel::kMultiple;
  if (provided == MPI_THREAD_SERIALIZED) return ThreadLevel::kSerialized;
  if (provided == MPI_THREAD_FUNNELED) return ThreadLevel::kFunneled;
  return ThreadLevel::kSingle;
}

}  // namespace

MpiEnvironment::MpiEnvironment(int* argc, char*** argv) : impl_(std::make_unique<Impl>()) {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (finalized) {
    throw CommError(
        "MPI_Init_thread: MPI was already finalized in this process; create one "
        "MpiEnvironment per process and keep it alive until the end of main()");
  }
  int initialized = 0;
  MPI_Initialized(&initialized);
  int provided = MPI_THREAD_SINGLE;
  if (initialized) {
    MPI_Query_thread(&provided);
  } else {
    const int code = MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    if (code != MPI_SUCCESS) {
      throw CommError("MPI_Init_thread failed: " + detail::mpi_error_string(code) +
                      "; was the program started with mpirun/srun, and is the MPI runtime "
                      "installed on this node?");
    }
    impl_->owns_mpi = true;
  }
  impl_->uncaught_at_start = std::uncaught_exceptions();
  impl_->thread_level = to_thread_level(provided);
  detail::mpi_check(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN),
                    "MPI_Comm_set_errhandler", -1);
  detail::mpi_check(MPI_Comm_rank(MPI_COMM_WORLD, &impl_->rank), "MPI_Comm_rank", -1);
  detail::mpi_check(MPI_Comm_size(MPI_COMM_WORLD, &impl_->size), "MPI_Comm_size", impl_->rank);
  if (provided < MPI_THREAD_FUNNELED) {
    spdlog::warn(
        "rank {}: MPI granted thread level {} < MPI_THREAD_FUNNELED; compute threads "
        "must not exist while MPI runs",
        impl_->rank, provided);
  }
}

MpiEnvironment::~MpiEnvironment() {
  if (!impl_->owns_mpi || !active()) return;
  if (std::uncaught_exceptions() > impl_->uncaught_at_start) {
    // NOTE [abort on unwinding]: finalizing now would leave the other ranks blocked.
    spdlog::error(
        "rank {}: MPI environment destroyed by an exception; aborting the job so "
        "that the other ranks do not wait forever",
        impl_->rank);
    MPI_Abort(MPI_COMM_WORLD, static_cast<int>(ExitCode::kRuntimeFailure));
  }
  const int code = MPI_Finalize();
  if (code != MPI_SUCCESS) {
    spdlog::error("rank {}: MPI_Finalize failed: {}", impl_->rank, detail::mpi_error_string(code));
  }
}

int MpiEnvironment::world_rank() const { return impl_->rank; }
int MpiEnvironment::world_size() const { return impl_->size; }
ThreadLevel MpiEnvironment::thread_level() const { return impl_->thread_level; }

bool MpiEnvironment::active() {
  int initialized = 0;
  int finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  return initialized && !finalized;
}

}  // namespace mpibatch::comm
