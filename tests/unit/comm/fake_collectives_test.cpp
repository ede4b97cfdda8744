// Every collective of the fake with 1, 2 and 3 ranks, empty and large payloads.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

#include "mpibatch/comm/fake_communicator.h"

namespace mpibatch::comm {
namespace {

constexpr std::size_t kLarge = 3 * 1024 * 1024 + 17;

/// `size` bytes that differ per seed and include every byte value (NUL too).
Bytes pattern(std::size_t size, int seed) {
  Bytes bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 131 + seed * 7) & 0xff);
  return bytes;
}

/// A payload per rank: empty, small and large sizes mixed.
std::size_t size_for(int rank) { return rank % 3 == 0 ? 0 : (rank % 3 == 1 ? kLarge : 5); }

class FakeCollectives : public ::testing::TestWithParam<int> {
 protected:
  int ranks() const { return GetParam(); }
};

TEST_P(FakeCollectives, BarrierWaitsForEveryRank) {
  FakeWorld world(ranks());
  std::atomic<int> arrived{0};
  world.run([&](Communicator& comm) {
    ++arrived;
    comm.barrier();
    EXPECT_EQ(arrived.load(), comm.size());
    comm.barrier();
  });
}

TEST_P(FakeCollectives, BroadcastFromEveryRoot) {
  FakeWorld world(ranks());
  world.run([&](Communicator& comm) {
    for (int root = 0; root < comm.size(); ++root) {
      for (const std::size_t size : {std::size_t{0}, std::size_t{1}, kLarge}) {
        Bytes data = comm.rank() == root ? pattern(size, root) : Bytes("stale junk");
        comm.broadcast(data, root);
        EXPECT_EQ(data, pattern(size, root)) << "root " << root << ", size " << size;
      }
    }
  });
}

TEST_P(FakeCollectives, ScatterFromEveryRoot) {
  FakeWorld world(ranks());
  world.run([&](Communicator& comm) {
    for (int root = 0; root < comm.size(); ++root) {
      std::vector<Bytes> parts;
      if (comm.rank() == root) {
        for (int r = 0; r < comm.size(); ++r) parts.push_back(pattern(size_for(r + root), r));
      }
      const Bytes mine = comm.scatter(parts, root);
      EXPECT_EQ(mine, pattern(size_for(comm.rank() + root), comm.rank())) << "root " << root;
    }
  });
}

TEST_P(FakeCollectives, ScatterWithWrongPartCountThrowsOnEveryRank) {
  FakeWorld world(ranks());
  std::atomic<int> thrown{0};
  world.run([&](Communicator& comm) {
    const std::vector<Bytes> parts(static_cast<std::size_t>(comm.size() + 1), "x");
    try {
      comm.scatter(comm.rank() == 0 ? parts : std::vector<Bytes>{}, 0);
    } catch (const CommError& e) {
      EXPECT_NE(std::string(e.what()).find("passed " + std::to_string(comm.size() + 1) + " parts"),
                std::string::npos)
          << e.what();
      ++thrown;
    }
    comm.barrier();  // still in lock step afterwards
  });
  EXPECT_EQ(thrown.load(), ranks());
}

TEST_P(FakeCollectives, GatherInRankOrderOnRootOnly) {
  FakeWorld world(ranks());
  world.run([&](Communicator& comm) {
    for (int root = 0; root < comm.size(); ++root) {
      const auto parts = comm.gather(pattern(size_for(comm.rank()), comm.rank()), root);
      if (comm.rank() != root) {
        EXPECT_TRUE(parts.empty());
        continue;
      }
      ASSERT_EQ(parts.size(), static_cast<std::size_t>(comm.size()));
      for (int r = 0; r < comm.size(); ++r) EXPECT_EQ(parts[r], pattern(size_for(r), r));
    }
  });
}

TEST_P(FakeCollectives, GatherOfEmptyPayloads) {
  FakeWorld world(ranks());
  world.run([&](Communicator& comm) {
    const auto parts = comm.gather(Bytes(), 0);
    if (comm.rank() == 0) {
      EXPECT_EQ(parts, std::vector<Bytes>(comm.size()));
    }
  });
}

TEST_P(FakeCollectives, AllGatherEverywhere) {
  FakeWorld world(ranks());
  world.run([&](Communicator& comm) {
    const auto parts = comm.all_gather(pattern(size_for(comm.rank()), comm.rank()));
    ASSERT_EQ(parts.size(), static_cast<std::size_t>(comm.size()));
    for (int r = 0; r < comm.size(); ++r) EXPECT_EQ(parts[r], pattern(size_for(r), r));
    EXPECT_EQ(comm.all_gather(Bytes()), std::vector<Bytes>(comm.size()));
  });
}

TEST_P(FakeCollectives, AllReduceMax) {
  FakeWorld world(ranks());
  world.run([&](Communicator& comm) {
    EXPECT_EQ(comm.all_reduce_max(comm.rank()), comm.size() - 1);
    EXPECT_EQ(comm.all_reduce_max(-100 - comm.rank()), -100);
    EXPECT_EQ(comm.all_reduce_max(comm.rank() == 0 ? 7 : 0), 7);
  });
}

TEST_P(FakeCollectives, AllReduceSumInPlace) {
  FakeWorld world(ranks());
  world.run([&](Communicator& comm) {
    const int n = comm.size();
    std::vector<float> floats = {1.0f * comm.rank(), 2.0f};
    comm.all_reduce_sum(floats.data(), floats.size());
    EXPECT_EQ(floats, (std::vector<float>{n * (n - 1) / 2.0f, 2.0f * n}));
    double one = 0.5;
    comm.all_reduce_sum(&one, 1);
    EXPECT_DOUBLE_EQ(one, 0.5 * n);
  });
}

TEST_P(FakeCollectives, BadRootThrowsOnEveryRankWithoutBreakingLockStep) {
  FakeWorld world(ranks());
  world.run([&](Communicator& comm) {
    Bytes data = "x";
    EXPECT_THROW(comm.broadcast(data, comm.size()), CommError);
    EXPECT_THROW(comm.gather(data, -1), CommError);
    EXPECT_THROW(comm.scatter({}, comm.size()), CommError);
    EXPECT_EQ(comm.all_reduce_max(comm.rank()), comm.size() - 1);
  });
}

TEST_P(FakeCollectives, ManyMixedCollectivesStayInStep) {
  FakeWorld world(ranks());
  world.run([&](Communicator& comm) {
    for (int i = 0; i < 200; ++i) {
      Bytes token = comm.rank() == i % comm.size() ? std::to_string(i) : "";
      comm.broadcast(token, i % comm.size());
      EXPECT_EQ(token, std::to_string(i));
      EXPECT_EQ(comm.all_reduce_max(i + comm.rank()), i + comm.size() - 1);
    }
  });
}

std::string ranks_name(const ::testing::TestParamInfo<int>& param_info) {
  return std::to_string(param_info.param) + "ranks";
}

INSTANTIATE_TEST_SUITE_P(Ranks, FakeCollectives, ::testing::Values(1, 2, 3), ranks_name);

}  // namespace
}  // namespace mpibatch::comm
