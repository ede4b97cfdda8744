#include "config_test_util.h"

#include <cstdlib>
#include <utility>

#include "mpibatch/error.h"

namespace mpibatch::config::testing {

ScopedCwd::ScopedCwd(const std::filesystem::path& dir)
    : previous_(std::filesystem::current_path()) {
  std::filesystem::current_path(dir);
}

ScopedCwd::~ScopedCwd() {
  std::error_code ignored;
  std::filesystem::current_path(previous_, ignored);
}

ScopedEnv::ScopedEnv(std::string name, const char* value) : name_(std::move(name)) {
  if (const char* old = std::getenv(name_.c_str())) {
    had_value_ = true;
    previous_ = old;
  }
  if (value != nullptr) {
    setenv(name_.c_str(), value, 1);
  } else {
    unsetenv(name_.c_str());
  }
}

ScopedEnv::~ScopedEnv() {
  if (had_value_) {
    setenv(name_.c_str(), previous_.c_str(), 1);
  } else {
    unsetenv(name_.c_str());
  }
}

ConfigTest::ConfigTest() {
  dir_.write("book/chapter1.txt", "Chapter one. It begins.\n");
  dir_.write("model.pt", "not really a model");
}

LoadOptions ConfigTest::job(const std::string& yaml, const std::string& name) const {
  dir_.write(name, yaml);
  LoadOptions options;
  options.job_file = name;
  return options;
}

std::string ConfigTest::abs(const std::string& name) const {
  return (std::filesystem::current_path() / name).lexically_normal().string();
}

std::vector<std::string> load_problems(const LoadOptions& options) {
  try {
    load_job_config(options);
  } catch (const ConfigError& e) {
    return e.problems();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected ConfigError, got: " << e.what();
    return {};
  }
  ADD_FAILURE() << "expected ConfigError, but the job loaded";
  return {};
}

std::vector<std::string> effective_problems(const std::string& yaml) {
  try {
    parse_effective_config(yaml);
  } catch (const ConfigError& e) {
    return e.problems();
  }
  ADD_FAILURE() << "expected ConfigError, but the effective config parsed";
  return {};
}

void expect_same_config(const JobConfig& a, const JobConfig& b) {
  EXPECT_EQ(a.job.name, b.job.name);
  EXPECT_EQ(a.job.kind, b.job.kind);
  EXPECT_EQ(a.input.paths, b.input.paths);
  EXPECT_EQ(a.input.format, b.input.format);
  EXPECT_EQ(a.input.extensions, b.input.extensions);
  EXPECT_EQ(a.input.chapter_heading, b.input.chapter_heading);
  EXPECT_EQ(a.input.chapters, b.input.chapters);
  EXPECT_EQ(a.input.language, b.input.language);
  EXPECT_EQ(a.input.split, b.input.split);
  EXPECT_EQ(a.input.max_chars, b.input.max_chars);
  EXPECT_EQ(a.model.path, b.model.path);
  EXPECT_EQ(a.model.encoder, b.model.encoder);
  EXPECT_EQ(a.model.vocabulary, b.model.vocabulary);
  EXPECT_EQ(a.model.phoneme_map, b.model.phoneme_map);
  EXPECT_EQ(a.model.espeak_voice, b.model.espeak_voice);
  EXPECT_EQ(a.model.batch_size, b.model.batch_size);
  EXPECT_EQ(a.model.output_units, b.model.output_units);
  EXPECT_EQ(a.model.sample_rate, b.model.sample_rate);  // exact, not approximate
  EXPECT_EQ(a.runtime.schedule, b.runtime.schedule);
  EXPECT_EQ(a.runtime.rank_weights, b.runtime.rank_weights);
  EXPECT_EQ(a.runtime.device, b.runtime.device);
  EXPECT_EQ(a.runtime.on_missing_gpu, b.runtime.on_missing_gpu);
  EXPECT_EQ(a.runtime.threads_per_rank, b.runtime.threads_per_rank);
  EXPECT_EQ(a.runtime.interop_threads, b.runtime.interop_threads);
  EXPECT_EQ(a.runtime.log_dir, b.runtime.log_dir);
  EXPECT_EQ(a.runtime.simulate_speed, b.runtime.simulate_speed);
  EXPECT_EQ(a.output.path, b.output.path);
  EXPECT_EQ(a.output.overwrite, b.output.overwrite);
  EXPECT_EQ(a.output.compression, b.output.compression);
  EXPECT_EQ(a.output.commit_interval, b.output.commit_interval);
  EXPECT_EQ(a.output.audio, b.output.audio);
  EXPECT_EQ(a.output.audio_format, b.output.audio_format);
  EXPECT_EQ(a.output.audio_pause, b.output.audio_pause);
  EXPECT_EQ(a.output.audio_level, b.output.audio_level);
  EXPECT_EQ(a.effective_yaml, b.effective_yaml);
}

}  // namespace mpibatch::config::testing
