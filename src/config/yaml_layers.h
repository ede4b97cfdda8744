#pragma once
/// \file Configuration layers: YAML documents from files, --set, --output and effective configs,
/// and the walk that turns a layer into (key, value, origin) settings.
///
/// Layers are applied lowest priority first (defaults, site profile, job file, each --set in
/// order, --output); a key set by a later layer replaces the earlier value as a whole (lists
/// are replaced, not appended to).

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "schema.h"
#include "validators.h"

namespace mpibatch::config::detail {

/// One YAML document of settings and where it came from.
struct Layer {
  YAML::Node root;                 ///< a map of sections, or null (nothing set)
  std::string source;              ///< "jobs/x.yaml", "--set", "--output", "effective config"
  std::filesystem::path base_dir;  ///< absolute; anchors relative paths from this layer
  bool has_lines = false;          ///< origins are "source:line" (text), else just "source"

  /// The origin of a value whose key is at `mark`.
  Origin origin_at(const YAML::Mark& mark) const;
};

/// The role of a file layer, which words its messages.
enum class FileRole { kJob, kSite };

/// Reads and parses a YAML file. On failure appends one problem
/// ("jobs/x.yaml: cannot read job file: No such file or directory",
///  "jobs/x.yaml:12:5: invalid YAML: ...", "jobs/x.yaml: job file is empty") and returns nullopt.
std::optional<Layer> read_file_layer(const std::string& file, FileRole role,
                                     std::vector<std::string>& problems);

/// Parses YAML text such as JobConfig::effective_yaml, named `source` in messages; paths
/// are anchored at the working directory. Same failures as read_file_layer().
std::optional<Layer> read_text_layer(const std::string& text, const std::string& source,
                                     std::vector<std::string>& problems);

/// Parses one "--set key.path=value" assignment (value parsed as YAML). A bad assignment
/// appends a problem naming it and returns nullopt.
std::optional<Layer> read_override_layer(const std::string& assignment,
                                         std::vector<std::string>& problems);

/// The --output path as a layer setting output.path, anchored at the working directory.
Layer make_output_layer(const std::string& output_path);

/// Called for each accepted key a layer sets.
using SettingVisitor =
    std::function<void(const KeySpec& spec, const YAML::Node& value, const Origin& origin)>;

/// Walks `layer` in document order, calling `visit` for each accepted key, and appending a
/// problem for each unknown section or key (with a suggestion), each section that is not a
/// map and each key given twice.
void visit_settings(const Layer& layer, const SettingVisitor& visit,
                    std::vector<std::string>& problems);

/// "key: message (origin)", or "key: message" when origin is empty.
std::string format_problem(const std::string& key, const std::string& message,
                           const std::string& origin);

}  // namespace mpibatch::config::detail
