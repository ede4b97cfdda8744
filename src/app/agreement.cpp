#include "agreement.h"

#include <spdlog/spdlog.h>

#include <sstream>

namespace mpibatch::app {

void run_on_all(comm::Communicator& comm, const std::function<void()>& step) {
  int code = 0;
  std::string message;
  try {
    step();
  } catch (const std::exception& e) {
    code = static_cast<int>(exit_code_of(e));
    message = e.what();
  }
  const comm::Bytes mine = std::to_string(code) + "\n" + message;
  const std::vector<comm::Bytes> all = comm.all_gather(mine);
  for (std::size_t r = 0; r < all.size(); ++r) {
    const std::size_t newline = all[r].find('\n');
    const int rank_code = std::stoi(all[r].substr(0, newline));
    if (rank_code == 0) continue;
    const std::string text = all[r].substr(newline + 1);
    if (comm.rank() == 0) {
      std::istringstream lines(text);
      for (std::string line; std::getline(lines, line);) {
        if (r == 0) {
          spdlog::error("{}", line);
        } else {
          spdlog::error("rank {}: {}", r, line);
        }
      }
    }
    throw JobFailed(static_cast<ExitCode>(rank_code), text);
  }
}

}  // namespace mpibatch::app
