// FakeCommunicator: one fake rank's view of a FakeWorld (see fake_communicator.h).
#include <algorithm>
#include <cstring>
#include <utility>

#include "fake_world_state.h"
#include "mpibatch/error.h"

namespace mpibatch::comm::detail {

int FakeCommunicator::local_rank() const {
  return world_.local_ranks[static_cast<std::size_t>(rank_)];
}
int FakeCommunicator::local_size() const {
  return world_.local_sizes[static_cast<std::size_t>(rank_)];
}
const std::string& FakeCommunicator::host() const {
  return world_.hosts[static_cast<std::size_t>(rank_)];
}
std::string FakeCommunicator::library_version() const {
  return "mpibatch FakeWorld (" + std::to_string(size()) + " in-process ranks)";
}

void FakeCommunicator::check_root(int root, const std::string& op) const {
  if (root < 0 || root >= size()) {
    throw CommError(op + ": root " + std::to_string(root) + " is not a rank of " +
                    std::to_string(size()) + " (on rank " + std::to_string(rank_) + ")");
  }
}

void FakeCommunicator::check_tag(int tag, const std::string& op) const {
  if (tag < 0 || tag > kMaxTag) {
    throw CommError(op + ": tag " + std::to_string(tag) + " is not in [0, " +
                    std::to_string(kMaxTag) + "] (on rank " + std::to_string(rank_) + ")");
  }
}

void FakeCommunicator::collective(const std::string& op, std::vector<Bytes> input,
                                  const std::function<void(const Inputs&)>& extract) {
  std::unique_lock lock(world_.mutex);
  world_.throw_if_failed_locked();
  const auto index = static_cast<std::size_t>(rank_);
  const long number = ++world_.collectives_started[index];
  if (const auto it = world_.fail_collective_at.find(rank_);
      it != world_.fail_collective_at.end() && it->second == number) {
    throw CommError(op + " failed on rank " + std::to_string(rank_) +
                    ": injected failure (FakeWorld::fail_collective, collective #" +
                    std::to_string(number) + ")");
  }
  FakeCollective& slot = world_.collectives[number];
  if (slot.arrived == 0) {
    slot.op = op;
    slot.first_rank = rank_;
    slot.inputs.resize(static_cast<std::size_t>(size()));
  } else if (slot.op != op) {
    const std::string reason = "mismatched collectives: call #" + std::to_string(number) + " is " +
                               slot.op + " on rank " + std::to_string(slot.first_rank) + " but " +
                               op + " on rank " + std::to_string(rank_);
    world_.fail_locked(-1, reason);
    throw CommError(reason);
  }
  slot.inputs[index] = std::move(input);
  ++slot.arrived;
  world_.changed.notify_all();

  const std::function<bool()> everyone_arrived = [&] { return slot.arrived == size(); };
  world_.wait_locked(lock, rank_, op + " (collective #" + std::to_string(number) + ")",
                     everyone_arrived);
  extract(slot.inputs);
  if (++slot.departed == size()) world_.collectives.erase(number);
}

void FakeCommunicator::barrier() {
  collective("barrier", {}, [](const Inputs&) {});
}

void FakeCommunicator::broadcast(Bytes& data, int root) {
  const std::string op = "broadcast(root " + std::to_string(root) + ")";
  check_root(root, op);
  std::vector<Bytes> input;
  if (rank_ == root) input.push_back(data);
  collective(op, std::move(input), [&](const Inputs& inputs) {
    if (rank_ != root) data = inputs[static_cast<std::size_t>(root)].front();
  });
}

Bytes FakeCommunicator::scatter(const std::vector<Bytes>& parts, int root) {
  const std::string op = "scatter(root " + std::to_string(root) + ")";
  check_root(root, op);
  Bytes mine;
  std::size_t root_parts = 0;
  collective(op, rank_ == root ? parts : std::vector<Bytes>{}, [&](const Inputs& inputs) {
    const auto& from_root = inputs[static_cast<std::size_t>(root)];
    root_parts = from_root.size();
    if (root_parts == static_cast<std::size_t>(size())) {
      mine = from_root[static_cast<std::size_t>(rank_)];
    }
  });
  if (root_parts != static_cast<std::size_t>(size())) {
    throw CommError(op + ": the root passed " + std::to_string(root_parts) + " parts for " +
                    std::to_string(size()) + " ranks (on rank " + std::to_string(rank_) + ")");
  }
  return mine;
}

std::vector<Bytes> FakeCommunicator::gather(const Bytes& data, int root) {
  const std::string op = "gather(root " + std::to_string(root) + ")";
  check_root(root, op);
  std::vector<Bytes> parts;
  collective(op, {data}, [&](const Inputs& inputs) {
    if (rank_ != root) return;
    for (const auto& input : inputs) parts.push_back(input.front());
  });
  return parts;
}

std::vector<Bytes> FakeCommunicator::all_gather(const Bytes& data) {
  std::vector<Bytes> parts;
  collective("all_gather", {data}, [&](const Inputs& inputs) {
    for (const auto& input : inputs) parts.push_back(input.front());
  });
  return parts;
}

int FakeCommunicator::all_reduce_max(int value) {
  Bytes encoded(sizeof(int), '\0');
  std::memcpy(encoded.data(), &value, sizeof(int));
  int result = value;
  collective("all_reduce_max", {std::move(encoded)}, [&](const Inputs& inputs) {
    for (const auto& input : inputs) {
      int other = 0;
      std::memcpy(&other, input.front().data(), sizeof(int));
      result = std::max(result, other);
    }
  });
  return result;
}

template <typename T>
void FakeCommunicator::sum_in_rank_order(T* values, std::size_t count) {
  Bytes mine(count * sizeof(T), '\0');
  std::memcpy(mine.data(), values, mine.size());
  collective("all_reduce_sum", {std::move(mine)}, [&](const Inputs& inputs) {
    std::vector<T> sum(count, T{0});
    for (const auto& input : inputs) {
      if (input.front().size() != count * sizeof(T)) {
        throw CommError("all_reduce_sum: the ranks passed different counts (on rank " +
                        std::to_string(rank_) + ")");
      }
      std::vector<T> other(count);
      std::memcpy(other.data(), input.front().data(), input.front().size());
      for (std::size_t i = 0; i < count; ++i) sum[i] += other[i];
    }
    std::copy(sum.begin(), sum.end(), values);
  });
}

void FakeCommunicator::all_reduce_sum(float* values, std::size_t count) {
  sum_in_rank_order(values, count);
}

void FakeCommunicator::all_reduce_sum(double* values, std::size_t count) {
  sum_in_rank_order(values, count);
}

namespace {

/// The fake's sums complete when started: ranks are threads that all reach the same start.
class CompletedSum final : public PendingSum {
 public:
  bool test() override { return true; }
  void wait() override {}
};

}  // namespace

std::unique_ptr<PendingSum> FakeCommunicator::start_all_reduce_sum(float* values,
                                                                   std::size_t count) {
  sum_in_rank_order(values, count);
  return std::make_unique<CompletedSum>();
}

void FakeCommunicator::send(int dest, int tag, Bytes data) {
  const std::string op =
      "send to rank " + std::to_string(dest) + " (tag " + std::to_string(tag) + ")";
  std::lock_guard lock(world_.mutex);
  world_.throw_if_failed_locked();
  if (dest < 0 || dest >= size()) {
    throw CommError("send: destination " + std::to_string(dest) + " is not a rank of " +
                    std::to_string(size()) + " (on rank " + std::to_string(rank_) + ")");
  }
  check_tag(tag, "send");
  const auto index = static_cast<std::size_t>(rank_);
  const long number = ++world_.sends_started[index];
  if (const auto it = world_.fail_send_at.find(rank_);
      it != world_.fail_send_at.end() && it->second == number) {
    throw CommError(op + " failed on rank " + std::to_string(rank_) +
                    ": injected failure (FakeWorld::fail_send, send #" + std::to_string(number) +
                    ")");
  }
  world_.mailboxes[static_cast<std::size_t>(dest)].push_back(Message{rank_, tag, std::move(data)});
  ++world_.unreceived[index];
  world_.changed.notify_all();
}

long FakeCommunicator::find_locked(int tag) const {
  const auto& mailbox = world_.mailboxes[static_cast<std::size_t>(rank_)];
  const auto it = std::find_if(mailbox.begin(), mailbox.end(),
                               [tag](const Message& message) { return message.tag == tag; });
  return it == mailbox.end() ? -1 : static_cast<long>(it - mailbox.begin());
}

Message FakeCommunicator::take_locked(long index) {
  auto& mailbox = world_.mailboxes[static_cast<std::size_t>(rank_)];
  Message message = std::move(mailbox[static_cast<std::size_t>(index)]);
  mailbox.erase(mailbox.begin() + index);
  --world_.unreceived[static_cast<std::size_t>(message.source)];
  world_.changed.notify_all();
  return message;
}

std::optional<Message> FakeCommunicator::try_receive(int tag) {
  std::lock_guard lock(world_.mutex);
  world_.throw_if_failed_locked();
  check_tag(tag, "try_receive");
  const long index = find_locked(tag);
  if (index < 0) return std::nullopt;
  return take_locked(index);
}

Message FakeCommunicator::receive(int tag, std::chrono::microseconds /*spin*/) {
  std::unique_lock lock(world_.mutex);
  world_.throw_if_failed_locked();
  check_tag(tag, "receive");
  const std::function<bool()> arrived = [&] { return find_locked(tag) >= 0; };
  world_.wait_locked(lock, rank_, "receive(tag " + std::to_string(tag) + ")", arrived);
  return take_locked(find_locked(tag));
}

void FakeCommunicator::wait_sends() {
  std::unique_lock lock(world_.mutex);
  world_.throw_if_failed_locked();
  if (!world_.synchronous_sends) return;
  const auto index = static_cast<std::size_t>(rank_);
  const std::function<bool()> all_received = [&] { return world_.unreceived[index] == 0; };
  world_.wait_locked(lock, rank_, "wait_sends", all_received);
}

void FakeCommunicator::abort(int code) {
  {
    std::lock_guard lock(world_.mutex);
    world_.fail_locked(rank_, "abort(" + std::to_string(code) + ")");
  }
  throw FakeAbortSignal{code};
}

}  // namespace mpibatch::comm::detail
