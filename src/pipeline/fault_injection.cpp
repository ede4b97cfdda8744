#include "mpibatch/pipeline/fault_injection.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <map>
#include <regex>
#include <thread>

#include "mpibatch/error.h"

namespace mpibatch::pipeline {

void Fault::inject() const {
  if (signal == 0) {
    spdlog::warn("MPIBATCH_FAULT: rank {} stalls for {} s before its batch {} (a test)", rank,
                 kStallSeconds, batch);
    std::this_thread::sleep_for(std::chrono::duration<double>(kStallSeconds));
    return;
  }
  spdlog::warn("MPIBATCH_FAULT: rank {} raises signal {} ({}x) before its batch {} (a test)", rank,
               signal, times, batch);
  for (int i = 0; i < times; ++i) std::raise(signal);
}

Fault parse_fault(const std::string& text) {
  static const std::map<std::string, std::pair<int, int>> kFaults = {
      {"sigterm", {SIGTERM, 1}}, {"sigint", {SIGINT, 1}},         {"sigusr1", {SIGUSR1, 1}},
      {"sigkill", {SIGKILL, 1}}, {"sigterm-twice", {SIGTERM, 2}}, {"stall", {0, 1}}};
  static const std::regex kForm(R"(([a-z0-9-]+)@(\d+):(\d+))");
  std::smatch m;
  if (!std::regex_match(text, m, kForm) || !kFaults.count(m[1])) {
    throw UsageError("MPIBATCH_FAULT='" + text +
                     "': expected <fault>@<rank>:<batch> with fault sigterm, sigint, sigusr1, "
                     "sigterm-twice, sigkill or stall (a testing knob; docs/operations.md)");
  }
  const auto [signal, times] = kFaults.at(m[1]);
  return {signal, times, std::stoi(m[2]), std::stoi(m[3])};
}

std::optional<Fault> fault_from_environment() {
  const char* text = std::getenv("MPIBATCH_FAULT");
  if (!text || !*text) return std::nullopt;
  return parse_fault(text);
}

}  // namespace mpibatch::pipeline
