// MpiCommunicator's collectives.
//
// NOTE [sync then move]: every collective starts with a small nonblocking collective that
// completes only once every rank has joined (MPI_Ibarrier, MPI_Iallgather or MPI_Iallreduce of
// the payload sizes), polled without spinning (detail::mpi_wait). Waiting for a slow rank
// happens there. The payload then moves with the blocking MPI calls (MPI_Bcast, MPI_Gatherv,
// ...), which run at full speed because every rank is inside them; polling a large
// nonblocking transfer with sleeps would throttle it to a few MB/s. Variable-size payloads
// move in rounds that fit MPI's int counts (NOTE [chunking] in mpi_communicator.h).
//
// The sums (all_reduce_sum, start_all_reduce_sum) are the exception: training calls them
// every step with all ranks in lockstep, so the payload moves in one MPI_Iallreduce whose wait
// spins for a transfer-sized window first (NOTE [transfer spin] in backoff.h). With sleeps a
// 1 ms training step spent half its time in the all-reduce (docs/benchmarks.md).
#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

#include "mpi_check.h"
#include "mpi_communicator_impl.h"
#include "mpibatch/error.h"

namespace mpibatch::comm {

using detail::mpi_check;
using detail::mpi_wait;

namespace {

/// Splits per-rank payload sizes into rounds of MPI v-collectives: every count fits an int and
/// every round's total fits `max_chunk`, so displacements fit an int too. Payloads that fit
/// together move in one round. Every rank computes the same rounds from the same sizes.
class Rounds {
 public:
  Rounds(std::vector<std::int64_t> sizes, std::size_t max_chunk)
      : sizes_(std::move(sizes)),
        offsets_(sizes_.size(), 0),
        counts_(sizes_.size(), 0),
        displs_(sizes_.size(), 0) {
    std::int64_t total = 0;
    for (const auto size : sizes_) total += size;
    const auto limit = static_cast<std::int64_t>(max_chunk);
    const auto ranks = static_cast<std::int64_t>(sizes_.size());
    cap_ = total <= limit ? limit : std::max<std::int64_t>(1, limit / ranks);
  }

  /// Advances past the previous round; false when every byte has moved.
  bool next() {
    total_ = 0;
    for (std::size_t r = 0; r < sizes_.size(); ++r) {
      offsets_[r] += counts_[r];
      counts_[r] = static_cast<int>(std::min(sizes_[r] - offsets_[r], cap_));
      displs_[r] = static_cast<int>(total_);
      total_ += counts_[r];
    }
    return total_ > 0;
  }

  /// Where rank r's piece of this round starts within its payload.
  std::size_t offset(int r) const { return static_cast<std::size_t>(offsets_[r]); }
  const std::vector<int>& counts() const { return counts_; }
  const std::vector<int>& displs() const { return displs_; }
  std::size_t total() const { return static_cast<std::size_t>(total_); }

 private:
  std::vector<std::int64_t> sizes_;
  std::vector<std::int64_t> offsets_;
  std::vector<int> counts_;
  std::vector<int> displs_;
  std::int64_t cap_ = 1;
  std::int64_t total_ = 0;
};

/// Every rank's payload size (MPI_Iallgather).
std::vector<std::int64_t> all_sizes(MPI_Comm comm, int rank, int size, std::size_t mine,
                                    const std::string& op, detail::WaitPolicy policy) {
  const auto my_size = static_cast<std::int64_t>(mine);
  std::vector<std::int64_t> sizes(static_cast<std::size_t>(size));
  MPI_Request request = MPI_REQUEST_NULL;
  mpi_check(MPI_Iallgather(&my_size, 1, MPI_INT64_T, sizes.data(), 1, MPI_INT64_T, comm, &request),
            op + ": MPI_Iallgather(sizes)", rank);
  mpi_wait(request, op, rank, policy);
  return sizes;
}

/// Element-wise sum of `values` over all ranks (MPI_Iallreduce), polled without spinning. With
/// zeros on all ranks but one, it hands that rank's values to everyone, and it completes only
/// once every rank has joined.
std::vector<std::int64_t> all_sum(MPI_Comm comm, int rank, std::vector<std::int64_t> values,
                                  const std::string& op, detail::WaitPolicy policy) {
  std::vector<std::int64_t> sums(values.size(), 0);
  MPI_Request request = MPI_REQUEST_NULL;
  mpi_check(MPI_Iallreduce(values.data(), sums.data(), static_cast<int>(values.size()), MPI_INT64_T,
                           MPI_SUM, comm, &request),
            op + ": MPI_Iallreduce(sizes)", rank);
  mpi_wait(request, op, rank, policy);
  return sums;
}

}  // namespace

void MpiCommunicator::barrier() {
  Impl& s = *impl_;
  s.reap_sends();
  MPI_Request request = MPI_REQUEST_NULL;
  mpi_check(MPI_Ibarrier(s.comm, &request), "barrier: MPI_Ibarrier", s.rank);
  mpi_wait(request, "barrier", s.rank, s.arrival_policy());
}

void MpiCommunicator::broadcast(Bytes& data, int root) {
  Impl& s = *impl_;
  s.reap_sends();
  s.check_root(root, "broadcast");
  const std::string op = "broadcast(root " + std::to_string(root) + ")";
  const auto length =
      all_sum(s.comm, s.rank, {s.rank == root ? static_cast<std::int64_t>(data.size()) : 0}, op,
              s.arrival_policy())
          .front();
  if (s.rank != root) data.assign(static_cast<std::size_t>(length), '\0');
  for (std::size_t offset = 0; offset < data.size(); offset += s.max_chunk) {
    const auto count = static_cast<int>(std::min(data.size() - offset, s.max_chunk));
    mpi_check(MPI_Bcast(data.data() + offset, count, MPI_BYTE, root, s.comm), op + ": MPI_Bcast",
              s.rank);
  }
}

Bytes MpiCommunicator::scatter(const std::vector<Bytes>& parts, int root) {
  Impl& s = *impl_;
  s.reap_sends();
  s.check_root(root, "scatter");
  const std::string op = "scatter(root " + std::to_string(root) + ")";
  const auto ranks = static_cast<std::size_t>(s.size);

  // The root hands every part's size to all ranks; a wrong part count travels as
  // sizes[0] = -(count + 1), so that every rank throws the same CommError.
  std::vector<std::int64_t> root_sizes(ranks, 0);
  if (s.rank == root) {
    if (parts.size() == ranks) {
      for (std::size_t r = 0; r < ranks; ++r) {
        root_sizes[r] = static_cast<std::int64_t>(parts[r].size());
      }
    } else {
      root_sizes[0] = -static_cast<std::int64_t>(parts.size()) - 1;
    }
  }
  const auto sizes = all_sum(s.comm, s.rank, std::move(root_sizes), op, s.arrival_policy());
  if (sizes[0] < 0) {
    throw CommError(op + ": the root passed " + std::to_string(-sizes[0] - 1) + " parts for " +
                    std::to_string(s.size) + " ranks (on rank " + std::to_string(s.rank) + ")");
  }

  Bytes mine(static_cast<std::size_t>(sizes[static_cast<std::size_t>(s.rank)]), '\0');
  Rounds rounds(sizes, s.max_chunk);
  Bytes send_buffer;
  while (rounds.next()) {
    const auto& counts = rounds.counts();
    if (s.rank == root) {
      send_buffer.resize(rounds.total());
      for (int r = 0; r < s.size; ++r) {
        std::copy_n(parts[static_cast<std::size_t>(r)].data() + rounds.offset(r), counts[r],
                    send_buffer.data() + rounds.displs()[r]);
      }
    }
    mpi_check(
        MPI_Scatterv(send_buffer.data(), counts.data(), rounds.displs().data(), MPI_BYTE,
                     mine.data() + rounds.offset(s.rank), counts[s.rank], MPI_BYTE, root, s.comm),
        op + ": MPI_Scatterv", s.rank);
  }
  return mine;
}

std::vector<Bytes> MpiCommunicator::gather(const Bytes& data, int root) {
  Impl& s = *impl_;
  s.reap_sends();
  s.check_root(root, "gather");
  const std::string op = "gather(root " + std::to_string(root) + ")";
  const auto sizes = all_sizes(s.comm, s.rank, s.size, data.size(), op, s.arrival_policy());

  std::vector<Bytes> parts;
  if (s.rank == root) {
    parts.resize(static_cast<std::size_t>(s.size));
    for (std::size_t r = 0; r < parts.size(); ++r) {
      parts[r].reserve(static_cast<std::size_t>(sizes[r]));
    }
  }
  Rounds rounds(sizes, s.max_chunk);
  Bytes buffer;
  while (rounds.next()) {
    const auto& counts = rounds.counts();
    if (s.rank == root) buffer.resize(rounds.total());
    mpi_check(
        MPI_Gatherv(data.data() + rounds.offset(s.rank), counts[s.rank], MPI_BYTE, buffer.data(),
                    counts.data(), rounds.displs().data(), MPI_BYTE, root, s.comm),
        op + ": MPI_Gatherv", s.rank);
    if (s.rank == root) {
      for (int r = 0; r < s.size; ++r) {
        parts[static_cast<std::size_t>(r)].append(buffer, rounds.displs()[r], counts[r]);
      }
    }
  }
  return parts;
}

std::vector<Bytes> MpiCommunicator::all_gather(const Bytes& data) {
  Impl& s = *impl_;
  s.reap_sends();
  const std::string op = "all_gather";
  const auto sizes = all_sizes(s.comm, s.rank, s.size, data.size(), op, s.arrival_policy());

  std::vector<Bytes> parts(static_cast<std::size_t>(s.size));
  for (std::size_t r = 0; r < parts.size(); ++r)
    parts[r].reserve(static_cast<std::size_t>(sizes[r]));
  Rounds rounds(sizes, s.max_chunk);
  Bytes buffer;
  while (rounds.next()) {
    const auto& counts = rounds.counts();
    buffer.resize(rounds.total());
    mpi_check(
        MPI_Allgatherv(data.data() + rounds.offset(s.rank), counts[s.rank], MPI_BYTE, buffer.data(),
                       counts.data(), rounds.displs().data(), MPI_BYTE, s.comm),
        op + ": MPI_Allgatherv", s.rank);
    for (int r = 0; r < s.size; ++r) {
      parts[static_cast<std::size_t>(r)].append(buffer, rounds.displs()[r], counts[r]);
    }
  }
  return parts;
}

namespace {

/// In-place MPI_SUM over `count` values, in pieces of at most INT_MAX.
template <typename T>
void sum_in_pieces(T* values, std::size_t count, MPI_Datatype type, MPI_Comm comm, int rank,
                   detail::WaitPolicy policy) {
  constexpr std::size_t kPiece = static_cast<std::size_t>(std::numeric_limits<int>::max());
  for (std::size_t begin = 0; begin < count; begin += kPiece) {
    const int n = static_cast<int>(std::min(kPiece, count - begin));
    MPI_Request request = MPI_REQUEST_NULL;
    mpi_check(MPI_Iallreduce(MPI_IN_PLACE, values + begin, n, type, MPI_SUM, comm, &request),
              "all_reduce_sum: MPI_Iallreduce", rank);
    mpi_wait(request, "all_reduce_sum", rank, policy);
  }
}

}  // namespace

namespace {

class MpiPendingSum final : public PendingSum {
 public:
  MpiPendingSum(MPI_Request request, int rank, std::size_t bytes)
      : request_(request), rank_(rank), bytes_(bytes) {}

  bool test() override {
    if (request_ == MPI_REQUEST_NULL) return true;
    int complete = 0;
    mpi_check(MPI_Test(&request_, &complete, MPI_STATUS_IGNORE), "all_reduce_sum: MPI_Test",
              rank_);
    return complete != 0;
  }

  void wait() override {
    if (request_ == MPI_REQUEST_NULL) return;
    mpi_wait(request_, "all_reduce_sum", rank_, detail::transfer_policy(bytes_));
  }

 private:
  MPI_Request request_;
  int rank_;
  std::size_t bytes_;
};

}  // namespace

std::unique_ptr<PendingSum> MpiCommunicator::start_all_reduce_sum(float* values,
                                                                  std::size_t count) {
  Impl& s = *impl_;
  s.reap_sends();
  if (count > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw CommError("start_all_reduce_sum: " + std::to_string(count) +
                    " values exceed MPI's int count (on rank " + std::to_string(s.rank) + ")");
  }
  MPI_Request request = MPI_REQUEST_NULL;
  mpi_check(MPI_Iallreduce(MPI_IN_PLACE, values, static_cast<int>(count), MPI_FLOAT, MPI_SUM,
                           s.comm, &request),
            "all_reduce_sum: MPI_Iallreduce", s.rank);
  return std::make_unique<MpiPendingSum>(request, s.rank, count * sizeof(float));
}

void MpiCommunicator::all_reduce_sum(float* values, std::size_t count) {
  Impl& s = *impl_;
  s.reap_sends();
  sum_in_pieces(values, count, MPI_FLOAT, s.comm, s.rank,
                detail::transfer_policy(count * sizeof(float)));
}

void MpiCommunicator::all_reduce_sum(double* values, std::size_t count) {
  Impl& s = *impl_;
  s.reap_sends();
  sum_in_pieces(values, count, MPI_DOUBLE, s.comm, s.rank,
                detail::transfer_policy(count * sizeof(double)));
}

int MpiCommunicator::all_reduce_max(int value) {
  Impl& s = *impl_;
  s.reap_sends();
  int result = value;
  MPI_Request request = MPI_REQUEST_NULL;
  mpi_check(MPI_Iallreduce(&value, &result, 1, MPI_INT, MPI_MAX, s.comm, &request),
            "all_reduce_max: MPI_Iallreduce", s.rank);
  mpi_wait(request, "all_reduce_max", s.rank, s.arrival_policy());
  return result;
}

}  // namespace mpibatch::comm
