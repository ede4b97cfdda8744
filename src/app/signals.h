#pragma once
/// \file The run command's signal handling (NOTE [interruption] in pipeline/pipeline.cpp).

namespace mpibatch::app {

/// SIGTERM, SIGINT and SIGUSR1 (the usual Slurm time-limit warning) record an interruption
/// (pipeline/interrupt.h) and print one line; the job then stops within about one batch and
/// exits with code 4. A second one exits at once with code 4: the result file, written only
/// by an atomic rename, is then left as it was. Install after MPI is up, so that these
/// handlers are the ones in place.
void install_signal_handlers();

}  // namespace mpibatch::app
