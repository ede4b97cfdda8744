#include "fake_world_state.h"

#include <algorithm>

#include "mpibatch/error.h"

namespace mpibatch::comm::detail {

void FakeWorldState::reset() {
  const auto n = static_cast<std::size_t>(size());
  mailboxes.assign(n, {});
  unreceived.assign(n, 0);
  collectives_started.assign(n, 0);
  sends_started.assign(n, 0);
  collectives.clear();
  states.assign(n, FakeRankState::kRunning);
  ready.assign(n, nullptr);
  waiting_in.assign(n, {});
  failed = false;
  failed_rank = -1;
  failure.clear();
}

void FakeWorldState::fail_locked(int rank, const std::string& reason) {
  if (!failed) {
    failed = true;
    failed_rank = rank;
    failure = reason;
  }
  changed.notify_all();
}

void FakeWorldState::throw_if_failed_locked() const {
  if (!failed) return;
  if (failed_rank < 0) throw CommError(failure);
  throw CommError("job aborted by rank " + std::to_string(failed_rank) + ": " + failure);
}

std::string FakeWorldState::deadlock_locked() const {
  bool any_blocked = false;
  for (int r = 0; r < size(); ++r) {
    const auto state = states[static_cast<std::size_t>(r)];
    if (state == FakeRankState::kRunning) return {};
    if (state == FakeRankState::kBlocked) {
      if ((*ready[static_cast<std::size_t>(r)])()) return {};
      any_blocked = true;
    }
  }
  if (!any_blocked) return {};
  std::string where;
  for (int r = 0; r < size(); ++r) {
    const auto index = static_cast<std::size_t>(r);
    where += where.empty() ? "" : ", ";
    where += "rank " + std::to_string(r) +
             (states[index] == FakeRankState::kFinished ? " finished"
                                                        : " waits in " + waiting_in[index]);
  }
  return "deadlock in the fake world, no rank can proceed: " + where;
}

void FakeWorldState::wait_locked(std::unique_lock<std::mutex>& lock, int rank,
                                 const std::string& what, const std::function<bool()>& ready_fn) {
  const auto index = static_cast<std::size_t>(rank);
  states[index] = FakeRankState::kBlocked;
  ready[index] = &ready_fn;
  waiting_in[index] = what;
  struct Unblock {
    FakeWorldState& world;
    std::size_t index;
    ~Unblock() {
      world.states[index] = FakeRankState::kRunning;
      world.ready[index] = nullptr;
    }
  } unblock{*this, index};

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    throw_if_failed_locked();
    if (ready_fn()) return;
    if (const auto deadlock = deadlock_locked(); !deadlock.empty()) {
      fail_locked(-1, deadlock);
      throw CommError(deadlock);
    }
    if (changed.wait_until(lock, deadline) == std::cv_status::timeout && !failed && !ready_fn()) {
      const std::string reason = what + " on rank " + std::to_string(rank) + " timed out after " +
                                 std::to_string(timeout.count()) +
                                 " ms in the fake world (FakeWorld::set_timeout)";
      fail_locked(rank, reason);
      throw CommError(reason);
    }
  }
}

void FakeWorldState::finish_locked(int rank) {
  states[static_cast<std::size_t>(rank)] = FakeRankState::kFinished;
  if (const auto deadlock = deadlock_locked(); !deadlock.empty()) fail_locked(-1, deadlock);
  changed.notify_all();
}

}  // namespace mpibatch::comm::detail
