#pragma once
/// \file Backoff: the sleep schedule of every polling loop in comm (no core spun at 100%).
///
/// Ranks share cores with compute threads (intra-op pools, data loaders), so a rank that waits
/// for a slow peer must not busy-poll. Waiting loops test for completion, then pause(): it
/// sleeps 50 us at first, doubling up to 5 ms, so a short wait costs little latency and a long
/// one ~200 cheap polls per second.
///
/// NOTE [transfer spin]: without single-copy shared memory (btl_vader_single_copy_mechanism=
/// none, common in containers) or over TCP, a large message moves only while both sender and
/// receiver are inside MPI calls; sleeping 5 ms between polls throttles it to a few MB/s.
/// So a wait for data that is on its way (a matched receive, this rank's own pending sends)
/// uses Backoff(transfer_spin(bytes), kTransferMaxDelay): a spin window in which pause()
/// returns at once, measured in the waiting thread's CPU time (it survives being descheduled
/// on a busy node) and sized to the copy, then sleeps capped at kTransferMaxDelay. A peer that
/// computes meanwhile costs at most the window, then a few percent of a core.
/// \code
///   Backoff backoff;   // or Backoff(transfer_spin(bytes), Backoff::kTransferMaxDelay)
///   while (!request_done()) backoff.pause();
/// \endcode
/// Not thread-safe; one Backoff per waiting loop.

#include <chrono>
#include <cstddef>

namespace mpibatch::comm {

class Backoff {
 public:
  static constexpr std::chrono::microseconds kInitialDelay{50};
  static constexpr std::chrono::microseconds kMaxDelay{5000};
  /// Longest sleep while data this rank sends or receives is in flight.
  static constexpr std::chrono::microseconds kTransferMaxDelay{200};

  /// pause() returns at once until the calling thread has used `spin` of CPU time since
  /// construction (or reset()); later sleeps double up to `max_delay`.
  explicit Backoff(std::chrono::microseconds spin = std::chrono::microseconds::zero(),
                   std::chrono::microseconds max_delay = kMaxDelay);

  /// The delay to sleep now: zero inside the spin window, then kInitialDelay doubling on each
  /// call up to the maximum delay.
  std::chrono::microseconds next_delay();
  /// Sleeps for next_delay() (not at all inside the spin window).
  void pause();
  /// Starts again: spin window (if any), then kInitialDelay.
  void reset();

 private:
  /// CPU time used by the calling thread so far (CLOCK_THREAD_CPUTIME_ID).
  static std::chrono::microseconds thread_cpu_time();

  std::chrono::microseconds spin_;
  std::chrono::microseconds max_delay_;
  std::chrono::microseconds spin_end_{};
  std::chrono::microseconds delay_;
};

/// Spin window (CPU time) for a transfer of `bytes` that is under way: 1 ms plus 2 ms per MB
/// (a slow shared-memory copy rate), at most 2 s.
std::chrono::microseconds transfer_spin(std::size_t bytes);

}  // namespace mpibatch::comm
