// StreamLanes on a CPU device (plain threads; on CUDA each lane adds its own stream):
// concurrency, errors by lane, reuse; and the helpers the runner splits batches with.
#include "stream_lanes.h"

#include <c10/util/Exception.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "error_text.h"
#include "mpibatch/error.h"

namespace mpibatch::model::detail {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

TEST(StreamLanes, RunsEveryTaskAtOnceLaneZeroOnTheCallingThread) {
  StreamLanes lanes(std::nullopt, 3);
  std::mutex mutex;
  std::condition_variable all_arrived;
  int arrived = 0;
  std::vector<std::thread::id> threads(3);
  const auto errors = lanes.run(3, [&](std::size_t k) {
    std::unique_lock<std::mutex> lock(mutex);
    threads[k] = std::this_thread::get_id();
    ++arrived;
    all_arrived.notify_all();
    // Only possible if the three run at once; the deadline turns a bug into a failure.
    if (!all_arrived.wait_for(lock, std::chrono::seconds(20), [&] { return arrived == 3; })) {
      throw std::runtime_error("lane " + std::to_string(k) + " waited alone");
    }
  });
  for (const auto& error : errors) EXPECT_EQ(error, nullptr);
  EXPECT_EQ(threads[0], std::this_thread::get_id());
  EXPECT_NE(threads[1], threads[0]);
  EXPECT_NE(threads[2], threads[0]);
  EXPECT_NE(threads[2], threads[1]);
}

TEST(StreamLanes, ManyRoundsOfAnyWidthRunEachTaskExactlyOnce) {
  StreamLanes lanes(std::nullopt, 4);
  std::vector<std::atomic<int>> runs(4);
  int expected[4] = {0, 0, 0, 0};
  for (int round = 0; round < 500; ++round) {
    const std::size_t n = 1 + static_cast<std::size_t>(round % 4);
    for (std::size_t k = 0; k < n; ++k) ++expected[k];
    lanes.run(n, [&](std::size_t k) { ++runs[k]; });
  }
  for (std::size_t k = 0; k < 4; ++k) EXPECT_EQ(runs[k].load(), expected[k]) << "lane " << k;
}

TEST(StreamLanes, ErrorsComeBackByLaneAndTheLanesStayUsable) {
  StreamLanes lanes(std::nullopt, 3);
  const auto errors = lanes.run(3, [](std::size_t k) {
    if (k == 1) throw std::runtime_error("lane one");
  });
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0], nullptr);
  EXPECT_EQ(errors[2], nullptr);
  ASSERT_NE(errors[1], nullptr);
  EXPECT_THROW(std::rethrow_exception(errors[1]), std::runtime_error);
  for (const auto& error : lanes.run(2, [](std::size_t) {})) EXPECT_EQ(error, nullptr);
}

TEST(StreamLanes, RejectsNoTasksOrMoreTasksThanLanes) {
  EXPECT_THROW(StreamLanes(std::nullopt, 0), std::invalid_argument);
  StreamLanes lanes(std::nullopt, 2);
  EXPECT_THROW(lanes.run(0, [](std::size_t) {}), std::invalid_argument);
  EXPECT_THROW(lanes.run(3, [](std::size_t) {}), std::invalid_argument);
}

TEST(EvenPart, ContiguousPartsWhoseSizesDifferByAtMostOneLargerFirst) {
  EXPECT_THAT(even_part(10, 3, 0), Pair(0u, 4u));
  EXPECT_THAT(even_part(10, 3, 1), Pair(4u, 7u));
  EXPECT_THAT(even_part(10, 3, 2), Pair(7u, 10u));
  EXPECT_THAT(even_part(2, 3, 2), Pair(2u, 2u));
  for (std::size_t n = 0; n < 30; ++n) {
    for (std::size_t parts = 1; parts < 7; ++parts) {
      std::size_t next = 0;
      for (std::size_t k = 0; k < parts; ++k) {
        const auto [begin, end] = even_part(n, parts, k);
        EXPECT_EQ(begin, next);
        EXPECT_LE(end - begin, n / parts + 1);
        EXPECT_GE(end - begin, n / parts);
        next = end;
      }
      EXPECT_EQ(next, n);
    }
  }
}

TEST(IsOutOfMemory, TheC10TypeOrAMessageThatSaysSo) {
  auto thrown = [](auto&& raise) {
    try {
      raise();
    } catch (...) {
      return std::current_exception();
    }
    return std::exception_ptr();
  };
  EXPECT_TRUE(is_out_of_memory(
      thrown([] { TORCH_CHECK_WITH(OutOfMemoryError, false, "Tried to allocate 2 GiB"); })));
  EXPECT_TRUE(is_out_of_memory(
      thrown([] { throw std::runtime_error("RuntimeError: CUDA out of memory. Tried"); })));
  EXPECT_FALSE(is_out_of_memory(thrown([] { throw ModelError("token 7 is not allowed"); })));
  EXPECT_FALSE(is_out_of_memory(thrown([] { throw 42; })));
  EXPECT_FALSE(is_out_of_memory(std::exception_ptr()));
}

}  // namespace
}  // namespace mpibatch::model::detail
