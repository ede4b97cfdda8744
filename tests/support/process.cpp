#include "support/process.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <stdexcept>

namespace mpibatch::testing {

ProcessResult run_shell(const std::string& command) {
  ProcessResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed: " + command);
  std::array<char, 4096> buffer;
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
    result.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  if (WIFEXITED(status))
    result.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    result.exit_code = 128 + WTERMSIG(status);
  return result;
}

std::string shell_quote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string mpibatch_binary() { return shell_quote(MPIBATCH_BINARY); }

std::string mpibatch_under_mpiexec(int ranks) {
  const std::string flags = MPIBATCH_MPIEXEC_FLAGS;
  return std::string("env ") + MPIBATCH_MPIEXEC_ENV + " " + shell_quote(MPIBATCH_MPIEXEC) + " -n " +
         std::to_string(ranks) + " " + flags + " " + mpibatch_binary();
}

}  // namespace mpibatch::testing
