#include "signals.h"

#include <unistd.h>

#include <csignal>
#include <cstring>

#include "mpibatch/error.h"
#include "mpibatch/pipeline/interrupt.h"

namespace mpibatch::app {
namespace {

/// Async-signal-safe: write(2), _exit(2) and the sig_atomic_t flag only.
void say(const char* text) {
  const ssize_t ignored = write(STDERR_FILENO, text, std::strlen(text));
  (void)ignored;
}

extern "C" void on_signal(int signal) {
  if (pipeline::interrupt_signal() != 0) {
    say("mpibatch: second signal: exiting now (exit code 4); the result file is left as it "
        "was; run again with --resume\n");
    _exit(static_cast<int>(ExitCode::kInterrupted));
  }
  pipeline::request_interrupt(signal);
  say(signal == SIGTERM  ? "mpibatch: SIGTERM"
      : signal == SIGINT ? "mpibatch: SIGINT"
                         : "mpibatch: SIGUSR1");
  say(" received: no new work; finishing the batches in flight, then writing the result file "
      "(a second signal exits at once)\n");
}

}  // namespace

void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // MPI and file calls go on; the flag is read between batches
  for (int signal : {SIGTERM, SIGINT, SIGUSR1}) sigaction(signal, &action, nullptr);
}

}  // namespace mpibatch::app
