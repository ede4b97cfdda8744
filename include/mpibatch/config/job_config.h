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

/// Chapters first..last of a book, 1-based, inclusive; last = 0 means "to the end".
struct ChapterRange {
  int first = 1;
  int last = 0;
  bool operator==(const ChapterRange& other) const {
    return first == other.first && last == other.last;
  }
};

struct JobSection {
  std::string name;            ///< default: the job file's stem
  std::string kind = "infer";  ///< only "infer" so far
};

struct InputSection {
  /// Books in order: each a folder of chapter files, a text/Markdown/HTML file or an EPUB.
  std::vector<std::string> paths;
  std::string format = "auto";  ///< auto | text | markdown | html | epub
  std::vector<std::string> extensions = {".txt", ".md", ".markdown", ".html", ".htm", ".xhtml"};
  std::string chapter_heading = "auto";  ///< regex for single-file books, or "auto"
  std::vector<ChapterRange> chapters;    ///< of each book, reading order; empty = all
  std::string language = "auto";         ///< BCP 47 tag, or auto = the book's metadata
  SplitMode split = SplitMode::kSentence;
  int max_chars = 400;  ///< upper bound on an item's length in code points
};

struct ModelSection {
  std::string path;                   ///< TorchScript file
  std::string encoder = "bytes";      ///< bytes | chars | phonemes
  std::string vocabulary;             ///< chars: one character per line (docs/books.md)
  std::string phoneme_map;            ///< phonemes: Piper voice config or phoneme_id_map JSON
  std::string espeak_voice = "auto";  ///< phonemes: espeak-ng voice, auto = map or language
  int batch_size = 8;
  std::string output_units;  ///< recorded as an attribute, e.g. "samples"
  double sample_rate = 0.0;  ///< Hz when outputs are audio, else 0
};

struct RuntimeSection {
  std::string schedule = "dynamic";  ///< dynamic | weighted | static (sched::make_policy)
  /// weighted: relative speed of each rank (one per rank); empty = measured by calibration.
  std::vector<double> rank_weights;
  std::string device = "auto";              ///< auto | cpu | cuda | cuda:N
  std::string on_missing_gpu = "fallback";  ///< fallback | error
  int threads_per_rank = 0;                 ///< 0 = auto
  int interop_threads = 1;
  std::string log_dir;  ///< per-rank log files when set
  /// A rank stops running its items after the model failed on this many in a row; 0 = never.
  int max_consecutive_failures = 32;
  /// TESTING KNOB: per rank, the fraction of its real speed to run at (model calls stretched
  /// by sleeping); ranks past the list run at 1. Recorded in /ranks.simulated_speed.
  std::vector<double> simulate_speed;
};

/// GPU ranks only (CPU ranks ignore it): docs/gpu.md.
struct GpuSection {
  std::string select = "local_rank";  ///< local_rank | most_free_memory (device/gpu_binding.h)
  std::string precision = "fp32";     ///< fp32 | fp16 | bf16 (autocast)
  bool tf32 = true;                   ///< TF32 tensor cores for fp32 matmuls and convolutions
  bool cudnn_benchmark = false;       ///< let cuDNN time its algorithms per input shape
  int streams = 1;                    ///< batches in flight at once, each on its own CUDA stream
  bool release_memory = false;        ///< return cached GPU memory to the driver between chapters
};

struct OutputSection {
  std::string path;  ///< default: <job.name>.h5 in the working directory
  bool overwrite = false;
  int compression = 0;  ///< gzip level 0-9 for /results
  std::string audio;    ///< folder for one audio file per chapter + playlist; "" = none
  std::string audio_format = "wav";  ///< wav | flac (16-bit PCM)
  double audio_pause = 0.4;          ///< seconds of silence between items
  std::string audio_level = "peak";  ///< peak (normalize each chapter) | clip
};

struct JobConfig {
  JobSection job;
  InputSection input;
  ModelSection model;
  RuntimeSection runtime;
  GpuSection gpu;
  OutputSection output;
  /// Every accepted key with its final value, as YAML; stored in the result file and sent to
  /// the other ranks, which rebuild an identical JobConfig with parse_effective_config().
  std::string effective_yaml;
};

}  // namespace mpibatch::config
