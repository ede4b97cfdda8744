#include "yaml_layers.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

#include "suggest.h"

namespace mpibatch::config::detail {

namespace {

/// Parses `text` into `out`; on a syntax error appends "source:line:column: invalid YAML: ..."
/// (without the position when `with_position` is false).
bool parse_yaml(const std::string& text, const std::string& source, YAML::Node& out,
                std::vector<std::string>& problems, bool with_position = true) {
  try {
    out = YAML::Load(text);
    return true;
  } catch (const YAML::Exception& e) {
    std::string where = source;
    if (with_position && !e.mark.is_null()) {
      where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    }
    problems.push_back(where + ": invalid YAML: " + e.msg);
    return false;
  }
}

std::filesystem::path working_directory() { return std::filesystem::current_path(); }

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

/// {segments[i]: {segments[i+1]: ... value}}.
YAML::Node nest(const std::vector<std::string>& segments, std::size_t i, const YAML::Node& value) {
  if (i == segments.size()) return value;
  YAML::Node map(YAML::NodeType::Map);
  map[segments[i]] = nest(segments, i + 1, value);
  return map;
}

std::string unknown_section_message(const std::string& name) {
  if (const auto section = closest_match(name, section_names())) {
    return "unknown section; did you mean '" + *section + "'?";
  }
  // A key written at the top level, outside its section ("batch_size: 8").
  std::vector<std::string> leaves;
  for (const auto& spec : schema()) leaves.push_back(spec.leaf);
  if (const auto leaf = closest_match(name, leaves)) {
    std::vector<std::string> keys;
    for (const auto& spec : schema()) {
      if (spec.leaf == *leaf) keys.push_back("'" + spec.key + "'");
    }
    return std::string("unknown section; did you mean ") + (keys.size() == 1 ? "" : "one of ") +
           join(keys) + "? (keys go inside their section)";
  }
  return "unknown section; the sections are " + join(section_names());
}

std::string unknown_key_message(const std::string& section, const std::string& leaf) {
  if (const auto match = closest_match(leaf, keys_of(section))) {
    return "unknown key; did you mean '" + section + "." + *match + "'?";
  }
  // A key put in the wrong section ("model.threads_per_rank").
  std::vector<std::string> other_leaves;
  std::vector<std::string> other_keys;
  for (const auto& spec : schema()) {
    if (spec.section == section) continue;
    other_leaves.push_back(spec.leaf);
    other_keys.push_back(spec.key);
  }
  if (const auto match = closest_match(leaf, other_leaves)) {
    for (std::size_t i = 0; i < other_leaves.size(); ++i) {
      if (other_leaves[i] == *match) {
        return "unknown key; did you mean '" + other_keys[i] + "'? (it belongs to section " +
               other_keys[i].substr(0, other_keys[i].find('.')) + ")";
      }
    }
  }
  return "unknown key; the keys of " + section + " are " + join(keys_of(section));
}

bool is_section(const std::string& name) {
  for (const auto& section : section_names()) {
    if (section == name) return true;
  }
  return false;
}

/// ", also at line N" for file layers, "" for the others.
std::string also_at(const Layer& layer, const YAML::Mark& first) {
  if (!layer.has_lines || first.is_null()) return {};
  return ", also at line " + std::to_string(first.line + 1);
}

}  // namespace

Origin Layer::origin_at(const YAML::Mark& mark) const {
  Origin origin;
  origin.label = source;
  if (has_lines && !mark.is_null()) origin.label += ":" + std::to_string(mark.line + 1);
  origin.base_dir = base_dir;
  return origin;
}

std::optional<Layer> read_file_layer(const std::string& file, FileRole role,
                                     std::vector<std::string>& problems) {
  const std::string what = role == FileRole::kJob ? "job file" : "site profile";
  std::error_code ignored;
  if (std::filesystem::is_directory(file, ignored)) {
    problems.push_back(file + ": cannot read " + what + ": it is a directory");
    return std::nullopt;
  }
  // A FIFO or device would block or never end: only regular files (or links to them).
  if (std::filesystem::exists(file, ignored) && !std::filesystem::is_regular_file(file, ignored)) {
    problems.push_back(file + ": cannot read " + what +
                       ": not a regular file (a pipe or device?); give a YAML file");
    return std::nullopt;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    problems.push_back(file + ": cannot read " + what + ": " + std::strerror(errno));
    return std::nullopt;
  }
  std::ostringstream content;
  content << in.rdbuf();
  Layer layer;
  layer.source = file;
  layer.base_dir = std::filesystem::absolute(file).lexically_normal().parent_path();
  layer.has_lines = true;
  if (!parse_yaml(content.str(), file, layer.root, problems)) return std::nullopt;
  if (layer.root.IsNull() && role == FileRole::kJob) {
    problems.push_back(file + ": job file is empty");
    return std::nullopt;
  }
  return layer;
}

std::optional<Layer> read_text_layer(const std::string& text, const std::string& source,
                                     std::vector<std::string>& problems) {
  Layer layer;
  layer.source = source;
  layer.base_dir = working_directory();
  layer.has_lines = true;
  if (!parse_yaml(text, source, layer.root, problems)) return std::nullopt;
  if (layer.root.IsNull()) {
    problems.push_back(source + ": is empty");
    return std::nullopt;
  }
  return layer;
}

std::optional<Layer> read_override_layer(const std::string& assignment,
                                         std::vector<std::string>& problems) {
  const std::string named = "--set " + assignment;
  const auto equals = assignment.find('=');
  std::vector<std::string> segments;
  if (equals != std::string::npos) {
    std::istringstream key(trim(assignment.substr(0, equals)));
    for (std::string segment; std::getline(key, segment, '.');) segments.push_back(segment);
    if (!key.str().empty() && key.str().back() == '.') segments.push_back({});
  }
  const bool bad_key = segments.empty() || [&] {
    for (const auto& segment : segments) {
      if (segment.empty() || segment.find_first_of(" \t") != std::string::npos) return true;
    }
    return false;
  }();
  if (bad_key) {
    problems.push_back(named + ": expected key.path=value, e.g. --set model.batch_size=16");
    return std::nullopt;
  }
  YAML::Node value;
  if (!parse_yaml(assignment.substr(equals + 1), named, value, problems, false)) {
    return std::nullopt;
  }
  Layer layer;
  layer.root = nest(segments, 0, value);
  layer.source = "--set";
  layer.base_dir = working_directory();
  return layer;
}

Layer make_output_layer(const std::string& output_path) {
  Layer layer;
  layer.root = nest({"output", "path"}, 0, YAML::Node(output_path));
  layer.source = "--output";
  layer.base_dir = working_directory();
  return layer;
}

void visit_settings(const Layer& layer, const SettingVisitor& visit,
                    std::vector<std::string>& problems) {
  if (layer.root.IsNull()) return;
  if (!layer.root.IsMap()) {
    const Origin origin = layer.origin_at(layer.root.Mark());
    problems.push_back(origin.label + ": must be a map of sections (" + join(section_names()) +
                       "), got " + describe(layer.root));
    return;
  }
  std::map<std::string, YAML::Mark> seen;  // sections and keys of this layer
  auto first_time = [&](const std::string& name, const YAML::Mark& mark, const Origin& origin,
                        const std::string& what) {
    const auto [it, inserted] = seen.emplace(name, mark);
    if (!inserted) {
      problems.push_back(
          format_problem(name, what + " given twice" + also_at(layer, it->second), origin.label));
    }
    return inserted;
  };
  for (const auto& section_entry : layer.root) {
    const YAML::Node& name_node = section_entry.first;
    const YAML::Node& body = section_entry.second;
    const Origin origin = layer.origin_at(name_node.Mark());
    if (!name_node.IsScalar()) {
      problems.push_back("sections must be plain names, got " + describe(name_node) + " (" +
                         origin.label + ")");
      continue;
    }
    const std::string name = name_node.Scalar();
    if (!is_section(name)) {
      problems.push_back(format_problem(name, unknown_section_message(name), origin.label));
      continue;
    }
    first_time(name, name_node.Mark(), origin, "section");
    if (body.IsNull()) continue;
    if (!body.IsMap()) {
      problems.push_back(format_problem(
          name, "must be a map of keys (" + join(keys_of(name)) + "), got " + describe(body),
          origin.label));
      continue;
    }
    for (const auto& key_entry : body) {
      const Origin key_origin = layer.origin_at(key_entry.first.Mark());
      if (!key_entry.first.IsScalar()) {
        problems.push_back(format_problem(
            name, "keys must be plain names, got " + describe(key_entry.first), key_origin.label));
        continue;
      }
      const std::string key = name + "." + key_entry.first.Scalar();
      const KeySpec* spec = find_key(key);
      if (spec == nullptr) {
        problems.push_back(format_problem(key, unknown_key_message(name, key_entry.first.Scalar()),
                                          key_origin.label));
      } else if (first_time(key, key_entry.first.Mark(), key_origin, "key")) {
        visit(*spec, key_entry.second, key_origin);
      }
    }
  }
}

std::string format_problem(const std::string& key, const std::string& message,
                           const std::string& origin) {
  return key + ": " + message + (origin.empty() ? "" : " (" + origin + ")");
}

}  // namespace mpibatch::config::detail
