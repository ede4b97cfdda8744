#include "mpibatch/pipeline/interrupt.h"

#include <csignal>

namespace mpibatch::pipeline {
namespace {

volatile std::sig_atomic_t g_signal = 0;

}  // namespace

int interrupt_signal() { return g_signal; }

void request_interrupt(int signal) {
  if (g_signal == 0) g_signal = signal;
}

void clear_interrupt() { g_signal = 0; }

std::string signal_name(int signal) {
  switch (signal) {
    case SIGTERM:
      return "SIGTERM";
    case SIGINT:
      return "SIGINT";
    case SIGUSR1:
      return "SIGUSR1";
    case SIGUSR2:
      return "SIGUSR2";
    default:
      return "signal " + std::to_string(signal);
  }
}

std::string interrupted_reason(int signal, int rank) {
  return "not run: the job was interrupted by " + signal_name(signal) + " on rank " +
         std::to_string(rank) + "; run it again with --resume";
}

}  // namespace mpibatch::pipeline
