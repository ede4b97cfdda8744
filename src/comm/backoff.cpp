#include "mpibatch/comm/backoff.h"

#include <time.h>

#include <algorithm>
#include <thread>

namespace mpibatch::comm {

namespace {

constexpr std::chrono::microseconds kTransferSpinBase{1000};
constexpr std::chrono::microseconds kTransferSpinMax{2'000'000};
constexpr std::size_t kBytesPerSpinMicrosecond = 500;  // 2 ms per MB

}  // namespace

std::chrono::microseconds Backoff::thread_cpu_time() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return std::chrono::seconds(now.tv_sec) + std::chrono::duration_cast<std::chrono::microseconds>(
                                                std::chrono::nanoseconds(now.tv_nsec));
}

Backoff::Backoff(std::chrono::microseconds spin, std::chrono::microseconds max_delay)
    : spin_(spin), max_delay_(max_delay), delay_(std::min(kInitialDelay, max_delay)) {
  if (spin_ > std::chrono::microseconds::zero()) spin_end_ = thread_cpu_time() + spin_;
}

std::chrono::microseconds Backoff::next_delay() {
  if (spin_ > std::chrono::microseconds::zero() && thread_cpu_time() < spin_end_) {
    return std::chrono::microseconds::zero();
  }
  const auto delay = delay_;
  delay_ = std::min(delay_ * 2, max_delay_);
  return delay;
}

void Backoff::pause() {
  // Inside the spin window the caller polls again at once: yielding instead would hand the
  // core to other processes for a whole time slice and stall the transfer just as much.
  const auto delay = next_delay();
  if (delay > std::chrono::microseconds::zero()) std::this_thread::sleep_for(delay);
}

void Backoff::reset() {
  if (spin_ > std::chrono::microseconds::zero()) spin_end_ = thread_cpu_time() + spin_;
  delay_ = std::min(kInitialDelay, max_delay_);
}

std::chrono::microseconds transfer_spin(std::size_t bytes) {
  const auto proportional = std::chrono::microseconds(bytes / kBytesPerSpinMicrosecond);
  return std::min(kTransferSpinBase + proportional, kTransferSpinMax);
}

}  // namespace mpibatch::comm
