#pragma once
/// \file `mpibatch inspect FILE`: what a result file holds, for a human.
///
/// Prints the job, tool and library versions, run times and exit status, item counts (and the
/// first failed items with their errors), a per-rank table, chapter and output totals, and the
/// datasets with their shapes. The output is deterministic (same file, same text) with aligned
/// columns, so tests and diffs can rely on it.
/// \code
///   mpibatch::app::inspect("out.h5", {}, std::cout);
/// \endcode

#include <cstddef>
#include <ostream>
#include <string>

namespace mpibatch::app {

struct InspectOptions {
  bool ranks = true;       ///< print the per-rank table
  std::size_t items = 0;   ///< print the first N rows of /items
  bool config = false;     ///< print the merged job YAML
  std::size_t failed = 5;  ///< print at most this many failed or skipped items with errors
};

/// Throws InputError (via io::ResultReader) if `path` is not a readable mpibatch result file.
void inspect(const std::string& path, const InspectOptions& options, std::ostream& out);

}  // namespace mpibatch::app
