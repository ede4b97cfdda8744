#include "run_job.h"

#include <fmt/ranges.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "agreement.h"
#include "logging.h"
#include "mpibatch/audio/audio_book_writer.h"
#include "mpibatch/config/config_loader.h"
#include "mpibatch/io/h5_result_writer.h"
#include "mpibatch/model/oom_backoff_runner.h"
#include "mpibatch/pipeline/interrupt.h"
#include "mpibatch/model/torchscript_runner.h"
#include "mpibatch/pipeline/pipeline.h"
#include "mpibatch/version.h"
#include "rank_picture.h"

namespace mpibatch::app {

using timing::Phase;

namespace {

/// The HDF5 writer, wrapped by the audio writer when output.audio is set. A resumed run
/// replaces its earlier files.
std::unique_ptr<io::ResultWriter> make_result_writer(const config::JobConfig& config, bool resume) {
  io::H5WriterOptions options;
  options.compression = config.output.compression;
  options.overwrite = config.output.overwrite || resume;
  auto h5 = std::make_unique<io::H5ResultWriter>(config.output.path, options);
  if (config.output.audio.empty()) return h5;
  audio::AudioOptions audio;
  audio.folder = config.output.audio;
  audio.format = config.output.audio_format;
  audio.sample_rate = config.model.sample_rate;
  audio.pause_s = config.output.audio_pause;
  audio.level = config.output.audio_level;
  audio.overwrite = options.overwrite;
  audio.playlist = config.job.name;
  return std::make_unique<audio::AudioBookWriter>(std::move(h5), std::move(audio));
}

/// --dry-run: the problems creating the writers would report (an existing result without
/// overwrite, a folder that cannot be written), found without touching any file, so that a dry
/// run beside a running job leaves that job's .partial files alone.
void check_output_locations(const config::JobConfig& config, bool resume) {
  namespace fs = std::filesystem;
  const bool overwrite = config.output.overwrite || resume;
  const std::pair<const char*, const std::string&> outputs[] = {
      {"output.path", config.output.path}, {"output.audio", config.output.audio}};
  for (const auto& [key, path] : outputs) {
    if (path.empty()) continue;
    std::error_code ec;
    if (fs::exists(path, ec) && !overwrite) {
      throw InputError(fmt::format(
          "{}: '{}' already exists; choose another path or set output.overwrite: true", key, path));
    }
    fs::path parent = fs::path(path).parent_path();
    while (!parent.empty() && !fs::exists(parent, ec)) parent = parent.parent_path();
    if (::access(parent.c_str(), W_OK) != 0) {
      throw InputError(fmt::format("{}: cannot write in '{}': {}; choose a writable location", key,
                                   parent.string(), std::strerror(errno)));
    }
  }
}

/// The committed parts of an earlier run that died (NOTE [result parts]) hold results: a run
/// without --resume replaces them only with output.overwrite (then `remove` removes them).
void check_earlier_parts(const config::JobConfig& config, bool resume, bool remove) {
  if (resume || io::ResultParts::list(config.output.path).empty()) return;
  const std::string folder = io::ResultParts::folder(config.output.path);
  if (!config.output.overwrite) {
    throw InputError(fmt::format(
        "output.path: '{}' holds results of an earlier run of '{}' that did not finish; run "
        "with --resume to keep them, or set output.overwrite: true to start over",
        folder, config.output.path));
  }
  if (remove) io::ResultParts::remove_all(config.output.path);
}

/// runtime.rank_weights must give one weight per rank of this run.
void check_rank_weights(const config::JobConfig& config, int ranks) {
  const std::size_t weights = config.runtime.rank_weights.size();
  if (weights == 0 || weights == static_cast<std::size_t>(ranks)) return;
  throw ConfigError({fmt::format(
      "runtime.rank_weights: {} weight{} for {} ranks; give one per rank (as many as the ranks "
      "the job is started with) or remove the key to measure them",
      weights, weights == 1 ? "" : "s", ranks)});
}

}  // namespace

RunJob::RunJob(comm::Communicator& comm, timing::PhaseTimer& timer, const RunArgs& args,
               std::string start_time)
    : comm_(comm), timer_(timer), args_(args), start_time_(std::move(start_time)) {}

RunJob::~RunJob() = default;

int RunJob::run() {
  load_config();
  set_up_rank();
  if (config_.job.kind == "train") return train();
  if (config::infers_over_dataset(config_)) return classify();
  prepare_work();
  load_model();
  return args_.dry_run ? dry_run() : execute();
}

void RunJob::load_config() {
  timer_.enter(Phase::kInit);
  comm::Bytes yaml;
  run_on_all(comm_, [&] {
    if (!root()) return;
    spdlog::info("mpibatch {} ({}), {} rank(s), {}", kVersion, kGitRevision, comm_.size(),
                 comm_.library_version());
    config::LoadOptions options;
    options.job_file = args_.job_file;
    options.site_file = config::site_file_from(args_.site);
    options.overrides = args_.overrides;
    options.output_path = args_.output;
    config_ = config::load_job_config(options);
    check_rank_weights(config_, comm_.size());
    yaml = config_.effective_yaml;
  });
  comm_.broadcast(yaml, 0);
  run_on_all(comm_, [&] {
    if (!root()) config_ = config::parse_effective_config(yaml);
    if (!config_.runtime.log_dir.empty()) add_rank_log_file(config_.runtime.log_dir, comm_.rank());
  });
}

void RunJob::set_up_rank() {
  const RankPicture picture = gather_rank_picture(comm_, config_.runtime.device != "cpu");
  run_on_all(comm_, [&] {
    const device::DeviceRequest request = device_request(
        picture, config_.runtime.device, config_.runtime.on_missing_gpu, config_.gpu.select);
    device_ = device::choose_device(request, picture.cuda);
    if (device_.fell_back) spdlog::warn("{}", device_.reason);
    // Once per group of ranks sharing GPUs, not once per rank.
    if (device_.warning && request.slot.slot == 0) spdlog::warn("{}", *device_.warning);
  });
  const device::ThreadRequest request =
      thread_request(picture, config_.runtime.device, config_.runtime.threads_per_rank,
                     config_.runtime.interop_threads);
  threads_ = device::plan_threads(request);
  device::apply_thread_budget(threads_);

  const std::string line = fmt::format(
      "rank {} on {}: {} ({}); {} intra-op + {} inter-op threads ({})", comm_.rank(), comm_.host(),
      device_.device, device_.reason, threads_.intra_op, threads_.inter_op, threads_.reason);
  for (const comm::Bytes& rank_line : comm_.gather(line, 0)) spdlog::info("{}", rank_line);
  if (root() && threads_.intra_op > 1 && std::getenv("OMP_WAIT_POLICY") == nullptr) {
    spdlog::info(
        "hint: with several threads per rank, export OMP_WAIT_POLICY=PASSIVE to the "
        "ranks so idle OpenMP threads sleep instead of spinning (docs/threads.md)");
  }
}

void RunJob::prepare_work() {
  timer_.enter(root() ? Phase::kRead : Phase::kWait);
  run_on_all(comm_, [&] {
    if (!root()) return;
    plan_ = plan_job(config_);
    spdlog::info("book '{}': {} chapters, {} items, {} chars (split by {}, at most {} chars)",
                 plan_.book_title, plan_.work.chapters.size(), plan_.work.items.size(),
                 plan_.total_chars,
                 config_.input.split == config::SplitMode::kSentence ? "sentence" : "paragraph",
                 config_.input.max_chars);
    for (const std::string& chapter : plan_.empty_chapters) {
      spdlog::warn("chapter {} has no text; skipped", chapter);
    }
    if (args_.resume) {
      std::uint32_t earlier = 0;
      plan_.work.reused = load_reusable_results(config_.output.path, plan_, &earlier);
      attempt_ = earlier + 1;
      const std::size_t kept = plan_.work.reused.records.size();
      spdlog::info("resuming '{}': {} of {} items kept, {} to run", config_.output.path, kept,
                   plan_.work.items.size(), plan_.work.items.size() - kept);
    }
    check_earlier_parts(config_, args_.resume, !args_.dry_run);
    if (args_.dry_run) {
      check_output_locations(config_, args_.resume);
    } else {
      writer_ = make_result_writer(config_, args_.resume);
      if (config_.output.commit_interval > 0) {
        parts_ = std::make_unique<io::ResultParts>(
            config_.output.path, book_run_info(static_cast<int>(ExitCode::kInterrupted)),
            io::ResultParts::Options{config_.output.commit_interval, config_.output.compression});
      }
    }
  });
}

void RunJob::load_model() {
  timer_.enter(Phase::kModelLoad);
  run_on_all(comm_, [&] {
    encode::EncoderOptions encoder;
    encoder.name = config_.model.encoder;
    encoder.vocabulary = config_.model.vocabulary;
    encoder.phoneme_map = config_.model.phoneme_map;
    encoder.espeak_voice = config_.model.espeak_voice;
    encoder_ = encode::make_encoder(encoder);
    model::RunnerOptions options;
    options.path = config_.model.path;
    options.device = device_.device;
    options.precision = config_.gpu.precision;
    options.tf32 = config_.gpu.tf32;
    options.cudnn_benchmark = config_.gpu.cudnn_benchmark;
    options.streams = static_cast<std::size_t>(streams());
    auto runner = std::make_unique<model::TorchScriptRunner>(options);
    if (!config_.output.audio.empty() && !runner->feature_shape().empty()) {
      throw ModelError(fmt::format(
          "output.audio needs one sample per output row, but '{}' returns rows of shape [{}] "
          "(on the probe batch); use a model that returns waveforms [B, S], or remove "
          "output.audio",
          config_.model.path, fmt::join(runner->feature_shape(), ", ")));
    }
    if (streams() != config_.gpu.streams) {
      spdlog::info("gpu.streams={} applies to GPU ranks; this rank runs on {} one batch at a time",
                   config_.gpu.streams, device_.device);
    }
    model_ = std::move(runner);
    runner_ = std::make_unique<model::OomBackoffRunner>(
        *model_, static_cast<std::size_t>(config_.model.batch_size * streams()));
  });
  spdlog::info("model: {} (loaded in {:.2f} s)", runner_->describe(),
               timer_.seconds(Phase::kModelLoad));
}

int RunJob::dry_run() {
  if (root()) {
    const auto shares = pipeline::assign_items(plan_.work, pipeline_options(), comm_.size());
    spdlog::info("dry run: {} of {} items to run ({} kept from before), schedule '{}'",
                 plan_.work.items.size() - plan_.work.reused.records.size(),
                 plan_.work.items.size(), plan_.work.reused.records.size(),
                 config_.runtime.schedule);
    if (!shares) {
      spdlog::info("  the {} schedule hands out chunks while the job runs, by measured speed",
                   config_.runtime.schedule);
    }
    for (std::size_t r = 0; shares && r < shares->size(); ++r) {
      const auto& share = (*shares)[r];
      std::uint64_t chars = 0;
      for (std::size_t i : share) chars += plan_.work.items[i].chars;
      spdlog::info(
          "  rank {}: {} items, {} chars{}", r, share.size(), chars,
          share.empty() ? "" : fmt::format(" (items {}..{})", share.front(), share.back()));
    }
    spdlog::info("dry run: nothing computed, nothing written (output would be '{}')",
                 config_.output.path);
  }
  return 0;
}

pipeline::PipelineOptions RunJob::pipeline_options() const {
  pipeline::PipelineOptions options;
  options.schedule = config_.runtime.schedule;
  options.rank_weights = config_.runtime.rank_weights;
  options.batch_size = config_.model.batch_size;
  options.streams = streams();
  options.max_consecutive_failures = config_.runtime.max_consecutive_failures;
  options.progress_interval_s = config_.runtime.progress_interval;
  options.stall_timeout_s = config_.runtime.stall_timeout;
  options.release_memory = config_.gpu.release_memory;
  const auto& speeds = config_.runtime.simulate_speed;
  const auto rank = static_cast<std::size_t>(comm_.rank());
  options.simulated_speed = rank < speeds.size() ? speeds[rank] : 1.0;
  return options;
}

io::RankRecord RunJob::rank_row() const {
  io::RankRecord self;
  self.rank = comm_.rank();
  self.host = comm_.host();
  self.local_rank = comm_.local_rank();
  self.local_size = comm_.local_size();
  self.device = device_.device;
  self.device_name = device_.name;
  self.device_reason = device_.reason;
  self.intra_threads = threads_.intra_op;
  self.interop_threads = threads_.inter_op;
  return self;
}

io::RunInfo RunJob::run_info(int code) const {
  io::RunInfo info;
  info.tool_version = kVersion;
  info.git_revision = kGitRevision;
  info.job_name = config_.job.name;
  info.job_kind = config_.job.kind;
  info.config_yaml = config_.effective_yaml;
  info.world_size = comm_.size();
  info.schedule = config_.runtime.schedule;
  info.start_time = start_time_;
  info.end_time = timing::utc_timestamp();
  info.exit_status = code;
  info.torch_version = device::torch_version();
  info.mpi_version = comm_.library_version();
  return info;
}

io::RunInfo RunJob::book_run_info(int code) const {
  io::RunInfo info = run_info(code);
  info.job_hash = plan_.job_hash;
  info.output_units = config_.model.output_units;
  info.sample_rate = config_.model.sample_rate;
  info.attempt = attempt_;
  return info;
}

int RunJob::execute() {
  io::RankRecord self = rank_row();
  self.batch_size = config_.model.batch_size;
  self.streams = streams();
  self.gpu_memory_total = device_.memory_total;

  pipeline::RankContext context{comm_, *runner_, *encoder_, timer_};
  pipeline::PipelineOptions options = pipeline_options();
  options.parts = parts_.get();
  options.attempt = comm_.all_reduce_max(static_cast<int>(attempt_));  // known on rank 0
  const auto& speeds = config_.runtime.simulate_speed;
  self.simulated_speed = options.simulated_speed;
  if (root() && !speeds.empty()) {
    spdlog::warn(
        "runtime.simulate_speed [{}] is set: ranks are slowed down ON PURPOSE (a testing knob); "
        "recorded in /ranks.simulated_speed",
        fmt::join(speeds, ", "));
  }
  const pipeline::PipelineResult result =
      pipeline::run_pipeline(context, plan_.work, writer_.get(), options, self);
  if (const std::string unmapped = encoder_->unmapped_summary(); !unmapped.empty()) {
    spdlog::warn("{} encoder on rank {}: {}", encoder_->name(), comm_.rank(), unmapped);
  }

  // Rank 0 decides: interrupted by a signal means exit code 4 (resumable), else any item not
  // ok (failed, or skipped) means exit code 1.
  const bool all_ok = std::all_of(result.items.begin(), result.items.end(), [](const auto& item) {
    return item.status == io::ItemStatus::kOk;
  });
  const int code = static_cast<int>(result.interrupted_by != 0 ? ExitCode::kInterrupted
                                    : all_ok                   ? ExitCode::kOk
                                                               : ExitCode::kItemsFailed);
  run_on_all(comm_, [&] {  // a failed commit (disk full, ...) is one message and exit 3
    if (root()) commit(result, code);
  });
  return comm_.all_reduce_max(code);
}

void RunJob::commit(const pipeline::PipelineResult& result, int code) {
  writer_->commit(book_run_info(code), result.chapters, result.ranks, result.items);
  parts_.reset();
  io::ResultParts::remove_all(config_.output.path);  // the result file holds all they held
  const double wall = timer_.elapsed();
  const auto skipped = static_cast<std::size_t>(
      std::count_if(result.items.begin(), result.items.end(),
                    [](const auto& item) { return item.status == io::ItemStatus::kSkipped; }));
  // Skipped items were not computed (interrupted, or the model kept failing).
  const std::size_t computed = result.items.size() - plan_.work.reused.records.size() - skipped;
  spdlog::info(
      "done: {} items ({} computed, {} failed, {} skipped) in {:.1f} s ({:.1f} items/s); "
      "results in {}",
      result.items.size(), computed, result.failed, skipped, wall,
      static_cast<double>(computed) / wall, config_.output.path);
  if (result.interrupted_by != 0) {
    spdlog::warn("interrupted by {}: {} items not run; run the job again with --resume to "
                 "finish it (exit code 4)",
                 pipeline::signal_name(result.interrupted_by), skipped);
  }
}

}  // namespace mpibatch::app
