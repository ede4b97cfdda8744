#pragma once
/// \file A temporary directory removed with its contents at scope exit.

#include <filesystem>
#include <string>

namespace mpibatch::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  /// path() / name, as a string.
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  /// Writes `content` to path() / name (creating parent folders) and returns the path.
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

/// The whole content of a file.
std::string read_file(const std::string& path);

}  // namespace mpibatch::testing
