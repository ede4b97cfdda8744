#pragma once
/// \file What a run leaves behind, as plain structs: the rows of /items, /ranks, /chapters, the
/// root attributes and one chapter's outputs. Written by ResultWriter, read by ResultReader;
/// the HDF5 layout is documented in docs/hdf5-schema.md.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "mpibatch/timing/phase_timer.h"

namespace mpibatch::io {

enum class ItemStatus : std::int8_t { kOk = 0, kFailed = 1, kSkipped = 2 };
const char* to_string(ItemStatus status);

/// One row of /items. Times are seconds on the run's common clock (0 = start of compute,
/// after a barrier of all ranks).
struct ItemRecord {
  std::uint64_t id = 0;
  std::uint32_t chapter = 0;
  std::uint32_t index = 0;  ///< position within the chapter
  std::int32_t rank = -1;   ///< rank that computed it
  ItemStatus status = ItemStatus::kOk;
  std::string error;               ///< why it failed or was skipped; empty when ok
  std::int32_t batch = -1;         ///< rank-local batch number
  std::uint32_t chars = 0;         ///< code points of input text
  std::uint32_t tokens = 0;        ///< encoded length
  std::int64_t output_length = 0;  ///< output rows (e.g. samples)
  double start = 0.0;              ///< its batch's start
  double end = 0.0;                ///< its batch's end
  double encode_s = 0.0;
  double compute_s = 0.0;     ///< its share of the batch's forward time, by tokens
  double write_s = 0.0;       ///< its share of its chapter's write time, by output size
  std::uint32_t attempt = 0;  ///< 0 = first run, n = n-th --resume

  template <class Archive>
  void serialize(Archive& ar) {
    ar(id, chapter, index, rank, status, error, batch, chars, tokens, output_length, start, end,
       encode_s, compute_s, write_s, attempt);
  }
};

/// One row of /ranks.
struct RankRecord {
  std::int32_t rank = 0;
  std::string host;
  std::int32_t local_rank = 0;
  std::int32_t local_size = 1;
  std::string device;         ///< "cpu", "cuda:0"
  std::string device_name;    ///< CPU model or GPU name
  std::string device_reason;  ///< why this device (auto-detection, fallback)
  std::int32_t intra_threads = 1;
  std::int32_t interop_threads = 1;
  std::int32_t batch_size = 1;  ///< items per model call (after any OOM back-off)
  std::int32_t streams = 1;     ///< model calls in flight at once (gpu.streams; 1 on CPU)
  std::uint64_t gpu_memory_total = 0;  ///< bytes; 0 on CPU
  std::uint64_t gpu_memory_peak = 0;   ///< bytes; 0 on CPU
  std::uint64_t items = 0;
  std::uint64_t items_failed = 0;
  double start = 0.0;                                 ///< common clock, first item
  double end = 0.0;                                   ///< common clock, done with its own work
  double wall_s = 0.0;                                ///< process start to final gather
  double simulated_speed = 1.0;  ///< runtime.simulate_speed: < 1 = compute slowed on purpose
  std::array<double, timing::kPhaseCount> phase_s{};  ///< indexed by timing::Phase

  double phase(timing::Phase p) const { return phase_s[static_cast<std::size_t>(p)]; }

  template <class Archive>
  void serialize(Archive& ar) {
    ar(rank, host, local_rank, local_size, device, device_name, device_reason, intra_threads,
       interop_threads, batch_size, streams, gpu_memory_total, gpu_memory_peak, items, items_failed, start,
       end, wall_s, simulated_speed, phase_s);
  }
};

/// One row of /chapters.
struct ChapterRecord {
  std::uint32_t index = 0;
  std::string title;
  std::string source;
  std::string language;            ///< BCP 47 tag; empty when unknown
  std::uint64_t first_item = 0;    ///< id of its first item
  std::uint32_t items = 0;         ///< 0 for a skipped (empty) chapter
  std::int64_t output_length = 0;  ///< rows in /results/<chapter>/values
};

/// One chapter's outputs, items in order: item k is rows [offsets[k], offsets[k+1]).
struct ChapterOutput {
  std::vector<float> values;                ///< rows x prod(feature_shape), row-major
  std::vector<std::int64_t> offsets;        ///< items + 1 entries, offsets[0] = 0
  std::vector<std::int64_t> feature_shape;  ///< trailing dims of each row; empty for 1-D
};

/// Root attributes.
/// job.kind train (docs/training.md, docs/hdf5-schema.md#train): one row of /train/steps.
struct StepRecord {
  std::uint64_t step = 0;     ///< 0-based over the whole run
  std::uint32_t epoch = 0;    ///< 0-based
  std::uint32_t samples = 0;  ///< in this step's global batch
  double lr = 0.0;            ///< learning rate used
  double loss = 0.0;          ///< mean cross-entropy over the global batch, before the update
  double seconds = 0.0;       ///< rank 0's wall time of the step
  std::uint32_t attempt = 0;  ///< the --resume run that computed it

  template <class Archive>
  void serialize(Archive& ar) {
    ar(step, epoch, samples, lr, loss, seconds, attempt);
  }
};

/// One row of /train/epochs; the evaluation fields are NaN when the epoch was not evaluated.
struct EpochRecord {
  std::uint32_t epoch = 0;
  double train_loss = 0.0;     ///< mean over the epoch's samples
  double eval_loss = 0.0;      ///< mean cross-entropy over the evaluation set
  double eval_accuracy = 0.0;  ///< fraction of the evaluation set classified right
  std::uint64_t eval_samples = 0;
  double seconds = 0.0;  ///< rank 0's wall time of the epoch, evaluation included
  std::uint32_t attempt = 0;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(epoch, train_loss, eval_loss, eval_accuracy, eval_samples, seconds, attempt);
  }
};

/// One row of /train/rank_epochs: where one rank's time went in one epoch.
struct RankEpochRecord {
  std::int32_t rank = 0;
  std::uint32_t epoch = 0;
  std::uint64_t samples = 0;  ///< trained on by this rank in this epoch
  double data_s = 0.0;        ///< assembling batches from the dataset
  double compute_s = 0.0;     ///< forward, backward, optimizer step
  double allreduce_s = 0.0;   ///< gradient and loss all-reduce (waiting for slower ranks too)
  double checkpoint_s = 0.0;  ///< writing checkpoints (rank 0)
  double eval_s = 0.0;        ///< evaluation
  std::uint32_t attempt = 0;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(rank, epoch, samples, data_s, compute_s, allreduce_s, checkpoint_s, eval_s, attempt);
  }
};

/// An infer job over a labelled dataset (input.format idx | hdf5): one row of /predictions.
struct PredictionRecord {
  std::uint64_t index = 0;     ///< the sample's position in the dataset
  std::int64_t label = 0;      ///< the dataset's label
  std::int64_t predicted = 0;  ///< argmax of the model's logits
  float confidence = 0.0f;     ///< softmax probability of `predicted`
  std::int32_t rank = 0;       ///< the rank that computed it

  template <class Archive>
  void serialize(Archive& ar) {
    ar(index, label, predicted, confidence, rank);
  }
};

/// Everything a train job, or an infer job over a dataset, records besides /ranks.
struct TrainRecords {
  std::vector<StepRecord> steps;
  std::vector<EpochRecord> epochs;
  std::vector<RankEpochRecord> rank_epochs;
  /// An infer job over a dataset: every sample's prediction, and one evaluation row
  /// (/evaluation: loss and accuracy over the dataset). Empty for a train job.
  std::vector<PredictionRecord> predictions;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(steps, epochs, rank_epochs, predictions);
  }
};

struct RunInfo {
  std::string tool_version;
  std::string git_revision;
  std::string job_name;
  std::string job_kind = "infer";  ///< infer | train
  std::string config_yaml;  ///< the merged, effective job configuration
  std::string job_hash;     ///< hash of inputs, model and result-relevant config
  std::int32_t world_size = 1;
  std::string schedule;    ///< scheduling policy
  std::string start_time;  ///< ISO 8601 UTC
  std::string end_time;
  std::int32_t exit_status = 0;  ///< ExitCode of the run
  std::string torch_version;
  std::string mpi_version;
  std::string hdf5_version;   ///< filled in by the writer (H5get_libversion); ignored on write
  std::string output_units;   ///< e.g. "samples"; attribute of /results
  double sample_rate = 0.0;   ///< Hz, 0 when not audio
  std::uint32_t attempt = 0;  ///< number of --resume runs that led to this file
};

}  // namespace mpibatch::io
