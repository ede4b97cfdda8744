#pragma once
/// \file MpiEnvironment: MPI_Init_thread / MPI_Finalize for the lifetime of one object.
///
/// Create exactly one, first thing in main(), and keep it alive until every MpiCommunicator is
/// gone. It asks for MPI_THREAD_FUNNELED: only the thread that created it calls MPI; compute
/// threads (libtorch pools) never do. It sets MPI_ERRORS_RETURN on MPI_COMM_WORLD so failed
/// MPI calls come back as CommError (operation, rank, MPI_Error_string) instead of killing the
/// process without context.
///
/// NOTE [abort on unwinding]: if the environment is destroyed while an exception propagates
/// (a rank failed and nobody called Communicator::abort), MPI_Finalize would block the other
/// ranks forever in their next collective. The destructor then calls
/// MPI_Abort(MPI_COMM_WORLD, 3) (ExitCode::kRuntimeFailure) instead. Catch errors inside the
/// environment's scope, log them, and call abort() with the exit code you want.
/// \code
///   int main(int argc, char** argv) {
///     comm::MpiEnvironment env(&argc, &argv);
///     comm::MpiCommunicator world(env);
///     try { return run(world); }
///     catch (const Error& e) { spdlog::error("{}", e.what());
///                              world.abort(static_cast<int>(exit_code_of(e))); }
///   }
/// \endcode
/// No header of mpibatch includes <mpi.h>; the MPI state lives behind a pimpl.

#include <memory>

namespace mpibatch::comm {

/// Thread support that MPI granted (MPI_THREAD_SINGLE ... MPI_THREAD_MULTIPLE).
enum class ThreadLevel : int { kSingle = 0, kFunneled, kSerialized, kMultiple };

class MpiEnvironment {
 public:
  /// Initializes MPI with MPI_THREAD_FUNNELED; `argc`/`argv` may be null. If MPI is already
  /// initialized (by an embedding program), uses it and leaves finalizing to its owner.
  /// Throws CommError when MPI was already finalized or cannot be initialized.
  MpiEnvironment(int* argc, char*** argv);
  MpiEnvironment() : MpiEnvironment(nullptr, nullptr) {}
  /// MPI_Finalize if this object initialized MPI; MPI_Abort during stack unwinding (see above).
  ~MpiEnvironment();
  MpiEnvironment(const MpiEnvironment&) = delete;
  MpiEnvironment& operator=(const MpiEnvironment&) = delete;

  /// Rank and size in MPI_COMM_WORLD.
  int world_rank() const;
  int world_size() const;
  /// The thread level granted; below kFunneled a warning was logged at construction.
  ThreadLevel thread_level() const;
  /// True between MPI_Init and MPI_Finalize (whoever called them).
  static bool active();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mpibatch::comm
