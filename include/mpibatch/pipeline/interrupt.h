#pragma once
/// \file Interruption by a signal: SIGTERM, SIGINT or SIGUSR1 (a Slurm time-limit warning).
///
/// The handlers (app/signals.cpp) only record the signal; the pipeline and the trainer read it
/// between batches and steps, stop handing out work, finish what is in flight and write the
/// result file with the items not run recorded as skipped; the run exits with
/// ExitCode::kInterrupted and `--resume` completes it (docs/operations.md).

#include <string>

namespace mpibatch::pipeline {

/// The first signal that interrupted this process, or 0. Async-signal-safe to set.
int interrupt_signal();
/// Records `signal` unless one is recorded already; safe to call from a signal handler.
void request_interrupt(int signal);
/// Forgets the recorded signal (tests).
void clear_interrupt();
/// "SIGTERM", "SIGUSR1", ... ("signal N" for others).
std::string signal_name(int signal);
/// The error recorded for items not run: "not run: the job was interrupted by SIGTERM on
/// rank 2; run it again with --resume".
std::string interrupted_reason(int signal, int rank);

}  // namespace mpibatch::pipeline
