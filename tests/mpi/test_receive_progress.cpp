// try_receive() must not wait for a message whose data is still in transit: rank 0 of a job
// polls between its own batches while workers compute, and must get back to work at once.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "mpi_world.h"

namespace mpibatch::testing {
namespace {

using Clock = std::chrono::steady_clock;

TEST(ReceiveProgress, TryReceiveReturnsAtOnceWhileALargeMessageIsStillArriving) {
  comm::Communicator& comm = mpi_world();
  constexpr int kTag = 77;
  const std::string payload(8 << 20, 'x');  // far beyond the eager limit
  comm.barrier();
  if (comm.rank() == 1) {
    comm.send(0, kTag, payload);
    // Busy without MPI calls, as a worker in a forward pass: the data cannot move meanwhile
    // unless shared-memory single copy is available.
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    comm.wait_sends();
  }
  if (comm.rank() == 0) {
    double longest_call = 0;
    std::optional<comm::Message> message;
    const auto start = Clock::now();
    while (!message && Clock::now() - start < std::chrono::seconds(30)) {
      const auto t0 = Clock::now();
      message = comm.try_receive(kTag);
      longest_call =
          std::max(longest_call, std::chrono::duration<double>(Clock::now() - t0).count());
      if (!message) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_TRUE(message.has_value());
    EXPECT_EQ(message->source, 1);
    EXPECT_EQ(message->data, payload);
    // A call that waited for the sender would last its 1.5 s; copying 8 MB on a loaded 2-core
    // machine has taken up to 0.35 s.
    EXPECT_LT(longest_call, 0.75) << "one try_receive() call waited for the sender";
  }
  comm.barrier();
}

TEST(ReceiveProgress, MessagesFromOneSenderStayInOrderAcrossSizes) {
  comm::Communicator& comm = mpi_world();
  constexpr int kTag = 78;
  comm.barrier();
  if (comm.rank() != 0) {
    comm.send(0, kTag, std::string(4 << 20, 'L'));  // large first, then small ones
    comm.send(0, kTag, "s1");
    comm.send(0, kTag, "s2");
    comm.wait_sends();
  } else {
    std::vector<std::vector<std::string>> seen(static_cast<std::size_t>(comm.size()));
    for (int i = 0; i < 3 * (comm.size() - 1); ++i) {
      comm::Message m = comm.receive(kTag);
      seen[static_cast<std::size_t>(m.source)].push_back(m.data.size() > 2 ? "L" : m.data);
    }
    for (int r = 1; r < comm.size(); ++r) {
      EXPECT_EQ(seen[static_cast<std::size_t>(r)], (std::vector<std::string>{"L", "s1", "s2"}));
    }
  }
  comm.barrier();
}

}  // namespace
}  // namespace mpibatch::testing
