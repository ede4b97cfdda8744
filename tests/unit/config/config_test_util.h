#pragma once
/// \file Helpers for the config tests: a job folder (the working directory during the test)
/// with a book and a model, and loaders that return a ConfigError's problems.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "mpibatch/config/config_loader.h"
#include "mpibatch/error.h"
#include "support/temp_dir.h"

namespace mpibatch::config::testing {

/// Changes the working directory for its lifetime.
class ScopedCwd {
 public:
  explicit ScopedCwd(const std::filesystem::path& dir);
  ~ScopedCwd();
  ScopedCwd(const ScopedCwd&) = delete;
  ScopedCwd& operator=(const ScopedCwd&) = delete;

 private:
  std::filesystem::path previous_;
};

/// Sets (or, with nullptr, unsets) an environment variable for its lifetime.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, const char* value);
  ~ScopedEnv();
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  bool had_value_ = false;
  std::string previous_;
};

/// A minimal valid job file body: the book and the model of ConfigTest.
inline constexpr char kMinimalJob[] =
    "input:\n"
    "  path: book\n"
    "model:\n"
    "  path: model.pt\n";

/// Each test runs in a fresh temporary folder, which is its working directory and holds
/// book/chapter1.txt and model.pt.
class ConfigTest : public ::testing::Test {
 protected:
  ConfigTest();

  /// Writes `yaml` to `name` (relative to the folder) and returns options that load it.
  LoadOptions job(const std::string& yaml, const std::string& name = "job.yaml") const;
  /// The absolute, normal path of `name` in the folder (spelt as the working directory is).
  std::string abs(const std::string& name) const;

  mpibatch::testing::TempDir dir_;
  ScopedCwd cwd_{dir_.path()};
};

/// The problems of the ConfigError that load_job_config(options) throws; fails the test (and
/// returns {}) when it throws nothing or something else.
std::vector<std::string> load_problems(const LoadOptions& options);

/// The same for parse_effective_config(yaml).
std::vector<std::string> effective_problems(const std::string& yaml);

/// Expects every field of `a` and `b`, effective_yaml included, to be equal.
void expect_same_config(const JobConfig& a, const JobConfig& b);

}  // namespace mpibatch::config::testing
