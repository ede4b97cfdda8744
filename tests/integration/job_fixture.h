#pragma once
/// \file Shared set-up for integration tests: a small demo model and book made once per test
/// binary, job files, and running `mpibatch run` under mpiexec.

#include <map>
#include <string>

#include "mpibatch/io/result_reader.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace mpibatch::testing {

/// The shared workspace: <dir>/model.pt (a small demo model) and <dir>/book (4 chapters,
/// one of them empty).
class Workspace {
 public:
  static Workspace& get();
  const TempDir& dir() const { return dir_; }
  std::string model() const { return dir_.file("model.pt"); }
  std::string book() const { return dir_.file("book"); }

  /// Writes <dir>/<name>.yaml for the shared book and model, writing <dir>/<name>.h5;
  /// `changes` ("section.key" -> YAML value) replace or add keys.
  std::string write_job(const std::string& name,
                        const std::map<std::string, std::string>& changes = {}) const;
  std::string output(const std::string& name) const { return dir_.file(name + ".h5"); }

 private:
  Workspace();
  TempDir dir_;
};

/// `mpiexec -n ranks mpibatch run job args` in the workspace folder.
ProcessResult run_job(int ranks, const std::string& job, const std::string& args = "");

}  // namespace mpibatch::testing
