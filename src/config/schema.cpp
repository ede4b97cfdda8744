#include "schema.h"

#include <algorithm>
#include <utility>

namespace mpibatch::config::detail {

namespace {

bool is_empty_value(const std::string& value) { return value.empty(); }
bool is_empty_value(const std::vector<std::string>& value) { return value.empty(); }
template <typename T>
bool is_empty_value(const T&) {
  return false;
}

/// A row of the schema: `key` is stored in config.*section.*field and read with `codec`.
template <typename Section, typename T>
KeySpec row(std::string key, Section JobConfig::*section, T Section::*field, Codec<T> codec,
            std::string required = {}, std::string required_kind = "infer") {
  KeySpec spec;
  const auto dot = key.find('.');
  spec.section = key.substr(0, dot);
  spec.leaf = key.substr(dot + 1);
  spec.key = std::move(key);
  spec.required = std::move(required);
  spec.required_kind = std::move(required_kind);
  spec.read = [section, field, read = std::move(codec.read)](
                  const YAML::Node& value, const Origin& origin, JobConfig& config) {
    return read(value, origin, config.*section.*field);
  };
  spec.write = [section, field, write = std::move(codec.write)](YAML::Emitter& out,
                                                                const JobConfig& config) {
    write(out, config.*section.*field);
  };
  spec.is_empty = [section, field](const JobConfig& config) {
    return is_empty_value(config.*section.*field);
  };
  return spec;
}

std::vector<KeySpec> make_schema() {
  using C = JobConfig;
  return {
      row("job.name", &C::job, &JobSection::name, job_name()),
      row("job.kind", &C::job, &JobSection::kind, one_of({"infer", "train"})),

      row("input.path", &C::input, &InputSection::paths, path_list(),
          "the book: a folder, a text, Markdown, HTML or EPUB file, or a list of them"),
      row("input.format", &C::input, &InputSection::format,
          one_of({"auto", "text", "markdown", "html", "epub", "idx", "hdf5"})),
      row("input.labels", &C::input, &InputSection::labels, path()),
      row("input.extensions", &C::input, &InputSection::extensions, extension_list()),
      row("input.chapter_heading", &C::input, &InputSection::chapter_heading, heading_pattern()),
      row("input.chapters", &C::input, &InputSection::chapters, chapter_ranges()),
      row("input.language", &C::input, &InputSection::language, language_tag()),
      row("input.split", &C::input, &InputSection::split, split_mode()),
      row("input.max_chars", &C::input, &InputSection::max_chars, positive_int()),

      row("model.path", &C::model, &ModelSection::path, path(),
          "the TorchScript model file (.pt) to run"),
      row("model.encoder", &C::model, &ModelSection::encoder,
          one_of({"bytes", "chars", "phonemes"})),
      row("model.vocabulary", &C::model, &ModelSection::vocabulary, path()),
      row("model.phoneme_map", &C::model, &ModelSection::phoneme_map, path()),
      row("model.espeak_voice", &C::model, &ModelSection::espeak_voice, text()),
      row("model.batch_size", &C::model, &ModelSection::batch_size, positive_int()),
      row("model.output_units", &C::model, &ModelSection::output_units, text()),
      row("model.sample_rate", &C::model, &ModelSection::sample_rate, non_negative_number()),

      row("runtime.schedule", &C::runtime, &RuntimeSection::schedule,
          one_of({"dynamic", "weighted", "static"})),
      row("runtime.rank_weights", &C::runtime, &RuntimeSection::rank_weights, rank_weights()),
      row("runtime.device", &C::runtime, &RuntimeSection::device, device()),
      row("runtime.on_missing_gpu", &C::runtime, &RuntimeSection::on_missing_gpu,
          one_of({"fallback", "error"})),
      row("runtime.threads_per_rank", &C::runtime, &RuntimeSection::threads_per_rank,
          thread_count()),
      row("runtime.interop_threads", &C::runtime, &RuntimeSection::interop_threads, positive_int()),
      row("runtime.log_dir", &C::runtime, &RuntimeSection::log_dir, path()),
      row("runtime.max_consecutive_failures", &C::runtime,
          &RuntimeSection::max_consecutive_failures, int_in_range(0, 1000000)),
      row("runtime.progress_interval", &C::runtime, &RuntimeSection::progress_interval,
          non_negative_number()),
      row("runtime.stall_timeout", &C::runtime, &RuntimeSection::stall_timeout,
          non_negative_number()),
      row("runtime.simulate_speed", &C::runtime, &RuntimeSection::simulate_speed,
          speed_fractions()),

      row("gpu.select", &C::gpu, &GpuSection::select, one_of({"local_rank", "most_free_memory"})),
      row("gpu.precision", &C::gpu, &GpuSection::precision, one_of({"fp32", "fp16", "bf16"})),
      row("gpu.tf32", &C::gpu, &GpuSection::tf32, boolean()),
      row("gpu.cudnn_benchmark", &C::gpu, &GpuSection::cudnn_benchmark, boolean()),
      row("gpu.streams", &C::gpu, &GpuSection::streams, int_in_range(1, 16)),
      row("gpu.release_memory", &C::gpu, &GpuSection::release_memory, boolean()),

      row("output.path", &C::output, &OutputSection::path, path()),
      row("output.overwrite", &C::output, &OutputSection::overwrite, boolean()),
      row("output.compression", &C::output, &OutputSection::compression, int_in_range(0, 9)),
      row("output.commit_interval", &C::output, &OutputSection::commit_interval,
          non_negative_number()),
      row("output.audio", &C::output, &OutputSection::audio, path()),
      row("output.audio_format", &C::output, &OutputSection::audio_format, one_of({"wav", "flac"})),
      row("output.audio_pause", &C::output, &OutputSection::audio_pause, non_negative_number()),
      row("output.audio_level", &C::output, &OutputSection::audio_level, one_of({"peak", "clip"})),

      row("train.data", &C::train, &TrainSection::data, path(),
          "the training set: an IDX images file or an HDF5 file", "train"),
      row("train.labels", &C::train, &TrainSection::labels, path()),
      row("train.eval_data", &C::train, &TrainSection::eval_data, path()),
      row("train.eval_labels", &C::train, &TrainSection::eval_labels, path()),
      row("train.x_name", &C::train, &TrainSection::x_name, text()),
      row("train.y_name", &C::train, &TrainSection::y_name, text()),
      row("train.model", &C::train, &TrainSection::model, text()),
      row("train.optimizer", &C::train, &TrainSection::optimizer, one_of({"sgd", "adamw"})),
      row("train.lr", &C::train, &TrainSection::lr, non_negative_number()),
      row("train.momentum", &C::train, &TrainSection::momentum, non_negative_number()),
      row("train.weight_decay", &C::train, &TrainSection::weight_decay, non_negative_number()),
      row("train.lr_schedule", &C::train, &TrainSection::lr_schedule,
          one_of({"constant", "cosine"})),
      row("train.warmup_steps", &C::train, &TrainSection::warmup_steps, int_in_range(0, 100000000)),
      row("train.epochs", &C::train, &TrainSection::epochs, int_in_range(1, 1000000)),
      row("train.global_batch", &C::train, &TrainSection::global_batch, positive_int()),
      row("train.seed", &C::train, &TrainSection::seed, int_in_range(0, 2147483647)),
      row("train.eval_every", &C::train, &TrainSection::eval_every, int_in_range(0, 1000000)),
      row("train.checkpoint_every", &C::train, &TrainSection::checkpoint_every,
          int_in_range(0, 100000000)),
      row("train.checkpoint", &C::train, &TrainSection::checkpoint, path()),
      row("train.export_model", &C::train, &TrainSection::export_model, path()),
      row("train.bucket_mb", &C::train, &TrainSection::bucket_mb, int_in_range(1, 4096)),
  };
}

}  // namespace

const std::vector<KeySpec>& schema() {
  static const std::vector<KeySpec> kSchema = make_schema();
  return kSchema;
}

const std::vector<std::string>& section_names() {
  static const std::vector<std::string> kSections = [] {
    std::vector<std::string> sections;
    for (const auto& spec : schema()) {
      if (std::find(sections.begin(), sections.end(), spec.section) == sections.end()) {
        sections.push_back(spec.section);
      }
    }
    return sections;
  }();
  return kSections;
}

std::vector<std::string> keys_of(std::string_view section) {
  std::vector<std::string> leaves;
  for (const auto& spec : schema()) {
    if (spec.section == section) leaves.push_back(spec.leaf);
  }
  return leaves;
}

const KeySpec* find_key(std::string_view key) {
  for (const auto& spec : schema()) {
    if (spec.key == key) return &spec;
  }
  return nullptr;
}

std::string emit_effective_yaml(const JobConfig& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  std::string section;
  for (const auto& spec : schema()) {
    if (spec.section != section) {
      if (!section.empty()) out << YAML::EndMap;
      section = spec.section;
      out << YAML::Key << section << YAML::Value << YAML::BeginMap;
    }
    out << YAML::Key << spec.leaf << YAML::Value;
    spec.write(out, config);
  }
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace mpibatch::config::detail
