// Failure paths of the fake: exceptions, abort, fault switches, deadlocks and timeouts must
// wake every blocked rank with a CommError; nothing may hang.
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

#include "mpibatch/comm/fake_communicator.h"

namespace mpibatch::comm {
namespace {

using namespace std::chrono_literals;

constexpr int kTag = 3;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(FakeFailures, ThrowingRankWakesRanksInCollectives) {
  FakeWorld world(3);
  const auto result = world.run_collect([](Communicator& comm) {
    if (comm.rank() == 1) throw std::runtime_error("model exploded");
    comm.barrier();
  });
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failed_rank, 1);
  EXPECT_EQ(result.failure, "model exploded");
  EXPECT_EQ(result.abort_code(), std::nullopt);
  for (int r : {0, 2}) {
    EXPECT_TRUE(contains(result.ranks[r].message, "job aborted by rank 1: model exploded"))
        << result.summary();
  }
  EXPECT_THROW(result.rethrow(), std::runtime_error);
}

TEST(FakeFailures, RunRethrowsTheRootCause) {
  FakeWorld world(2);
  try {
    world.run([](Communicator& comm) {
      if (comm.rank() == 0) throw std::logic_error("first");
      comm.receive(kTag);
    });
    FAIL() << "run() did not throw";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "first");
  }
}

TEST(FakeFailures, AbortWakesReceiversAndReportsTheCode) {
  FakeWorld world(3);
  const auto result = world.run_collect([](Communicator& comm) {
    if (comm.rank() == 2) comm.abort(3);
    comm.receive(kTag);
  });
  EXPECT_EQ(result.failed_rank, 2);
  EXPECT_EQ(result.abort_code(), 3);
  EXPECT_EQ(result.ranks[2].abort_code, 3);
  EXPECT_FALSE(result.ranks[2].error);
  EXPECT_TRUE(contains(result.ranks[0].message, "job aborted by rank 2: abort(3)"))
      << result.summary();

  try {
    world.run([](Communicator& comm) {
      if (comm.rank() == 2) comm.abort(4);
      comm.barrier();
    });
    FAIL() << "run() did not throw";
  } catch (const FakeAborted& e) {
    EXPECT_EQ(e.rank(), 2);
    EXPECT_EQ(e.code(), 4);
  }
}

TEST(FakeFailures, AbortCannotBeSwallowedByCatchingStdException) {
  FakeWorld world(1);
  bool after_abort = false;
  const auto result = world.run_collect([&](Communicator& comm) {
    try {
      comm.abort(2);
    } catch (const std::exception&) {
      // code under test catching errors must not catch the abort
    }
    after_abort = true;
  });
  EXPECT_FALSE(after_abort);
  EXPECT_EQ(result.abort_code(), 2);
}

TEST(FakeFailures, WokenRankThatAbortsKeepsTheFirstFailure) {
  // The pipeline's top level catches the CommError and aborts, as on a real job.
  FakeWorld world(2);
  const auto result = world.run_collect([](Communicator& comm) {
    if (comm.rank() == 0) throw std::runtime_error("disk full");
    try {
      comm.barrier();
    } catch (const CommError&) {
      comm.abort(3);
    }
  });
  EXPECT_EQ(result.failed_rank, 0);
  EXPECT_EQ(result.failure, "disk full");
  EXPECT_EQ(result.ranks[1].abort_code, 3);
  EXPECT_EQ(result.abort_code(), std::nullopt);
}

TEST(FakeFailures, CallsAfterAFailureThrow) {
  FakeWorld world(2);
  const auto result = world.run_collect([](Communicator& comm) {
    if (comm.rank() == 0) throw std::runtime_error("gone");
    EXPECT_THROW(comm.barrier(), CommError);
    EXPECT_THROW(comm.send(0, kTag, "x"), CommError);
    EXPECT_THROW(comm.try_receive(kTag), CommError);
  });
  EXPECT_EQ(result.failed_rank, 0);
  EXPECT_TRUE(result.ranks[1].ok()) << result.summary();
}

TEST(FakeFailures, FailCollectiveThrowsOnThatRankAndWakesTheOthers) {
  FakeWorld world(3);
  world.fail_collective(/*rank=*/2, /*n=*/2);
  const auto result = world.run_collect([](Communicator& comm) {
    comm.barrier();
    comm.all_gather("x");  // rank 2's second collective fails
    comm.barrier();
  });
  EXPECT_EQ(result.failed_rank, 2);
  EXPECT_TRUE(contains(result.failure, "all_gather failed on rank 2")) << result.summary();
  EXPECT_TRUE(contains(result.failure, "fail_collective")) << result.summary();
  EXPECT_TRUE(contains(result.ranks[0].message, "job aborted by rank 2")) << result.summary();
}

TEST(FakeFailures, FailCollectiveCanBeHandledByTheRank) {
  FakeWorld world(2);
  world.fail_collective(1, 1);
  const auto result = world.run_collect([](Communicator& comm) {
    try {
      comm.barrier();
    } catch (const CommError&) {
      comm.abort(5);
    }
  });
  EXPECT_EQ(result.failed_rank, 1);
  EXPECT_EQ(result.abort_code(), 5);
}

TEST(FakeFailures, FailSend) {
  FakeWorld world(2);
  world.fail_send(/*rank=*/1, /*n=*/3);
  const auto result = world.run_collect([](Communicator& comm) {
    if (comm.rank() == 1) {
      for (int i = 0; i < 5; ++i) comm.send(0, kTag, std::to_string(i));
    } else {
      for (int i = 0; i < 5; ++i) EXPECT_EQ(comm.receive(kTag).data, std::to_string(i));
    }
  });
  EXPECT_EQ(result.failed_rank, 1);
  EXPECT_TRUE(contains(result.failure, "send to rank 0 (tag 3) failed on rank 1"))
      << result.summary();
  EXPECT_TRUE(contains(result.ranks[0].message, "job aborted by rank 1")) << result.summary();
}

TEST(FakeFailures, SwitchesStayArmedAcrossRuns) {
  FakeWorld world(2);
  world.fail_send(0, 1);
  for (int run = 0; run < 2; ++run) {
    const auto result = world.run_collect([](Communicator& comm) { comm.send(0, kTag, "x"); });
    EXPECT_EQ(result.failed_rank, 0) << "run " << run;
  }
}

TEST(FakeFailures, BadSwitchArgumentsAreRejected) {
  FakeWorld world(2);
  EXPECT_THROW(world.fail_collective(2, 1), std::invalid_argument);
  EXPECT_THROW(world.fail_collective(0, 0), std::invalid_argument);
  EXPECT_THROW(world.fail_send(-1, 1), std::invalid_argument);
}

TEST(FakeFailures, RankThatSkipsACollectiveIsADeadlockNotAHang) {
  FakeWorld world(3);
  const auto start = std::chrono::steady_clock::now();
  const auto result = world.run_collect([](Communicator& comm) {
    if (comm.rank() == 1) return;
    comm.barrier();
  });
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(result.failed_rank, -1);
  EXPECT_TRUE(contains(result.failure, "deadlock")) << result.summary();
  EXPECT_TRUE(contains(result.failure, "rank 1 finished")) << result.summary();
  EXPECT_TRUE(contains(result.failure, "rank 0 waits in barrier")) << result.summary();
  EXPECT_THROW(result.rethrow(), CommError);
}

TEST(FakeFailures, ReceiveWithoutSenderIsADeadlock) {
  FakeWorld world(2);
  const auto result = world.run_collect([](Communicator& comm) { comm.receive(kTag); });
  EXPECT_TRUE(contains(result.failure, "deadlock")) << result.summary();
  EXPECT_TRUE(contains(result.failure, "receive(tag 3)")) << result.summary();
  EXPECT_FALSE(result.ranks[0].ok());
  EXPECT_FALSE(result.ranks[1].ok());
}

TEST(FakeFailures, MismatchedCollectivesFail) {
  FakeWorld world(2);
  const auto result = world.run_collect([](Communicator& comm) {
    if (comm.rank() == 0) {
      comm.barrier();
    } else {
      comm.gather("x", 0);
    }
  });
  EXPECT_TRUE(contains(result.failure, "mismatched collectives")) << result.summary();
  EXPECT_TRUE(contains(result.failure, "gather(root 0)")) << result.summary();
}

TEST(FakeFailures, DifferentRootsAreMismatched) {
  FakeWorld world(2);
  const auto result = world.run_collect([](Communicator& comm) {
    Bytes data = "x";
    comm.broadcast(data, comm.rank());
  });
  EXPECT_TRUE(contains(result.failure, "mismatched collectives")) << result.summary();
}

TEST(FakeFailures, WaitsTimeOutWhileAPeerIsBusy) {
  FakeWorld world(2);
  world.set_timeout(100ms);
  const auto result = world.run_collect([](Communicator& comm) {
    if (comm.rank() == 1) {
      std::this_thread::sleep_for(600ms);  // running, not blocked: no deadlock to detect
      return;
    }
    comm.receive(kTag);
  });
  EXPECT_EQ(result.failed_rank, 0);
  EXPECT_TRUE(contains(result.failure, "receive(tag 3) on rank 0 timed out")) << result.summary();
  EXPECT_TRUE(result.ranks[1].ok());
}

TEST(FakeFailures, DefaultTimeoutIsGenerous) {
  EXPECT_GE(FakeWorld(1).timeout(), std::chrono::seconds(60));
}

TEST(FakeFailures, WorldIsReusableAfterAFailure) {
  FakeWorld world(2);
  const auto failed = world.run_collect([](Communicator& comm) {
    if (comm.rank() == 0) throw std::runtime_error("x");
    comm.barrier();
  });
  ASSERT_FALSE(failed.ok());
  world.run([](Communicator& comm) {
    EXPECT_EQ(comm.try_receive(kTag), std::nullopt);
    EXPECT_EQ(comm.all_reduce_max(comm.rank()), 1);
  });
}

}  // namespace
}  // namespace mpibatch::comm
