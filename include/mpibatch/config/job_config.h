#pragma once
/// \file JobConfig: the validated, typed job configuration (reference: docs/config.md).
///
/// Built by load_job_config() (config/config_loader.h) from, lowest priority first: built-in
/// defaults, an optional site profile (configs/<site>.yaml), the job file, then --set
/// overrides. Paths are absolute once loaded (relative paths in a file are resolved against
/// that file's directory, those from --set against the working directory).

#include <string>
#include <vector>

namespace mpibatch::config {

enum class SplitMode { kSentence, kParagraph };

struct JobSection {
  std::string name;            ///< default: the job file's stem
  std::string kind = "infer";  ///< only "infer" so far
};

struct InputSection {
  std::string path;  ///< a folder of chapter files or one text/Markdown file
  std::vector<std::string> extensions = {".txt", ".md", ".markdown"};
  std::string chapter_heading = "auto";  ///< regex for single-file books, or "auto"
  SplitMode split = SplitMode::kSentence;
  int max_chars = 400;  ///< upper bound on an item's length in code points
};

struct ModelSection {
  std::string path;  ///< TorchScript file
  std::string encoder = "bytes";
  int batch_size = 8;
  std::string output_units;  ///< recorded as an attribute, e.g. "samples"
  double sample_rate = 0.0;  ///< Hz when outputs are audio, else 0
};

struct RuntimeSection {
  std::string schedule = "static";
  std::string device = "auto";              ///< auto | cpu | cuda | cuda:N
  std::string on_missing_gpu = "fallback";  ///< fallback | error
  int threads_per_rank = 0;                 ///< 0 = auto
  int interop_threads = 1;
  std::string log_dir;  ///< per-rank log files when set
  /// A rank stops running its items after the model failed on this many in a row; 0 = never.
  int max_consecutive_failures = 32;
};

struct OutputSection {
  std::string path;  ///< default: <job.name>.h5 in the working directory
  bool overwrite = false;
  int compression = 0;  ///< gzip level 0-9 for /results
};

struct JobConfig {
  JobSection job;
  InputSection input;
  ModelSection model;
  RuntimeSection runtime;
  OutputSection output;
  /// Every accepted key with its final value, as YAML; stored in the result file and sent to
  /// the other ranks, which rebuild an identical JobConfig with parse_effective_config().
  std::string effective_yaml;
};

}  // namespace mpibatch::config
