#pragma once
/// \file MpiCommunicator's private state, shared by mpi_communicator.cpp (set-up and
/// point-to-point) and mpi_collectives.cpp.

#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mpi_check.h"
#include "mpibatch/comm/mpi_communicator.h"

namespace mpibatch::comm {

struct MpiCommunicator::Impl {
  /// A send in flight: the bytes stay here (a std::list node never moves) until every
  /// piece's request completed.
  struct PendingSend {
    Bytes data;
    int dest = -1;
    int tag = -1;
    std::vector<MPI_Request> requests;
  };

  /// A receive posted for a probed message and not complete yet (NOTE [receives in flight]).
  struct PendingReceive {
    Message message;  ///< source, tag, and the buffer being filled
    MPI_Request request = MPI_REQUEST_NULL;
  };

  MPI_Comm comm = MPI_COMM_NULL;  ///< duplicate of MPI_COMM_WORLD
  int rank = 0;
  int size = 1;
  int local_rank = 0;
  int local_size = 1;
  std::string host;
  std::string library_version;
  std::size_t max_chunk = kMaxChunkBytes;
  std::list<PendingSend> pending;
  std::list<PendingReceive> incoming;  ///< in posting order

  /// How to wait for peers to arrive (sleeps stay short while sends are in flight).
  detail::WaitPolicy arrival_policy() const { return detail::arrival_policy(!pending.empty()); }
  /// Throws CommError unless `root` is a rank.
  void check_root(int root, std::string_view op) const;
  /// Throws CommError unless `tag` is in [0, kMaxTag].
  void check_tag(int tag, std::string_view op) const;
  /// Forgets sends that completed; throws CommError for a failed one.
  void reap_sends();
  /// Receives the message whose first piece `status` describes, and its further pieces.
  Message receive_probed(const MPI_Status& status);
  /// A message with `tag` whose receive has completed, first posted first, never one from a
  /// source with an earlier message still arriving; posts receives for newly probed messages.
  /// Never waits for data in transit.
  std::optional<Message> poll_incoming(int tag);
};

}  // namespace mpibatch::comm
