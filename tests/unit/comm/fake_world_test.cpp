// FakeWorld topology (local ranks by host), identity and the run result API.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "mpibatch/comm/fake_communicator.h"

namespace mpibatch::comm {
namespace {

struct Seen {
  int local_rank = -1;
  int local_size = -1;
  std::string host;
};

std::vector<Seen> topology(FakeWorld& world) {
  std::vector<Seen> seen(static_cast<std::size_t>(world.size()));
  world.run([&](Communicator& comm) {
    seen[comm.rank()] = {comm.local_rank(), comm.local_size(), comm.host()};
  });
  return seen;
}

TEST(FakeWorld, LocalRanksFollowHosts) {
  FakeWorld world({"nodeA", "nodeA", "nodeB"});
  const auto seen = topology(world);
  EXPECT_EQ(seen[0].local_rank, 0);
  EXPECT_EQ(seen[1].local_rank, 1);
  EXPECT_EQ(seen[2].local_rank, 0);
  EXPECT_EQ(seen[0].local_size, 2);
  EXPECT_EQ(seen[1].local_size, 2);
  EXPECT_EQ(seen[2].local_size, 1);
  EXPECT_EQ(seen[2].host, "nodeB");
}

TEST(FakeWorld, InterleavedHosts) {
  FakeWorld world({"a", "b", "a", "b", "a"});
  const auto seen = topology(world);
  const std::vector<int> local_ranks = {0, 0, 1, 1, 2};
  const std::vector<int> local_sizes = {3, 2, 3, 2, 3};
  for (std::size_t r = 0; r < seen.size(); ++r) {
    EXPECT_EQ(seen[r].local_rank, local_ranks[r]) << "rank " << r;
    EXPECT_EQ(seen[r].local_size, local_sizes[r]) << "rank " << r;
  }
}

TEST(FakeWorld, SizeConstructorPutsEveryRankOnOneNode) {
  FakeWorld world(3);
  EXPECT_EQ(world.size(), 3);
  const auto seen = topology(world);
  for (int r = 0; r < 3; ++r) {
    EXPECT_EQ(seen[r].local_rank, r);
    EXPECT_EQ(seen[r].local_size, 3);
    EXPECT_EQ(seen[r].host, "fake-node");
  }
}

TEST(FakeWorld, RejectsEmptyWorlds) {
  EXPECT_THROW(FakeWorld(0), std::invalid_argument);
  EXPECT_THROW(FakeWorld(std::vector<std::string>{}), std::invalid_argument);
}

TEST(FakeWorld, IdentityOfEachRank) {
  FakeWorld world(2);
  std::mutex mutex;
  std::vector<int> ranks;
  world.run([&](Communicator& comm) {
    EXPECT_EQ(comm.size(), 2);
    EXPECT_NE(comm.library_version().find("FakeWorld"), std::string::npos);
    std::lock_guard lock(mutex);
    ranks.push_back(comm.rank());
  });
  std::sort(ranks.begin(), ranks.end());
  EXPECT_EQ(ranks, (std::vector<int>{0, 1}));
}

TEST(FakeWorld, SuccessfulRunResult) {
  FakeWorld world(2);
  const auto result = world.run_collect([](Communicator& comm) { comm.barrier(); });
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.failed_rank, -1);
  EXPECT_TRUE(result.failure.empty());
  EXPECT_EQ(result.ranks.size(), 2u);
  EXPECT_NO_THROW(result.rethrow());
  EXPECT_NE(result.summary().find("rank 1: ok"), std::string::npos) << result.summary();
}

TEST(FakeWorld, SummaryNamesEveryRank) {
  FakeWorld world(2);
  const auto result = world.run_collect([](Communicator& comm) {
    if (comm.rank() == 1) throw std::runtime_error("broken input");
    comm.barrier();
  });
  const auto summary = result.summary();
  EXPECT_NE(summary.find("failed: broken input"), std::string::npos) << summary;
  EXPECT_NE(summary.find("rank 0: job aborted by rank 1"), std::string::npos) << summary;
  EXPECT_NE(summary.find("rank 1: broken input"), std::string::npos) << summary;
}

TEST(FakeWorld, ManyRunsInARow) {
  FakeWorld world(3);
  for (int run = 0; run < 50; ++run) {
    world.run([&](Communicator& comm) {
      comm.send((comm.rank() + 1) % comm.size(), 0, std::to_string(run));
      EXPECT_EQ(comm.receive(0).data, std::to_string(run));
      comm.barrier();
    });
  }
}

}  // namespace
}  // namespace mpibatch::comm
