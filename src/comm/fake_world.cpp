// FakeWorld: configuration, run() and its result (see fake_communicator.h).
#include <map>
#include <stdexcept>
#include <thread>
#include <utility>

#include "fake_world_state.h"
#include "mpibatch/comm/fake_communicator.h"

namespace mpibatch::comm {

namespace {

std::vector<std::string> same_host(int size) {
  if (size < 1) {
    throw std::invalid_argument("FakeWorld: size must be at least 1, got " + std::to_string(size));
  }
  return std::vector<std::string>(static_cast<std::size_t>(size), "fake-node");
}

}  // namespace

// --- FakeRunResult ---

bool FakeRunResult::ok() const {
  if (!failure.empty()) return false;
  for (const auto& rank : ranks) {
    if (!rank.ok()) return false;
  }
  return true;
}

std::optional<int> FakeRunResult::abort_code() const {
  if (failed_rank < 0) return std::nullopt;
  return ranks[static_cast<std::size_t>(failed_rank)].abort_code;
}

void FakeRunResult::rethrow() const {
  if (ok()) return;
  if (failed_rank >= 0) {
    const auto& outcome = ranks[static_cast<std::size_t>(failed_rank)];
    if (outcome.abort_code) throw FakeAborted(failed_rank, *outcome.abort_code);
    if (outcome.error) std::rethrow_exception(outcome.error);
  }
  if (!failure.empty()) throw CommError(failure);
  for (std::size_t r = 0; r < ranks.size(); ++r) {
    if (ranks[r].abort_code) throw FakeAborted(static_cast<int>(r), *ranks[r].abort_code);
    if (ranks[r].error) std::rethrow_exception(ranks[r].error);
  }
}

std::string FakeRunResult::summary() const {
  std::string text = ok() ? "ok" : "failed: " + failure;
  for (std::size_t r = 0; r < ranks.size(); ++r) {
    text += "\n  rank " + std::to_string(r) + ": " + (ranks[r].ok() ? "ok" : ranks[r].message);
  }
  if (unreceived_messages > 0) {
    text += "\n  " + std::to_string(unreceived_messages) + " message(s) never received";
  }
  return text;
}

FakeAborted::FakeAborted(int rank, int code)
    : CommError("rank " + std::to_string(rank) + " called abort(" + std::to_string(code) + ")"),
      rank_(rank),
      code_(code) {}

// --- FakeWorld ---

FakeWorld::FakeWorld(int size) : FakeWorld(same_host(size)) {}

FakeWorld::FakeWorld(std::vector<std::string> hosts)
    : state_(std::make_unique<detail::FakeWorldState>()) {
  if (hosts.empty()) throw std::invalid_argument("FakeWorld: at least one rank (host) needed");
  std::map<std::string, int> per_host;
  for (const auto& host : hosts) state_->local_ranks.push_back(per_host[host]++);
  for (const auto& host : hosts) state_->local_sizes.push_back(per_host[host]);
  state_->hosts = std::move(hosts);
  state_->reset();
}

FakeWorld::~FakeWorld() = default;

int FakeWorld::size() const { return state_->size(); }

void FakeWorld::fail_collective(int rank, int n) {
  if (rank < 0 || rank >= size() || n < 1) {
    throw std::invalid_argument("FakeWorld::fail_collective: bad rank " + std::to_string(rank) +
                                " or n " + std::to_string(n) + " (n counts from 1)");
  }
  state_->fail_collective_at[rank] = n;
}

void FakeWorld::fail_send(int rank, int n) {
  if (rank < 0 || rank >= size() || n < 1) {
    throw std::invalid_argument("FakeWorld::fail_send: bad rank " + std::to_string(rank) +
                                " or n " + std::to_string(n) + " (n counts from 1)");
  }
  state_->fail_send_at[rank] = n;
}

void FakeWorld::set_synchronous_sends(bool synchronous) { state_->synchronous_sends = synchronous; }
void FakeWorld::set_timeout(std::chrono::milliseconds timeout) { state_->timeout = timeout; }
std::chrono::milliseconds FakeWorld::timeout() const { return state_->timeout; }

void FakeWorld::run(const RankFunction& fn) { run_collect(fn).rethrow(); }

FakeRunResult FakeWorld::run_collect(const RankFunction& fn) {
  detail::FakeWorldState& world = *state_;
  world.reset();
  FakeRunResult result;
  result.ranks.resize(static_cast<std::size_t>(size()));

  auto rank_main = [&](int rank) {
    auto& outcome = result.ranks[static_cast<std::size_t>(rank)];
    detail::FakeCommunicator comm(world, rank);
    try {
      fn(comm);
    } catch (const detail::FakeAbortSignal& signal) {
      outcome.abort_code = signal.code;
      outcome.message = "abort(" + std::to_string(signal.code) + ")";
    } catch (const std::exception& e) {
      outcome.error = std::current_exception();
      outcome.message = e.what();
    } catch (...) {
      outcome.error = std::current_exception();
      outcome.message = "unknown exception";
    }
    std::lock_guard lock(world.mutex);
    if (outcome.error) world.fail_locked(rank, outcome.message);
    world.finish_locked(rank);
  };

  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(size()));
  for (int rank = 0; rank < size(); ++rank) threads.emplace_back(rank_main, rank);
  for (auto& thread : threads) thread.join();

  if (world.failed) {
    result.failed_rank = world.failed_rank;
    result.failure = world.failure;
  }
  for (const auto& mailbox : world.mailboxes) result.unreceived_messages += mailbox.size();
  return result;
}

}  // namespace mpibatch::comm
