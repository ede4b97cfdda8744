#pragma once
/// \file `mpibatch report RUN.h5 [OTHER.h5]`: where the time went (docs/reports.md).

#include <string>
#include <vector>

namespace mpibatch::app {

struct ReportArgs {
  std::vector<std::string> files;  ///< one run, or two to compare
  std::string format = "text";     ///< text | csv | json | html
  std::string table = "ranks";     ///< csv only: summary | ranks | items | epochs
  std::string output;              ///< file to write; empty = stdout
};

/// Reads, analyses and renders; written to a temporary file then renamed when `output` is set,
/// so a failed report never leaves a half-written file. Throws UsageError for bad arguments and
/// InputError naming the file that cannot be read.
int report_command(const ReportArgs& args);

}  // namespace mpibatch::app
