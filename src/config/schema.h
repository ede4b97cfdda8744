#pragma once
/// \file The schema: every accepted key, its codec and its place in JobConfig.
///
/// NOTE [one source of truth] The table in schema.cpp is the only list of keys. The loader,
/// the unknown-key suggestions, accepted_keys(), effective_yaml and the docs coverage test
/// are all driven by it; adding a key means adding one row there (and documenting it in
/// docs/config.md, which the test enforces).

#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "mpibatch/config/job_config.h"
#include "validators.h"

namespace mpibatch::config::detail {

/// One accepted key.
struct KeySpec {
  std::string key;      ///< "model.batch_size"
  std::string section;  ///< "model"
  std::string leaf;     ///< "batch_size"
  /// For required keys, what to give ("the book folder or text file to process"); else "".
  std::string required;
  /// The job.kind for which `required` holds.
  std::string required_kind = "infer";
  /// True when this key's field in `config` is an empty string (never for other types).
  std::function<bool(const JobConfig& config)> is_empty;
  /// Reads `value` into this key's field of `config`; returns "" or the problem
  /// ("must be a positive integer, got -3"), leaving the field alone.
  std::function<std::string(const YAML::Node& value, const Origin& origin, JobConfig& config)> read;
  /// Emits this key's value in `config`.
  std::function<void(YAML::Emitter& out, const JobConfig& config)> write;
};

/// Every accepted key, grouped by section, in documentation order.
const std::vector<KeySpec>& schema();

/// The section names (job, input, model, runtime, output), in documentation order.
const std::vector<std::string>& section_names();

/// The leaf names of `section`'s keys ("path", "encoder", ...), in documentation order.
std::vector<std::string> keys_of(std::string_view section);

/// The spec of `key` ("model.batch_size"), or nullptr when it is not accepted.
const KeySpec* find_key(std::string_view key);

/// Every key of `config` with its value, as a YAML map of sections in schema order.
std::string emit_effective_yaml(const JobConfig& config);

}  // namespace mpibatch::config::detail
