#pragma once
/// \file Models written by the scripts in tests/python, run with MPIBATCH_PYTHON (the Python
/// that has torch).

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>

namespace mpibatch::testing {

inline std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

/// Runs tests/python/<script> with `args` (already quoted); returns the exit status.
inline int run_python_script(const std::string& script, const std::string& args) {
  const std::string command =
      shell_quote(MPIBATCH_PYTHON) + " " +
      shell_quote(std::string(MPIBATCH_SOURCE_DIR) + "/tests/python/" + script) + " " + args;
  return std::system(command.c_str());
}

/// Path of `name` among the models make_bad_models.py writes. They are generated once into
/// the build folder (test-models/bad-<hash of the script>/) and shared by every test process, since
/// ctest starts one process per test; a changed script gets a fresh folder.
inline std::string bad_model(const std::string& name) {
  namespace fs = std::filesystem;
  static const fs::path dir = [] {
    const fs::path script = fs::path(MPIBATCH_SOURCE_DIR) / "tests/python/make_bad_models.py";
    std::ifstream in(script, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto stamp = std::to_string(std::hash<std::string>{}(text));
    const fs::path target = fs::path(MPIBATCH_BINARY_DIR) / "test-models" / ("bad-" + stamp);
    if (fs::exists(target / "done")) return target;
    // Written aside and renamed, so parallel test processes never see half a folder.
    const fs::path partial = target.string() + ".tmp-" + std::to_string(::getpid());
    fs::create_directories(partial);
    const int status = run_python_script("make_bad_models.py", shell_quote(partial.string()));
    EXPECT_EQ(status, 0) << "tests/python/make_bad_models.py failed";
    std::ofstream(partial / "done") << "ok\n";
    std::error_code error;
    fs::rename(partial, target, error);
    if (error) fs::remove_all(partial, error);  // another process was first
    return target;
  }();
  return (dir / name).string();
}

}  // namespace mpibatch::testing
