#pragma once
/// \file Loading and validating job configuration.
///
/// Every problem is collected and reported at once in one ConfigError, one line each, with
/// the key path and where the value came from:
///   "model.batch_size: must be a positive integer, got -3 (jobs/x.yaml:12)"
///   "runtime.shedule: unknown key; did you mean 'runtime.schedule'? (jobs/x.yaml:20)"
/// \code
///   LoadOptions opts;
///   opts.job_file = "jobs/demo.yaml";
///   opts.overrides = {"model.batch_size=16"};
///   JobConfig cfg = load_job_config(opts);   // throws ConfigError
/// \endcode

#include <string>
#include <vector>

#include "mpibatch/config/job_config.h"

namespace mpibatch::config {

struct LoadOptions {
  std::string job_file;                ///< required
  std::string site_file;               ///< optional site profile, merged under the job
  std::vector<std::string> overrides;  ///< "key.path=value"; value parsed as YAML
  std::string output_path;             ///< --output; wins over output.path
  bool check_paths = true;             ///< check that input/model paths exist
};

/// Reads, merges and validates. Throws ConfigError listing every problem.
JobConfig load_job_config(const LoadOptions& options);

/// Rebuilds a JobConfig from JobConfig::effective_yaml (on ranks other than 0). Paths are not
/// checked. Throws ConfigError.
JobConfig parse_effective_config(const std::string& effective_yaml);

/// Every key the loader accepts ("model.batch_size", ...), in documentation order.
std::vector<std::string> accepted_keys();

/// The environment variable that names a site profile when the command line gives none.
inline constexpr char kSiteEnvVar[] = "MPIBATCH_SITE";

/// The site profile for LoadOptions::site_file: `cli_site` (the CLI's --site) when non-empty,
/// else $MPIBATCH_SITE, else "" (no site profile).
std::string site_file_from(const std::string& cli_site);

}  // namespace mpibatch::config
