// MpiCommunicator: set-up, identity and point-to-point. Collectives: mpi_collectives.cpp.
#include "mpibatch/comm/mpi_communicator.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "mpi_check.h"
#include "mpi_communicator_impl.h"
#include "mpibatch/comm/local_rank.h"
#include "mpibatch/comm/mpi_environment.h"
#include "mpibatch/error.h"

namespace mpibatch::comm {

using detail::mpi_check;

namespace {

std::string first_line_trimmed(const std::string& text) {
  const auto end_of_line = text.find_first_of("\r\n");
  std::string line = text.substr(0, end_of_line);
  const auto begin = line.find_first_not_of(" \t");
  if (begin == std::string::npos) return {};
  const auto end = line.find_last_not_of(" \t");
  return line.substr(begin, end - begin + 1);
}

std::string processor_name(int rank) {
  char name[MPI_MAX_PROCESSOR_NAME] = {};
  int length = 0;
  if (MPI_Get_processor_name(name, &length) == MPI_SUCCESS && length > 0) {
    return std::string(name, static_cast<std::size_t>(length));
  }
  char fallback[256] = {};
  if (gethostname(fallback, sizeof(fallback) - 1) == 0 && fallback[0] != '\0') return fallback;
  spdlog::warn("rank {}: neither MPI_Get_processor_name nor gethostname gave a host name", rank);
  return "unknown-host";
}

std::string mpi_library_version(int rank) {
  char text[MPI_MAX_LIBRARY_VERSION_STRING] = {};
  int length = 0;
  mpi_check(MPI_Get_library_version(text, &length), "MPI_Get_library_version", rank);
  // Open MPI counts the terminating NUL and adds ", package: ..., repo rev: ..." details:
  // keep "Open MPI v4.1.4".
  std::string version =
      first_line_trimmed(std::string(text, strnlen(text, static_cast<std::size_t>(length))));
  return version.substr(0, version.find(','));
}

}  // namespace

MpiCommunicator::MpiCommunicator(const MpiEnvironment& env, MpiCommunicatorOptions options)
    : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.rank = env.world_rank();
  if (!MpiEnvironment::active()) {
    throw CommError("MpiCommunicator: MPI is not initialized (or already finalized) on rank " +
                    std::to_string(s.rank) + "; keep the MpiEnvironment alive");
  }
  if (options.max_chunk_bytes == 0 || options.max_chunk_bytes > kMaxChunkBytes) {
    throw CommError("MpiCommunicator: max_chunk_bytes must be in [1, " +
                    std::to_string(kMaxChunkBytes) + "], got " +
                    std::to_string(options.max_chunk_bytes));
  }
  s.max_chunk = options.max_chunk_bytes;

  mpi_check(MPI_Comm_dup(MPI_COMM_WORLD, &s.comm), "MPI_Comm_dup(MPI_COMM_WORLD)", s.rank);
  mpi_check(MPI_Comm_set_errhandler(s.comm, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler", s.rank);
  mpi_check(MPI_Comm_rank(s.comm, &s.rank), "MPI_Comm_rank", s.rank);
  mpi_check(MPI_Comm_size(s.comm, &s.size), "MPI_Comm_size", s.rank);

  MPI_Comm node = MPI_COMM_NULL;
  mpi_check(MPI_Comm_split_type(s.comm, MPI_COMM_TYPE_SHARED, s.rank, MPI_INFO_NULL, &node),
            "MPI_Comm_split_type(MPI_COMM_TYPE_SHARED)", s.rank);
  mpi_check(MPI_Comm_rank(node, &s.local_rank), "MPI_Comm_rank(node)", s.rank);
  mpi_check(MPI_Comm_size(node, &s.local_size), "MPI_Comm_size(node)", s.rank);
  mpi_check(MPI_Comm_free(&node), "MPI_Comm_free(node)", s.rank);

  s.host = processor_name(s.rank);
  s.library_version = mpi_library_version(s.rank);
  if (auto warning = check_local_rank(s.local_rank, process_environment())) {
    spdlog::warn("rank {} on {}: {}", s.rank, s.host, *warning);
  }
}

MpiCommunicator::~MpiCommunicator() {
  Impl& s = *impl_;
  if (!MpiEnvironment::active()) {
    if (!s.pending.empty()) new std::list<Impl::PendingSend>(std::move(s.pending));  // leaked
    return;
  }
  try {
    s.reap_sends();
  } catch (const std::exception& e) {
    spdlog::warn("rank {}: {}", s.rank, e.what());
  }
  if (!s.pending.empty()) {
    spdlog::warn(
        "rank {}: MpiCommunicator destroyed with {} send(s) in flight; call wait_sends() "
        "before destroying it (their buffers are leaked so MPI can still read them)",
        s.rank, s.pending.size());
    for (auto& send : s.pending) {
      for (auto& request : send.requests) {
        if (request != MPI_REQUEST_NULL) MPI_Request_free(&request);
      }
    }
    new std::list<Impl::PendingSend>(std::move(s.pending));  // deliberately leaked
  }
  for (auto& receive : s.incoming) {  // only after an error: every message is normally taken
    MPI_Cancel(&receive.request);
    MPI_Request_free(&receive.request);
  }
  if (s.comm != MPI_COMM_NULL) MPI_Comm_free(&s.comm);
}

int MpiCommunicator::rank() const { return impl_->rank; }
int MpiCommunicator::size() const { return impl_->size; }
int MpiCommunicator::local_rank() const { return impl_->local_rank; }
int MpiCommunicator::local_size() const { return impl_->local_size; }
const std::string& MpiCommunicator::host() const { return impl_->host; }
std::string MpiCommunicator::library_version() const { return impl_->library_version; }

void MpiCommunicator::Impl::check_root(int root, std::string_view op) const {
  if (root < 0 || root >= size) {
    throw CommError(std::string(op) + ": root " + std::to_string(root) + " is not a rank of " +
                    std::to_string(size) + " (on rank " + std::to_string(rank) + ")");
  }
}

void MpiCommunicator::Impl::check_tag(int tag, std::string_view op) const {
  if (tag < 0 || tag > kMaxTag) {
    throw CommError(std::string(op) + ": tag " + std::to_string(tag) + " is not in [0, " +
                    std::to_string(kMaxTag) + "] (on rank " + std::to_string(rank) + ")");
  }
}

void MpiCommunicator::Impl::reap_sends() {
  for (auto it = pending.begin(); it != pending.end();) {
    int done = 0;
    std::vector<MPI_Status> statuses(it->requests.size());
    const int code = MPI_Testall(static_cast<int>(it->requests.size()), it->requests.data(), &done,
                                 statuses.data());
    if (code != MPI_SUCCESS) {
      int error = code;
      for (const auto& status : statuses) {
        if (status.MPI_ERROR != MPI_SUCCESS && status.MPI_ERROR != MPI_ERR_PENDING) {
          error = status.MPI_ERROR;
          break;
        }
      }
      mpi_check(error,
                "send of " + std::to_string(it->data.size()) + " bytes to rank " +
                    std::to_string(it->dest) + " (tag " + std::to_string(it->tag) + ")",
                rank);
    }
    it = done ? pending.erase(it) : std::next(it);
  }
}

void MpiCommunicator::send(int dest, int tag, Bytes data) {
  Impl& s = *impl_;
  s.reap_sends();
  if (dest < 0 || dest >= s.size) {
    throw CommError("send: destination " + std::to_string(dest) + " is not a rank of " +
                    std::to_string(s.size) + " (on rank " + std::to_string(s.rank) + ")");
  }
  s.check_tag(tag, "send");
  auto& entry = s.pending.emplace_back();
  entry.data = std::move(data);
  entry.dest = dest;
  entry.tag = tag;
  // NOTE [chunking]: pieces of max_chunk bytes; a shorter (possibly empty) piece ends it.
  std::size_t offset = 0;
  for (;;) {
    const std::size_t piece = std::min(entry.data.size() - offset, s.max_chunk);
    MPI_Request request = MPI_REQUEST_NULL;
    const int code = MPI_Isend(entry.data.data() + offset, static_cast<int>(piece), MPI_BYTE, dest,
                               tag, s.comm, &request);
    if (code != MPI_SUCCESS && entry.requests.empty()) s.pending.pop_back();
    mpi_check(code, "send: MPI_Isend to rank " + std::to_string(dest), s.rank);
    entry.requests.push_back(request);
    offset += piece;
    if (piece < s.max_chunk) break;
  }
}

Message MpiCommunicator::Impl::receive_probed(const MPI_Status& first) {
  Message message;
  message.source = first.MPI_SOURCE;
  message.tag = first.MPI_TAG;
  const std::string op = "receive from rank " + std::to_string(message.source) + " (tag " +
                         std::to_string(message.tag) + ")";
  MPI_Status status = first;
  for (;;) {
    int count = 0;
    mpi_check(MPI_Get_count(&status, MPI_BYTE, &count), op + ": MPI_Get_count", rank);
    const std::size_t offset = message.data.size();
    message.data.resize(offset + static_cast<std::size_t>(count));
    MPI_Request request = MPI_REQUEST_NULL;
    mpi_check(MPI_Irecv(message.data.data() + offset, count, MPI_BYTE, message.source, message.tag,
                        comm, &request),
              op + ": MPI_Irecv", rank);
    detail::mpi_wait(request, op, rank, detail::transfer_policy(static_cast<std::size_t>(count)));
    if (static_cast<std::size_t>(count) < max_chunk) return message;
    status = detail::mpi_probe_wait(comm, message.source, message.tag, op, rank,
                                    detail::transfer_policy(max_chunk));
  }
}

// NOTE [receives in flight]: a probed message is only matched; its data may still need the
// sender's help to move (a rendezvous-size message without single-copy shared memory, or over
// a network, moves only while the sender is inside an MPI call). try_receive() therefore posts
// the receive and returns the message only once it is complete, so rank 0 goes back to its own
// work instead of waiting for a worker that is busy computing its next batch.
std::optional<Message> MpiCommunicator::Impl::poll_incoming(int tag) {
  // Complete receives of this tag, in posting order, without overtaking an unfinished
  // earlier message from the same source.
  std::vector<int> blocked_sources;
  for (auto it = incoming.begin(); it != incoming.end(); ++it) {
    if (it->message.tag != tag) continue;
    if (std::find(blocked_sources.begin(), blocked_sources.end(), it->message.source) !=
        blocked_sources.end()) {
      continue;
    }
    int done = 0;
    mpi_check(MPI_Test(&it->request, &done, MPI_STATUS_IGNORE),
              "receive from rank " + std::to_string(it->message.source) + ": MPI_Test", rank);
    if (done) {
      Message message = std::move(it->message);
      incoming.erase(it);
      return message;
    }
    blocked_sources.push_back(it->message.source);
  }
  // A newly arrived message: post its receive (a chunked one is received whole, at once).
  MPI_Status status;
  if (!detail::mpi_iprobe(comm, MPI_ANY_SOURCE, tag, status, "try_receive: MPI_Iprobe", rank)) {
    return std::nullopt;
  }
  int count = 0;
  mpi_check(MPI_Get_count(&status, MPI_BYTE, &count), "try_receive: MPI_Get_count", rank);
  if (static_cast<std::size_t>(count) >= max_chunk) {
    // A chunked message is received whole, but not before its sender's earlier messages.
    const bool earlier = std::any_of(incoming.begin(), incoming.end(), [&](const auto& r) {
      return r.message.source == status.MPI_SOURCE;
    });
    return earlier ? std::nullopt : std::optional<Message>(receive_probed(status));
  }
  PendingReceive& receive = incoming.emplace_back();
  receive.message.source = status.MPI_SOURCE;
  receive.message.tag = status.MPI_TAG;
  receive.message.data.resize(static_cast<std::size_t>(count));
  mpi_check(MPI_Irecv(receive.message.data.data(), count, MPI_BYTE, status.MPI_SOURCE,
                      status.MPI_TAG, comm, &receive.request),
            "receive from rank " + std::to_string(status.MPI_SOURCE) + ": MPI_Irecv", rank);
  return poll_incoming(tag);  // eager messages complete at once
}

std::optional<Message> MpiCommunicator::try_receive(int tag) {
  Impl& s = *impl_;
  s.reap_sends();
  s.check_tag(tag, "try_receive");
  return s.poll_incoming(tag);
}

bool MpiCommunicator::receiving() const { return !impl_->incoming.empty(); }

Message MpiCommunicator::receive(int tag, std::chrono::microseconds spin) {
  Impl& s = *impl_;
  s.reap_sends();
  s.check_tag(tag, "receive");
  std::optional<Message> message;
  detail::poll_until(
      [&] {
        s.reap_sends();
        message = s.poll_incoming(tag);
        return message.has_value();
      },
      "receive(tag " + std::to_string(tag) + ")", s.rank,
      !s.incoming.empty() ? detail::transfer_policy(0)
      : spin.count() > 0  ? detail::WaitPolicy{spin, Backoff::kTransferMaxDelay}
                          : s.arrival_policy());
  return std::move(*message);
}

void MpiCommunicator::wait_sends() {
  Impl& s = *impl_;
  s.reap_sends();
  std::size_t bytes = 0;
  for (const auto& send : s.pending) bytes += send.data.size();
  detail::poll_until(
      [&] {
        s.reap_sends();
        return s.pending.empty();
      },
      "wait_sends", s.rank, detail::transfer_policy(bytes));
}

std::size_t MpiCommunicator::pending_sends() {
  impl_->reap_sends();
  return impl_->pending.size();
}

void MpiCommunicator::abort(int code) {
  spdlog::debug("rank {}: MPI_Abort with exit code {}", impl_->rank, code);
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);  // MPI_Abort does not return; this is for a broken MPI
}

}  // namespace mpibatch::comm
