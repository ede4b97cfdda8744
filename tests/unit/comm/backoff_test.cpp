#include "mpibatch/comm/backoff.h"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>

namespace mpibatch::comm {
namespace {

using std::chrono::microseconds;

/// Burns CPU time of the calling thread for about `duration`.
void burn_cpu(microseconds duration) {
  timespec start{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start);
  for (;;) {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    const auto used = microseconds((now.tv_sec - start.tv_sec) * 1'000'000 +
                                   (now.tv_nsec - start.tv_nsec) / 1000);
    if (used >= duration) return;
  }
}

TEST(Backoff, DoublesFromInitialUpToMax) {
  Backoff backoff;
  EXPECT_EQ(backoff.next_delay(), microseconds(50));
  EXPECT_EQ(backoff.next_delay(), microseconds(100));
  EXPECT_EQ(backoff.next_delay(), microseconds(200));
  for (int i = 0; i < 20; ++i) backoff.next_delay();
  EXPECT_EQ(backoff.next_delay(), Backoff::kMaxDelay);
  EXPECT_EQ(backoff.next_delay(), Backoff::kMaxDelay);
}

TEST(Backoff, ResetStartsAgain) {
  Backoff backoff;
  for (int i = 0; i < 5; ++i) backoff.next_delay();
  backoff.reset();
  EXPECT_EQ(backoff.next_delay(), Backoff::kInitialDelay);
}

TEST(Backoff, PauseSleepsAtLeastTheDelay) {
  Backoff backoff;
  const auto start = std::chrono::steady_clock::now();
  backoff.pause();
  backoff.pause();
  EXPECT_GE(std::chrono::steady_clock::now() - start, microseconds(150));
}

TEST(Backoff, TransferWaitsSleepLess) {
  Backoff backoff(microseconds::zero(), Backoff::kTransferMaxDelay);
  for (int i = 0; i < 20; ++i) backoff.next_delay();
  EXPECT_EQ(backoff.next_delay(), Backoff::kTransferMaxDelay);
  Backoff tiny(microseconds::zero(), microseconds(10));
  EXPECT_EQ(tiny.next_delay(), microseconds(10));
}

TEST(Backoff, SpinWindowIsCpuTime) {
  Backoff backoff(microseconds(20'000));
  EXPECT_EQ(backoff.next_delay(), microseconds::zero());
  burn_cpu(microseconds(5'000));
  EXPECT_EQ(backoff.next_delay(), microseconds::zero());
  // Sleeping uses no CPU, so it does not use up the window.
  const auto wall_start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - wall_start < std::chrono::milliseconds(30)) {
    timespec nap{0, 1'000'000};
    nanosleep(&nap, nullptr);
  }
  EXPECT_EQ(backoff.next_delay(), microseconds::zero());
  burn_cpu(microseconds(20'000));
  EXPECT_EQ(backoff.next_delay(), Backoff::kInitialDelay);
  backoff.reset();
  EXPECT_EQ(backoff.next_delay(), microseconds::zero());
}

TEST(Backoff, TransferSpinGrowsWithSizeAndIsCapped) {
  EXPECT_EQ(transfer_spin(0), microseconds(1000));
  EXPECT_EQ(transfer_spin(1'000'000), microseconds(3000));
  EXPECT_LT(transfer_spin(1'000), transfer_spin(100'000'000));
  EXPECT_EQ(transfer_spin(std::size_t{1} << 40), microseconds(2'000'000));
}

}  // namespace
}  // namespace mpibatch::comm
