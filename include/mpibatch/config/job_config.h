#pragma once
/// \file JobConfig: the validated, typed job configuration (reference: docs/config.md).
///
/// Built by load_job_config() (config/config_loader.h) from, lowest priority first: built-in
/// defaults, an optional site profile (configs/<site>.yaml), the job file, then --set
/// overrides. Paths are absolute once loaded (relative paths in a file are resolved against
/// that file's directory, those from --set against the working directory).

#include <cctype>
#include <filesystem>
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
  std::string kind = "infer";  ///< infer (books through a model) | train (docs/training.md)
};

struct InputSection {
  /// Books in order: each a folder of chapter files, a text/Markdown/HTML file or an EPUB.
  std::vector<std::string> paths;
  /// auto | text | markdown | html | epub, or idx | hdf5: a labelled dataset to classify
  std::string format = "auto";
  std::string labels;  ///< IDX labels file of an idx dataset
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
  /// Seconds between rank 0's progress log lines; 0 = only the final line.
  double progress_interval = 10.0;
  /// Seconds a rank may hold items without sending anything before rank 0 reports it as
  /// stalled (naming its item); 0 = never.
  double stall_timeout = 600.0;
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
  /// Seconds between commits of finished chapters to <path>.parts/ (NOTE [result parts] in
  /// io/result_parts.h); 0 = none.
  double commit_interval = 60.0;
  std::string audio;    ///< folder for one audio file per chapter + playlist; "" = none
  std::string audio_format = "wav";  ///< wav | flac (16-bit PCM)
  double audio_pause = 0.4;          ///< seconds of silence between items
  std::string audio_level = "peak";  ///< peak (normalize each chapter) | clip
};

/// job.kind train only: data-parallel training (docs/training.md).
struct TrainSection {
  std::string data;         ///< training set: an IDX images file, or an HDF5 file (.h5, .hdf5)
  std::string labels;       ///< IDX labels file (IDX only)
  std::string eval_data;    ///< evaluation set, same format; "" = none
  std::string eval_labels;  ///< IDX labels of the evaluation set
  std::string x_name = "/x";  ///< HDF5: the samples dataset
  std::string y_name = "/y";  ///< HDF5: the labels dataset
  std::string model = "mlp";  ///< mlp | cnn | a TorchScript file with trainable parameters
  std::string optimizer = "sgd";  ///< sgd (with momentum) | adamw
  double lr = 0.05;
  double momentum = 0.9;  ///< sgd only
  double weight_decay = 0.0;
  std::string lr_schedule = "cosine";  ///< constant | cosine (after warm-up)
  int warmup_steps = 0;                ///< linear warm-up from 0 over this many steps
  int epochs = 5;
  int global_batch = 128;  ///< samples per step over all ranks
  int seed = 1;            ///< initial weights and the per-epoch shuffle
  int eval_every = 1;      ///< epochs between evaluations; 0 = after the last only
  int checkpoint_every = 0;  ///< steps between checkpoints; 0 = at the end only
  std::string checkpoint;    ///< default: the result file with .ckpt for .h5
  std::string export_model;  ///< TorchScript of the trained model; default: result file .pt
  int bucket_mb = 25;        ///< gradient all-reduce bucket size (MiB)
};

/// True for train.model values naming a built-in model rather than a TorchScript file.
inline bool is_builtin_train_model(const std::string& model) {
  return model == "mlp" || model == "cnn";
}

/// True for a dataset file read as HDF5 (.h5, .hdf5, any case); others are read as IDX.
inline bool is_hdf5_dataset_path(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".h5" || ext == ".hdf5";
}

struct JobConfig {
  JobSection job;
  InputSection input;
  ModelSection model;
  RuntimeSection runtime;
  GpuSection gpu;
  OutputSection output;
  TrainSection train;
  /// Every accepted key with its final value, as YAML; stored in the result file and sent to
  /// the other ranks, which rebuild an identical JobConfig with parse_effective_config().
  std::string effective_yaml;
};

/// True for an infer job over a labelled dataset (docs/training.md#inference-over-a-dataset)
/// rather than a book: input.format idx or hdf5, or auto with one input.path that is an HDF5
/// file (.h5, .hdf5) or an IDX file (a name containing "-ubyte").
inline bool infers_over_dataset(const JobConfig& config) {
  const InputSection& input = config.input;
  if (input.format == "idx" || input.format == "hdf5") return true;
  if (input.format != "auto" || input.paths.size() != 1) return false;
  return is_hdf5_dataset_path(input.paths[0]) || input.paths[0].find("-ubyte") != std::string::npos;
}

}  // namespace mpibatch::config
