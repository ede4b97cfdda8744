#include "h5_run_info.h"

#include "h5_api.h"
#include "h5_attributes.h"
#include "h5_layout.h"

namespace mpibatch::io::h5 {

void write_run_info(hid_t file, const RunInfo& info) {
  write_attribute(file, "tool_version", info.tool_version);
  write_attribute(file, "git_revision", info.git_revision);
  write_attribute(file, "job_name", info.job_name);
  write_attribute(file, "job_kind", info.job_kind);
  write_attribute(file, "config_yaml", info.config_yaml);
  write_attribute(file, "job_hash", info.job_hash);
  write_attribute(file, "world_size", info.world_size);
  write_attribute(file, "schedule", info.schedule);
  write_attribute(file, "start_time", info.start_time);
  write_attribute(file, "end_time", info.end_time);
  write_attribute(file, "exit_status", info.exit_status);
  write_attribute(file, "torch_version", info.torch_version);
  write_attribute(file, "mpi_version", info.mpi_version);
  write_attribute(file, "hdf5_version", library_version());
  write_attribute(file, "attempt", info.attempt);

  Group results = h5l_exists(file, kResultsGroup) ? h5g_open(file, kResultsGroup)
                                                  : h5g_create(file, kResultsGroup);
  write_attribute(results.id(), "units", info.output_units);
  write_attribute(results.id(), "sample_rate", info.sample_rate);

  write_attribute(file, "format", std::string(kFormat));
  write_attribute(file, "format_version", kFormatVersion);
}

RunInfo read_run_info(hid_t file) {
  RunInfo info;
  info.tool_version = read_string_attribute_or(file, "tool_version", info.tool_version);
  info.git_revision = read_string_attribute_or(file, "git_revision", info.git_revision);
  info.job_name = read_string_attribute_or(file, "job_name", info.job_name);
  info.job_kind = read_string_attribute_or(file, "job_kind", info.job_kind);
  info.config_yaml = read_string_attribute_or(file, "config_yaml", info.config_yaml);
  info.job_hash = read_string_attribute_or(file, "job_hash", info.job_hash);
  info.world_size =
      static_cast<std::int32_t>(read_int_attribute_or(file, "world_size", info.world_size));
  info.schedule = read_string_attribute_or(file, "schedule", info.schedule);
  info.start_time = read_string_attribute_or(file, "start_time", info.start_time);
  info.end_time = read_string_attribute_or(file, "end_time", info.end_time);
  info.exit_status =
      static_cast<std::int32_t>(read_int_attribute_or(file, "exit_status", info.exit_status));
  info.torch_version = read_string_attribute_or(file, "torch_version", info.torch_version);
  info.mpi_version = read_string_attribute_or(file, "mpi_version", info.mpi_version);
  info.hdf5_version = read_string_attribute_or(file, "hdf5_version", info.hdf5_version);
  info.attempt = static_cast<std::uint32_t>(read_int_attribute_or(file, "attempt", info.attempt));
  if (h5l_exists(file, kResultsGroup)) {
    Group results = h5g_open(file, kResultsGroup);
    info.output_units = read_string_attribute_or(results.id(), "units", info.output_units);
    info.sample_rate = read_double_attribute_or(results.id(), "sample_rate", info.sample_rate);
  }
  return info;
}

std::string format_problem(hid_t file) {
  if (!has_attribute(file, "format")) return "no 'format' attribute";
  std::string format;
  try {
    format = read_string_attribute(file, "format");
  } catch (const std::exception&) {
    return "its 'format' attribute is not a string";
  }
  if (format != kFormat) return "its format is '" + format + "', not '" + kFormat + "'";
  const std::int64_t version = read_int_attribute_or(file, "format_version", 0);
  if (version < 1 || version > kFormatVersion) {
    return "format_version " + std::to_string(version) + " is not supported; this mpibatch reads " +
           "versions 1 to " + std::to_string(kFormatVersion) + " (use a newer mpibatch)";
  }
  return "";
}

}  // namespace mpibatch::io::h5
