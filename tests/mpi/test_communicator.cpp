// MpiCommunicator under mpiexec -n 2 / -n 3. Every rank runs every test, so a test must reach
// the same collectives on every rank: use EXPECT_*, not ASSERT_*, before a collective.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "mpi_world.h"
#include "mpibatch/comm/local_rank.h"
#include "mpibatch/comm/mpi_communicator.h"
#include "mpibatch/comm/mpi_environment.h"
#include "mpibatch/error.h"

namespace mpibatch::comm {
namespace {

using namespace std::chrono_literals;
using testing::mpi_environment;
using testing::mpi_world;

constexpr std::size_t kRendezvous = 1 << 20;  // well above Open MPI's 64 KiB eager limit

Bytes pattern(std::size_t size, int seed) {
  Bytes bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 131 + seed * 7) & 0xff);
  return bytes;
}

/// CPU seconds used by the calling thread (not MPI's helper threads).
double thread_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

/// Runs `wait` and returns {wall seconds, thread CPU seconds} it took.
template <typename Fn>
std::pair<double, double> measure(Fn&& wait) {
  const double cpu_start = thread_cpu_seconds();
  const auto wall_start = std::chrono::steady_clock::now();
  wait();
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - wall_start;
  return {wall.count(), thread_cpu_seconds() - cpu_start};
}

// --- identity ---

TEST(MpiCommunicator, RankAndSize) {
  Communicator& comm = mpi_world();
  EXPECT_EQ(comm.size(), mpi_environment().world_size());
  EXPECT_EQ(comm.rank(), mpi_environment().world_rank());
  const auto ranks = comm.all_gather(std::to_string(comm.rank()));
  for (int r = 0; r < comm.size(); ++r) EXPECT_EQ(ranks[r], std::to_string(r));
  EXPECT_GE(mpi_environment().thread_level(), ThreadLevel::kFunneled);
  EXPECT_TRUE(MpiEnvironment::active());
}

TEST(MpiCommunicator, LocalRanksAreConsistentPerHost) {
  Communicator& comm = mpi_world();
  EXPECT_FALSE(comm.host().empty());
  EXPECT_GE(comm.local_rank(), 0);
  EXPECT_LT(comm.local_rank(), comm.local_size());
  const auto hosts = comm.all_gather(comm.host());
  const auto local =
      comm.all_gather(std::to_string(comm.local_rank()) + "/" + std::to_string(comm.local_size()));
  std::map<std::string, int> count;  // ranks per host, in rank order = local rank order
  for (int r = 0; r < comm.size(); ++r) {
    const int local_rank = count[hosts[r]]++;
    EXPECT_EQ(local[r].substr(0, local[r].find('/')), std::to_string(local_rank)) << "rank " << r;
  }
  for (int r = 0; r < comm.size(); ++r) {
    EXPECT_EQ(local[r].substr(local[r].find('/') + 1), std::to_string(count[hosts[r]]));
  }
}

TEST(MpiCommunicator, LocalRankMatchesTheLauncher) {
  Communicator& comm = mpi_world();
  if (const char* ompi = std::getenv("OMPI_COMM_WORLD_LOCAL_RANK")) {
    EXPECT_EQ(std::to_string(comm.local_rank()), ompi);
  }
  EXPECT_EQ(check_local_rank(comm.local_rank(), process_environment()), std::nullopt);
}

TEST(MpiCommunicator, LibraryVersionIsOneLine) {
  const auto version = mpi_world().library_version();
  EXPECT_FALSE(version.empty());
  EXPECT_EQ(version.find('\n'), std::string::npos) << version;
  EXPECT_NE(version.find("MPI"), std::string::npos) << version;
  if (mpi_world().rank() == 0) std::printf("[mpi_tests] library: %s\n", version.c_str());
}

// --- collectives ---

TEST(MpiCommunicator, Barrier) {
  for (int i = 0; i < 10; ++i) mpi_world().barrier();
}

TEST(MpiCommunicator, BroadcastFromEveryRoot) {
  Communicator& comm = mpi_world();
  for (int root = 0; root < comm.size(); ++root) {
    for (const std::size_t size : {std::size_t{0}, std::size_t{1}, kRendezvous + 3}) {
      Bytes data = comm.rank() == root ? pattern(size, root) : Bytes("stale");
      comm.broadcast(data, root);
      EXPECT_EQ(data, pattern(size, root)) << "root " << root << ", size " << size;
    }
  }
}

/// Payload sizes per (rank, root): empty, small and rendezvous-sized mixed.
std::size_t size_for(int rank, int root) {
  const int kind = (rank + root) % 3;
  return kind == 0 ? 0 : (kind == 1 ? kRendezvous + 5 : 17);
}

TEST(MpiCommunicator, ScatterFromEveryRoot) {
  Communicator& comm = mpi_world();
  for (int root = 0; root < comm.size(); ++root) {
    std::vector<Bytes> parts;
    if (comm.rank() == root) {
      for (int r = 0; r < comm.size(); ++r) parts.push_back(pattern(size_for(r, root), r));
    }
    EXPECT_EQ(comm.scatter(parts, root), pattern(size_for(comm.rank(), root), comm.rank()));
  }
}

TEST(MpiCommunicator, ScatterWithWrongPartCountThrowsOnEveryRank) {
  Communicator& comm = mpi_world();
  const std::vector<Bytes> too_few(static_cast<std::size_t>(comm.size() - 1), "x");
  EXPECT_THROW(comm.scatter(comm.rank() == 0 ? too_few : std::vector<Bytes>{}, 0), CommError);
  comm.barrier();
}

TEST(MpiCommunicator, GatherFromEveryRoot) {
  Communicator& comm = mpi_world();
  for (int root = 0; root < comm.size(); ++root) {
    const auto parts = comm.gather(pattern(size_for(comm.rank(), root), comm.rank()), root);
    if (comm.rank() != root) {
      EXPECT_TRUE(parts.empty());
      continue;
    }
    EXPECT_EQ(parts.size(), static_cast<std::size_t>(comm.size()));
    for (int r = 0; r < comm.size() && r < static_cast<int>(parts.size()); ++r) {
      EXPECT_EQ(parts[r], pattern(size_for(r, root), r)) << "root " << root << ", rank " << r;
    }
  }
}

TEST(MpiCommunicator, AllGather) {
  Communicator& comm = mpi_world();
  const auto parts = comm.all_gather(pattern(size_for(comm.rank(), 0), comm.rank()));
  EXPECT_EQ(parts.size(), static_cast<std::size_t>(comm.size()));
  for (int r = 0; r < comm.size() && r < static_cast<int>(parts.size()); ++r) {
    EXPECT_EQ(parts[r], pattern(size_for(r, 0), r)) << "rank " << r;
  }
  EXPECT_EQ(comm.all_gather(Bytes()), std::vector<Bytes>(static_cast<std::size_t>(comm.size())));
}

TEST(MpiCommunicator, AllReduceSumOfFloatsAndDoublesInPlace) {
  Communicator& comm = mpi_world();
  const int n = comm.size();
  std::vector<float> floats(100003);  // odd length, larger than one small message
  for (std::size_t i = 0; i < floats.size(); ++i) floats[i] = static_cast<float>(comm.rank() + i % 7);
  comm.all_reduce_sum(floats.data(), floats.size());
  for (std::size_t i = 0; i < floats.size(); i += 997) {
    EXPECT_EQ(floats[i], static_cast<float>(n * (n - 1) / 2 + n * static_cast<int>(i % 7)));
  }
  std::vector<double> doubles = {0.5 * comm.rank(), 1.0};
  comm.all_reduce_sum(doubles.data(), doubles.size());
  EXPECT_DOUBLE_EQ(doubles[0], 0.25 * n * (n - 1));
  EXPECT_DOUBLE_EQ(doubles[1], n);
  comm.all_reduce_sum(doubles.data(), 0);  // nothing to do, on every rank
}

TEST(MpiCommunicator, StartedSumsCompleteInStartOrderWithOtherWorkBetween) {
  Communicator& comm = mpi_world();
  const int n = comm.size();
  std::vector<float> big(300001, 1.0f + static_cast<float>(comm.rank()));
  std::vector<float> small = {static_cast<float>(comm.rank())};
  auto first = comm.start_all_reduce_sum(big.data(), big.size());
  auto second = comm.start_all_reduce_sum(small.data(), small.size());
  for (int poll = 0; poll < 100 && !first->test(); ++poll) {
  }
  second->wait();
  first->wait();
  EXPECT_TRUE(first->test());  // complete stays complete
  EXPECT_EQ(big.front(), static_cast<float>(n + n * (n - 1) / 2));
  EXPECT_EQ(big.back(), big.front());
  EXPECT_EQ(small[0], static_cast<float>(n * (n - 1) / 2));
}

TEST(MpiCommunicator, AllReduceMax) {
  Communicator& comm = mpi_world();
  EXPECT_EQ(comm.all_reduce_max(comm.rank()), comm.size() - 1);
  EXPECT_EQ(comm.all_reduce_max(-10 - comm.rank()), -10);
}

TEST(MpiCommunicator, BadRootThrowsOnEveryRank) {
  Communicator& comm = mpi_world();
  Bytes data = "x";
  EXPECT_THROW(comm.broadcast(data, comm.size()), CommError);
  EXPECT_THROW(comm.gather(data, -1), CommError);
  comm.barrier();
}

// --- chunking (NOTE [chunking]): tiny pieces exercise the paths used above INT_MAX ---

TEST(MpiCommunicator, ChunkedCollectives) {
  MpiCommunicatorOptions options;
  options.max_chunk_bytes = 1000;
  MpiCommunicator comm(mpi_environment(), options);
  const std::vector<std::size_t> sizes = {0, 999, 1000, 1001, 2999, 12345};
  for (const auto size : sizes) {
    Bytes data = comm.rank() == 0 ? pattern(size, 1) : Bytes();
    comm.broadcast(data, 0);
    EXPECT_EQ(data, pattern(size, 1)) << "broadcast " << size;
  }
  auto my_size = [&](int rank) {
    return sizes[static_cast<std::size_t>(rank) % sizes.size()] + rank;
  };
  const auto gathered = comm.gather(pattern(my_size(comm.rank()), comm.rank()), 0);
  const auto all = comm.all_gather(pattern(my_size(comm.rank()), comm.rank()));
  for (int r = 0; r < comm.size(); ++r) {
    if (comm.rank() == 0) {
      EXPECT_EQ(gathered.at(r), pattern(my_size(r), r)) << "gather " << r;
    }
    EXPECT_EQ(all.at(r), pattern(my_size(r), r)) << "all_gather " << r;
  }
  std::vector<Bytes> parts;
  for (int r = 0; comm.rank() == 0 && r < comm.size(); ++r) parts.push_back(pattern(3000 * r, r));
  EXPECT_EQ(comm.scatter(parts, 0), pattern(3000 * comm.rank(), comm.rank()));
}

TEST(MpiCommunicator, ChunkedMessagesKeepTheirOrderAndBoundaries) {
  constexpr int kTag = 41;
  MpiCommunicatorOptions options;
  options.max_chunk_bytes = 1000;
  MpiCommunicator comm(mpi_environment(), options);
  const std::vector<std::size_t> sizes = {0, 999, 1000, 1001, 5000, 2000, 1};
  for (int dest = 0; dest < comm.size(); ++dest) {
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      comm.send(dest, kTag, pattern(sizes[i], comm.rank() * 100 + static_cast<int>(i)));
    }
  }
  std::map<int, std::size_t> next;  // source -> index of the next expected message
  for (std::size_t n = 0; n < sizes.size() * static_cast<std::size_t>(comm.size()); ++n) {
    const Message message = comm.receive(kTag);
    const std::size_t i = next[message.source]++;
    EXPECT_EQ(message.data, pattern(sizes.at(i), message.source * 100 + static_cast<int>(i)))
        << "message " << i << " from rank " << message.source;
  }
  comm.wait_sends();
  EXPECT_EQ(comm.pending_sends(), 0u);
  comm.barrier();
}

// --- point to point ---

TEST(MpiCommunicator, RingOfLargeAndEmptyMessages) {
  constexpr int kTag = 11;
  MpiCommunicator& comm = mpi_world();
  const int next = (comm.rank() + 1) % comm.size();
  const int previous = (comm.rank() + comm.size() - 1) % comm.size();
  comm.send(next, kTag, pattern(kRendezvous, comm.rank()));
  comm.send(next, kTag, Bytes());
  comm.send(next, kTag, pattern(4 * kRendezvous + 1, comm.rank()));
  const Message large = comm.receive(kTag);
  EXPECT_EQ(large.source, previous);
  EXPECT_EQ(large.tag, kTag);
  EXPECT_EQ(large.data, pattern(kRendezvous, previous));
  EXPECT_EQ(comm.receive(kTag).data, Bytes());
  EXPECT_EQ(comm.receive(kTag).data, pattern(4 * kRendezvous + 1, previous));
  comm.wait_sends();
  EXPECT_EQ(comm.pending_sends(), 0u);
  comm.barrier();
}

TEST(MpiCommunicator, SendOrderPerSenderIsKept) {
  constexpr int kTag = 12;
  constexpr int kMessages = 300;
  MpiCommunicator& comm = mpi_world();
  for (int i = 0; i < kMessages; ++i) {
    // every 50th message is large, so eager and rendezvous messages interleave
    Bytes data = std::to_string(i) + (i % 50 == 0 ? Bytes(kRendezvous, 'x') : Bytes());
    comm.send(0, kTag, std::move(data));
  }
  if (comm.rank() == 0) {
    std::map<int, int> next;
    for (int n = 0; n < kMessages * comm.size(); ++n) {
      const Message message = comm.receive(kTag);
      const int i = next[message.source]++;
      EXPECT_EQ(message.data.substr(0, message.data.find('x')), std::to_string(i))
          << "from rank " << message.source;
    }
  }
  comm.wait_sends();
  comm.barrier();
}

TEST(MpiCommunicator, TryReceive) {
  constexpr int kTag = 13;
  MpiCommunicator& comm = mpi_world();
  EXPECT_EQ(comm.try_receive(kTag), std::nullopt);
  comm.barrier();
  comm.send(0, kTag, "ping from " + std::to_string(comm.rank()));
  if (comm.rank() == 0) {
    int received = 0;
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (received < comm.size() && std::chrono::steady_clock::now() < deadline) {
      if (const auto message = comm.try_receive(kTag)) {
        EXPECT_EQ(message->data, "ping from " + std::to_string(message->source));
        ++received;
      } else {
        std::this_thread::sleep_for(1ms);
      }
    }
    EXPECT_EQ(received, comm.size());
  }
  comm.wait_sends();
  comm.barrier();
}

TEST(MpiCommunicator, BadDestinationOrTagThrows) {
  MpiCommunicator& comm = mpi_world();
  EXPECT_THROW(comm.send(comm.size(), 1, "x"), CommError);
  EXPECT_THROW(comm.send(0, -1, "x"), CommError);
  EXPECT_THROW(comm.receive(kMaxTag + 1), CommError);
  EXPECT_EQ(comm.pending_sends(), 0u);
}

TEST(MpiCommunicator, WaitSendsCompletesARendezvousSendToALateReceiver) {
  constexpr int kTag = 14;
  MpiCommunicator& comm = mpi_world();
  if (comm.rank() == 0) {
    comm.send(1, kTag, pattern(4 * kRendezvous, 0));
    comm.wait_sends();
    EXPECT_EQ(comm.pending_sends(), 0u);
  } else if (comm.rank() == 1) {
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(comm.receive(kTag).data, pattern(4 * kRendezvous, 0));
  }
  comm.barrier();
}

// --- waiting without spinning ---

constexpr auto kLate = 1s;
constexpr double kMaxBusyFraction = 0.2;

TEST(MpiCommunicator, ReceiveWaitsWithoutSpinning) {
  constexpr int kTag = 21;
  MpiCommunicator& comm = mpi_world();
  const int late = comm.size() - 1;
  comm.barrier();
  if (comm.rank() == late) {
    std::this_thread::sleep_for(kLate);
    for (int r = 0; r < comm.size(); ++r) {
      if (r != late) comm.send(r, kTag, "finally");
    }
    comm.wait_sends();
  } else {
    const auto [wall, cpu] = measure([&] { EXPECT_EQ(comm.receive(kTag).data, "finally"); });
    EXPECT_GT(wall, 0.8);
    EXPECT_LT(cpu, kMaxBusyFraction * wall)
        << "receive used " << cpu << " s CPU in " << wall << " s";
    if (comm.rank() == 0)
      std::printf("[mpi_tests] receive waited %.2f s using %.3f s CPU\n", wall, cpu);
  }
  comm.barrier();
}

TEST(MpiCommunicator, CollectivesWaitWithoutSpinning) {
  MpiCommunicator& comm = mpi_world();
  const int late = comm.size() - 1;
  comm.barrier();
  const auto [wall, cpu] = measure([&] {
    if (comm.rank() == late) std::this_thread::sleep_for(kLate);
    comm.barrier();
    if (comm.rank() == late) std::this_thread::sleep_for(kLate);
    comm.gather(pattern(kRendezvous, comm.rank()), 0);
  });
  if (comm.rank() != late) {
    EXPECT_GT(wall, 1.6);
    EXPECT_LT(cpu, kMaxBusyFraction * wall)
        << "collectives used " << cpu << " s CPU in " << wall << " s";
    if (comm.rank() == 0) {
      std::printf("[mpi_tests] collectives waited %.2f s using %.3f s CPU\n", wall, cpu);
    }
  }
  comm.barrier();
}

}  // namespace
}  // namespace mpibatch::comm
