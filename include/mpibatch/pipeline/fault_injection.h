#pragma once
/// \file MPIBATCH_FAULT: fault injection for tests (docs/operations.md). A testing knob, not
/// for production runs.
///
///   MPIBATCH_FAULT=<fault>@<rank>:<batch>
///
/// makes rank <rank> inject <fault> just before its batch number <batch> (0-based, the rank's
/// own count; for a train job, before global step <batch>): `sigterm`, `sigint`, `sigusr1` (raised
/// on itself, as if sent by Slurm or a user), `sigterm-twice` (two SIGTERMs in a row: exit at
/// once), `sigkill` (the rank dies), `stall` (the rank sleeps 3 s, as if its model call hung; see
/// runtime.stall_timeout). Example: MPIBATCH_FAULT=sigterm@1:2.

#include <optional>
#include <string>

namespace mpibatch::pipeline {

struct Fault {
  int signal = 0;  ///< raised on this process; 0 = stall instead
  int times = 1;   ///< how often in a row
  int rank = 0;
  int batch = 0;

  static constexpr double kStallSeconds = 3.0;
  /// Raises the signal `times` times, or stalls for kStallSeconds.
  void inject() const;
};

/// Parses `text` (the variable's value); throws UsageError naming MPIBATCH_FAULT when malformed.
Fault parse_fault(const std::string& text);
/// The fault that MPIBATCH_FAULT asks for, if set.
std::optional<Fault> fault_from_environment();

}  // namespace mpibatch::pipeline
