#include "logging.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "mpibatch/error.h"

namespace mpibatch::app {
namespace {

std::string pattern_for(const LogSetup& setup) {
  if (setup.rank < 0) return "[%l] %v";
  return fmt::format("[%H:%M:%S.%e] [rank {}/{} {}] [%l] %v", setup.rank, setup.size, setup.host);
}

}  // namespace

void setup_logging(const LogSetup& setup) {
  auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  const spdlog::level::level_enum level =
      setup.verbose ? spdlog::level::debug
                    : (setup.rank <= 0 ? spdlog::level::info : spdlog::level::warn);
  console->set_level(level);
  auto logger = std::make_shared<spdlog::logger>("mpibatch", console);
  logger->set_pattern(pattern_for(setup));
  logger->set_level(level);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

void add_rank_log_file(const std::string& dir, int rank) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string path = (std::filesystem::path(dir) / fmt::format("rank-{}.log", rank)).string();
  try {
    auto file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path, /*truncate=*/true);
    file->set_level(spdlog::level::debug);
    file->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%l] %v");
    auto logger = spdlog::default_logger();
    logger->sinks().push_back(file);
    logger->set_level(spdlog::level::debug);  // each sink filters by its own level
  } catch (const spdlog::spdlog_ex& e) {
    throw InputError("runtime.log_dir: cannot write '" + path + "': " + e.what() +
                     "; choose a writable directory");
  }
}

}  // namespace mpibatch::app
