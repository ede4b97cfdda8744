/// \file apply_thread_budget / current_torch_threads: the thread budget applied to torch,
/// OpenMP and OpenBLAS in this process.

#include <ATen/Parallel.h>
#include <c10/util/Exception.h>
#include <dlfcn.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <mutex>
#include <string>

#include "mpibatch/device/thread_budget.h"

namespace mpibatch::device {
namespace {

using OpenblasSet = void (*)(int);
using OpenblasGet = int (*)();

/// OpenBLAS's setter when some loaded library exports it (Debian's libopenblas0-pthread
/// backs libblas.so.3, which libtorch links); null otherwise.
OpenblasSet openblas_setter() {
  return reinterpret_cast<OpenblasSet>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
}

OpenblasGet openblas_getter() {
  return reinterpret_cast<OpenblasGet>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
}

std::mutex& interop_mutex() {
  static std::mutex mutex;
  return mutex;
}

/// NOTE [inter-op once] at::set_num_interop_threads throws when called a second time or after
/// the inter-op pool has started. We try once per process; afterwards we only compare.
void set_interop_once(int wanted) {
  static bool attempted = false;
  std::lock_guard<std::mutex> lock(interop_mutex());
  if (!attempted) {
    attempted = true;
    try {
      at::set_num_interop_threads(wanted);
      return;
    } catch (const c10::Error& e) {
      spdlog::debug("at::set_num_interop_threads({}) refused: {}", wanted,
                    e.what_without_backtrace());
    }
  }
  const int current = at::get_num_interop_threads();
  if (current != wanted) {
    spdlog::warn(
        "inter-op threads stay at {} (asked {}): torch allows setting them only once, before "
        "inter-op work starts; apply the thread budget before loading the model",
        current, wanted);
  }
}

}  // namespace

void apply_thread_budget(const ThreadBudget& budget) {
  const int intra = budget.intra_op < 1 ? 1 : budget.intra_op;
  const int inter = budget.inter_op < 1 ? 1 : budget.inter_op;
  const std::string value = std::to_string(intra);
  for (const char* name : {"OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"}) {
    setenv(name, value.c_str(), 1);
  }
  at::set_num_threads(intra);  // also omp_set_num_threads / MKL when torch uses them
  set_interop_once(inter);
  if (const auto set_openblas = openblas_setter()) set_openblas(intra);
  const auto now = current_torch_threads();
  spdlog::debug("threads: intra-op {}, inter-op {}, OpenBLAS {} ({})", now.intra_op, now.inter_op,
                now.openblas, budget.reason);
}

TorchThreads current_torch_threads() {
  TorchThreads threads;
  threads.intra_op = at::get_num_threads();
  threads.inter_op = at::get_num_interop_threads();
  if (const auto get_openblas = openblas_getter()) threads.openblas = get_openblas();
  return threads;
}

}  // namespace mpibatch::device
