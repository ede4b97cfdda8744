// Point-to-point on the fake: ordering, tags, try_receive, sizes, synchronous sends.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "mpibatch/comm/fake_communicator.h"

namespace mpibatch::comm {
namespace {

constexpr int kTagWork = 1;
constexpr int kTagResult = 2;

Bytes pattern(std::size_t size, int seed) {
  Bytes bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 131 + seed * 7) & 0xff);
  return bytes;
}

TEST(FakePointToPoint, OrderPerSenderIsKept) {
  constexpr int kMessages = 200;
  FakeWorld world(3);
  world.run([&](Communicator& comm) {
    for (int i = 0; i < kMessages; ++i) comm.send(0, kTagWork, std::to_string(i));
    if (comm.rank() != 0) return;
    std::map<int, int> next;  // source -> expected sequence number
    for (int i = 0; i < kMessages * comm.size(); ++i) {
      const Message message = comm.receive(kTagWork);
      EXPECT_EQ(message.tag, kTagWork);
      EXPECT_EQ(message.data, std::to_string(next[message.source]++));
    }
    for (int r = 0; r < comm.size(); ++r) EXPECT_EQ(next[r], kMessages);
  });
}

TEST(FakePointToPoint, ReceiveMatchesTagOnly) {
  FakeWorld world(2);
  world.run([&](Communicator& comm) {
    if (comm.rank() == 1) {
      comm.send(0, kTagWork, "work");
      comm.send(0, kTagResult, "result");
    } else {
      EXPECT_EQ(comm.receive(kTagResult).data, "result");
      const Message work = comm.receive(kTagWork);
      EXPECT_EQ(work.data, "work");
      EXPECT_EQ(work.source, 1);
    }
  });
}

TEST(FakePointToPoint, TryReceive) {
  FakeWorld world(2);
  world.run([&](Communicator& comm) {
    EXPECT_EQ(comm.try_receive(kTagWork), std::nullopt);
    comm.barrier();
    if (comm.rank() == 1) comm.send(0, kTagWork, "hello");
    comm.barrier();  // the fake delivers at once
    if (comm.rank() == 0) {
      EXPECT_EQ(comm.try_receive(kTagResult), std::nullopt);
      const auto message = comm.try_receive(kTagWork);
      ASSERT_TRUE(message);
      EXPECT_EQ(message->source, 1);
      EXPECT_EQ(message->data, "hello");
      EXPECT_EQ(comm.try_receive(kTagWork), std::nullopt);
    }
  });
}

TEST(FakePointToPoint, EmptyAndLargeMessagesAndSelfSend) {
  FakeWorld world(2);
  world.run([&](Communicator& comm) {
    const int peer = 1 - comm.rank();
    comm.send(peer, kTagWork, Bytes());
    comm.send(peer, kTagWork, pattern(8 << 20, comm.rank()));
    comm.send(comm.rank(), kTagResult, "to myself");
    EXPECT_EQ(comm.receive(kTagWork).data, Bytes());
    EXPECT_EQ(comm.receive(kTagWork).data, pattern(8 << 20, peer));
    const Message self = comm.receive(kTagResult);
    EXPECT_EQ(self.source, comm.rank());
    EXPECT_EQ(self.data, "to myself");
    comm.wait_sends();
  });
}

TEST(FakePointToPoint, BadDestinationOrTagThrows) {
  FakeWorld world(2);
  world.run([&](Communicator& comm) {
    EXPECT_THROW(comm.send(2, kTagWork, "x"), CommError);
    EXPECT_THROW(comm.send(-1, kTagWork, "x"), CommError);
    EXPECT_THROW(comm.send(0, -1, "x"), CommError);
    EXPECT_THROW(comm.send(0, kMaxTag + 1, "x"), CommError);
    EXPECT_THROW(comm.try_receive(-5), CommError);
    EXPECT_THROW(comm.receive(kMaxTag + 1), CommError);
    comm.send(comm.rank(), kMaxTag, "max tag");
    EXPECT_EQ(comm.receive(kMaxTag).data, "max tag");
  });
}

TEST(FakePointToPoint, EagerWaitSendsReturnsBeforeReceipt) {
  FakeWorld world(2);
  world.run([&](Communicator& comm) {
    comm.send(1 - comm.rank(), kTagWork, "x");
    comm.wait_sends();  // both ranks wait before receiving: fine when sends are eager
    EXPECT_EQ(comm.receive(kTagWork).data, "x");
  });
}

TEST(FakePointToPoint, SynchronousSendsCompleteOnReceipt) {
  FakeWorld world(2);
  world.set_synchronous_sends(true);
  world.run([&](Communicator& comm) {
    if (comm.rank() == 0) {
      comm.send(1, kTagWork, "x");
      comm.wait_sends();  // returns once rank 1 received
      comm.send(1, kTagResult, "after");
    } else {
      EXPECT_EQ(comm.receive(kTagWork).data, "x");
      EXPECT_EQ(comm.receive(kTagResult).data, "after");
    }
  });
}

TEST(FakePointToPoint, SynchronousSendsExposeCodeThatReliesOnBuffering) {
  FakeWorld world(2);
  world.set_synchronous_sends(true);
  const auto result = world.run_collect([&](Communicator& comm) {
    comm.send(1 - comm.rank(), kTagWork, "x");
    comm.wait_sends();  // MPI would hang here for large messages
    comm.receive(kTagWork);
  });
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.failure.find("deadlock"), std::string::npos) << result.summary();
  EXPECT_NE(result.failure.find("wait_sends"), std::string::npos) << result.summary();
}

TEST(FakePointToPoint, UnreceivedMessagesAreCounted) {
  FakeWorld world(3);
  const auto result = world.run_collect([](Communicator& comm) {
    if (comm.rank() > 0) comm.send(0, kTagWork, "never read");
  });
  EXPECT_TRUE(result.ok()) << result.summary();
  EXPECT_EQ(result.unreceived_messages, 2u);
}

}  // namespace
}  // namespace mpibatch::comm
