#pragma once
/// \file RunInfo as root attributes, plus the format marker (private to the io module).

#include <hdf5.h>

#include <string>

#include "mpibatch/io/run_records.h"

namespace mpibatch::io::h5 {

/// Writes every RunInfo field as a root attribute of `file` (output_units and sample_rate go
/// to /results as `units` and `sample_rate`), `hdf5_version` from the running library, and
/// last `format` and `format_version`, which mark the file as complete.
void write_run_info(hid_t file, const RunInfo& info);

/// Reads what write_run_info wrote; attributes that are missing keep RunInfo's defaults.
RunInfo read_run_info(hid_t file);

/// Checks the format marker; returns an empty string if `file` is a readable mpibatch result
/// file, else why not ("no 'format' attribute").
std::string format_problem(hid_t file);

}  // namespace mpibatch::io::h5
