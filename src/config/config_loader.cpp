#include "mpibatch/config/config_loader.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <system_error>
#include <utility>

#include "mpibatch/error.h"
#include "schema.h"
#include "validators.h"
#include "yaml_layers.h"

namespace mpibatch::config {

namespace {

namespace fs = std::filesystem;
using detail::format_problem;
using detail::KeySpec;
using detail::Layer;
using detail::Origin;

/// The configuration as layers are applied to it, lowest priority first, and every problem.
class Builder {
 public:
  /// Applies every setting of `layer`: valid values replace earlier ones, problems are kept.
  void apply(const Layer& layer) {
    const auto visit = [this](const KeySpec& spec, const YAML::Node& value, const Origin& origin) {
      given_.insert(spec.key);
      const std::string problem = spec.read(value, origin, config_);
      if (problem.empty()) {
        origins_[spec.key] = origin.label;
      } else {
        problems_.push_back(format_problem(spec.key, problem, origin.label));
      }
    };
    detail::visit_settings(layer, visit, problems_);
  }

  JobConfig& config() { return config_; }
  std::vector<std::string>& problems() { return problems_; }
  /// Whether some layer set `key`, validly or not.
  bool given(const std::string& key) const { return given_.count(key) != 0; }
  /// Where `key`'s current value came from; "" for a default.
  std::string origin(const std::string& key) const {
    const auto it = origins_.find(key);
    return it == origins_.end() ? std::string() : it->second;
  }

  /// Every required key must have a non-empty value.
  void require_keys() {
    for (const auto& spec : detail::schema()) {
      const bool invalid = given(spec.key) && origin(spec.key).empty();  // already reported
      if (!spec.required.empty() && spec.required_kind == config_.job.kind &&
          spec.is_empty(config_) && !invalid) {
        problems_.push_back(
            format_problem(spec.key, "required; " + spec.required, origin(spec.key)));
      }
    }
  }

  /// Throws ConfigError with every problem, or returns the configuration with effective_yaml.
  JobConfig finish() {
    if (!problems_.empty()) throw ConfigError(problems_);
    config_.effective_yaml = detail::emit_effective_yaml(config_);
    return config_;
  }

 private:
  JobConfig config_;
  std::set<std::string> given_;
  std::map<std::string, std::string> origins_;
  std::vector<std::string> problems_;
};

/// job.name defaults to the job file's stem; output.path to <job.name>.h5 in the working
/// directory.
void fill_defaults(Builder& builder, const std::string& job_file) {
  JobConfig& config = builder.config();
  if (!builder.given("job.name")) {
    const std::string stem = fs::path(job_file).stem().string();
    const std::string problem = detail::check_job_name(stem);
    if (problem.empty()) {
      config.job.name = stem;
    } else {
      builder.problems().push_back(
          format_problem("job.name", problem,
                         "the default, from the job file name " + job_file + "; set job.name"));
    }
  }
  if (config.output.path.empty() && !config.job.name.empty()) {
    config.output.path =
        (fs::current_path() / (config.job.name + ".h5")).lexically_normal().string();
  }
  if (config.job.kind == "train" && !config.output.path.empty()) {
    const fs::path result(config.output.path);
    if (config.train.checkpoint.empty()) {
      config.train.checkpoint = fs::path(result).replace_extension(".ckpt").string();
    }
    if (config.train.export_model.empty()) {
      config.train.export_model = fs::path(result).replace_extension(".pt").string();
    }
  }
}

/// "" when `path` has the wanted type, else the problem.
std::string check_path(const std::string& path, bool must_be_regular_file) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (status.type() == fs::file_type::not_found) {
    return (must_be_regular_file ? "no such file '" : "no such file or directory '") + path + "'";
  }
  if (status.type() == fs::file_type::none) {
    return "cannot access '" + path + "': " + error.message();
  }
  if (must_be_regular_file && !fs::is_regular_file(status)) {
    return "not a regular file '" + path + "'";
  }
  if (!fs::is_regular_file(status) && !fs::is_directory(status)) {
    return "neither a file nor a directory '" + path + "'";
  }
  return {};
}

/// Every input.path must exist (file or directory); model.path and the encoder's files must be
/// existing regular files.
void check_paths(Builder& builder) {
  struct PathCheck {
    const char* key;
    const std::string& path;
    bool must_be_regular_file;
  };
  const JobConfig& config = builder.config();
  std::vector<PathCheck> checks;
  for (const std::string& book : config.input.paths) checks.push_back({"input.path", book, false});
  checks.push_back({"model.path", config.model.path, true});
  checks.push_back({"model.vocabulary", config.model.vocabulary, true});
  checks.push_back({"model.phoneme_map", config.model.phoneme_map, true});
  checks.push_back({"input.labels", config.input.labels, true});
  if (config.job.kind == "train") {
    checks.push_back({"train.data", config.train.data, true});
    checks.push_back({"train.labels", config.train.labels, true});
    checks.push_back({"train.eval_data", config.train.eval_data, true});
    checks.push_back({"train.eval_labels", config.train.eval_labels, true});
    if (!is_builtin_train_model(config.train.model)) {
      checks.push_back({"train.model", config.train.model, true});
    }
  }
  for (const auto& check : checks) {
    const std::string origin = builder.origin(check.key);
    if (check.path.empty() || origin.empty()) continue;  // missing or invalid: reported already
    const std::string problem = check_path(check.path, check.must_be_regular_file);
    if (!problem.empty()) builder.problems().push_back(format_problem(check.key, problem, origin));
  }
}

/// Keys that only make sense together: an encoder's file, audio output's sample rate, weights
/// for the weighted schedule, IDX labels.
void check_combinations(Builder& builder) {
  const JobConfig& config = builder.config();
  // An IDX dataset needs its labels file; an HDF5 dataset holds its labels.
  auto require_labels = [&](const char* data_key, const std::string& data, const char* labels_key,
                            const std::string& labels) {
    if (data.empty() || !labels.empty() || is_hdf5_dataset_path(data)) return;
    builder.problems().push_back(format_problem(
        labels_key,
        "required by the IDX file '" + data +
            "': its labels file (e.g. train-labels-idx1-ubyte.gz); an HDF5 dataset (.h5, "
            ".hdf5) holds its labels itself",
        builder.origin(data_key)));
  };
  if (config.job.kind == "train") {
    require_labels("train.data", config.train.data, "train.labels", config.train.labels);
    require_labels("train.eval_data", config.train.eval_data, "train.eval_labels",
                   config.train.eval_labels);
  } else if (infers_over_dataset(config) && !config.input.paths.empty()) {
    require_labels("input.path", config.input.paths[0], "input.labels", config.input.labels);
  }
  auto require = [&](bool missing, const char* key, const std::string& why) {
    if (missing) {
      builder.problems().push_back(
          format_problem(key, "required " + why, builder.origin("model.encoder")));
    }
  };
  require(config.model.encoder == "chars" && config.model.vocabulary.empty(), "model.vocabulary",
          "by model.encoder 'chars': a file with one character per line (docs/books.md)");
  require(config.model.encoder == "phonemes" && config.model.phoneme_map.empty(),
          "model.phoneme_map",
          "by model.encoder 'phonemes': a Piper voice config (.onnx.json) or a JSON file with "
          "phoneme_id_map (docs/books.md)");
  const fs::path audio(config.output.audio);
  const fs::path result(config.output.path);
  if (!config.output.audio.empty() &&
      std::mismatch(audio.begin(), audio.end(), result.begin(), result.end()).first ==
          audio.end()) {
    builder.problems().push_back(
        format_problem("output.audio",
                       "the audio folder '" + config.output.audio +
                           "' would hold the result file '" + config.output.path +
                           "' (the folder is replaced as a whole); choose a folder "
                           "beside it, e.g. '" +
                           (result.parent_path() / "audio").string() + "'",
                       builder.origin("output.audio")));
  }
  if (!config.runtime.rank_weights.empty() && config.runtime.schedule != "weighted") {
    builder.problems().push_back(format_problem(
        "runtime.rank_weights",
        "only used by runtime.schedule 'weighted' (schedule is '" + config.runtime.schedule +
            "'); set schedule: weighted or remove rank_weights",
        builder.origin("runtime.rank_weights")));
  }
  if (!config.output.audio.empty() && config.model.sample_rate <= 0) {
    builder.problems().push_back(format_problem(
        "model.sample_rate", "required by output.audio: the model's output rate in Hz, e.g. 22050",
        builder.origin("output.audio")));
  }
}

}  // namespace

JobConfig load_job_config(const LoadOptions& options) {
  // An unreadable or broken file is the only problem reported: what else would follow from
  // it (missing keys, say) is noise.
  std::vector<std::string> file_problems;
  std::vector<Layer> layers;
  if (!options.site_file.empty()) {
    auto site = detail::read_file_layer(options.site_file, detail::FileRole::kSite, file_problems);
    if (site) layers.push_back(std::move(*site));
  }
  if (options.job_file.empty()) {
    file_problems.push_back("no job file given; usage: mpibatch run JOB.yaml");
  } else {
    auto job = detail::read_file_layer(options.job_file, detail::FileRole::kJob, file_problems);
    if (job) layers.push_back(std::move(*job));
  }
  if (!file_problems.empty()) throw ConfigError(file_problems);

  Builder builder;
  for (const auto& layer : layers) builder.apply(layer);
  for (const auto& assignment : options.overrides) {
    if (auto layer = detail::read_override_layer(assignment, builder.problems())) {
      builder.apply(*layer);
    }
  }
  if (!options.output_path.empty()) builder.apply(detail::make_output_layer(options.output_path));
  fill_defaults(builder, options.job_file);
  builder.require_keys();
  check_combinations(builder);
  if (options.check_paths) check_paths(builder);
  return builder.finish();
}

JobConfig parse_effective_config(const std::string& effective_yaml) {
  const std::string source = "effective config";
  std::vector<std::string> problems;
  auto layer = detail::read_text_layer(effective_yaml, source, problems);
  if (!layer) throw ConfigError(problems);
  Builder builder;
  builder.apply(*layer);
  // An effective config lists every key; a missing one means it was not made by
  // load_job_config() of this version.
  for (const auto& spec : detail::schema()) {
    if (!builder.given(spec.key)) {
      builder.problems().push_back(format_problem(spec.key, "missing", source));
    }
  }
  builder.require_keys();
  return builder.finish();
}

std::vector<std::string> accepted_keys() {
  std::vector<std::string> keys;
  for (const auto& spec : detail::schema()) keys.push_back(spec.key);
  return keys;
}

std::string site_file_from(const std::string& cli_site) {
  if (!cli_site.empty()) return cli_site;
  const char* from_environment = std::getenv(kSiteEnvVar);
  return from_environment == nullptr ? std::string() : std::string(from_environment);
}

}  // namespace mpibatch::config
