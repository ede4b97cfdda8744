/// \file RunJob::train and RunJob::classify: the dataset jobs (docs/training.md) after the
/// shared set-up.

#include <spdlog/spdlog.h>

#include <cmath>

#include "agreement.h"
#include "mpibatch/comm/packing.h"
#include "mpibatch/io/h5_result_writer.h"
#include "mpibatch/train/classifier.h"
#include "mpibatch/train/trainer.h"
#include "run_job.h"

namespace mpibatch::app {

using timing::Phase;

int RunJob::train() {
  std::unique_ptr<io::H5ResultWriter> writer;
  std::unique_ptr<train::Trainer> trainer;
  run_on_all(comm_, [&] {
    if (!args_.dry_run) writer = make_dataset_writer();
    trainer =
        std::make_unique<train::Trainer>(comm_, config_, device_.device, timer_, args_.resume);
  });
  if (args_.dry_run) return dry_run_dataset_job();
  const io::TrainRecords records = trainer->run();
  const double accuracy = trainer->final_accuracy();
  const int code =
      static_cast<int>(trainer->interrupted_by() ? ExitCode::kInterrupted : ExitCode::kOk);
  commit_dataset_job(writer.get(), records, trainer->samples_trained(), trainer->attempt(), code,
                     fmt::format("{} steps{}", records.steps.size(),
                                 std::isnan(accuracy) ? std::string()
                                                      : fmt::format(", evaluation accuracy {:.2f}%",
                                                                    100 * accuracy)) +
                         (code == 0 ? "; model in " + config_.train.export_model
                                    : "; interrupted: resume with --resume"));
  return code;
}

int RunJob::classify() {
  std::unique_ptr<io::H5ResultWriter> writer;
  std::unique_ptr<train::DatasetClassifier> classifier;
  run_on_all(comm_, [&] {
    if (!args_.dry_run) writer = make_dataset_writer();
    classifier = std::make_unique<train::DatasetClassifier>(comm_, config_, device_.device, timer_);
  });
  if (args_.dry_run) return dry_run_dataset_job();
  const io::TrainRecords records = classifier->run();
  const io::EpochRecord& summary = records.epochs.front();
  commit_dataset_job(
      writer.get(), records, classifier->samples(), 0, 0,
      fmt::format("{} samples classified, loss {:.4f}, accuracy {:.2f}%", summary.eval_samples,
                  summary.eval_loss, 100 * summary.eval_accuracy));
  return 0;
}

int RunJob::dry_run_dataset_job() const {
  if (root()) {
    spdlog::info("dry run: the configuration, the dataset and the model check out ({} job on {} "
                 "ranks); nothing was trained or written",
                 config_.job.kind, comm_.size());
  }
  return 0;
}

std::unique_ptr<io::H5ResultWriter> RunJob::make_dataset_writer() const {
  if (!root()) return nullptr;
  io::H5WriterOptions options;
  options.overwrite = config_.output.overwrite || args_.resume;
  return std::make_unique<io::H5ResultWriter>(config_.output.path, options);
}

void RunJob::commit_dataset_job(io::H5ResultWriter* writer, const io::TrainRecords& records,
                                std::uint64_t samples, std::uint32_t attempt, int code,
                                const std::string& summary) {
  io::RankRecord self = rank_row();
  self.batch_size =
      config_.job.kind == "train" ? config_.train.global_batch : config_.model.batch_size;
  self.items = samples;
  timer_.enter(Phase::kWait);
  comm_.barrier();
  timer_.enter(Phase::kFinalize);
  const timing::PhaseTimer::Totals totals = timer_.totals();
  for (std::size_t p = 0; p < timing::kPhaseCount; ++p) self.phase_s[p] = totals.seconds[p];
  self.wall_s = totals.elapsed;
  self.end = totals.elapsed;
  const std::vector<comm::Bytes> rows = comm_.gather(comm::pack(self), 0);

  run_on_all(comm_, [&] {
    if (!root()) return;
    std::vector<io::RankRecord> ranks;
    for (const comm::Bytes& row : rows)
      ranks.push_back(comm::unpack<io::RankRecord>(row, "rank row"));
    io::RunInfo info = run_info(code);
    info.schedule = "shards";
    info.attempt = attempt;
    writer->write_training(records);
    writer->commit(info, {}, ranks, {});
    spdlog::info("done: {} in {:.1f} s; results in {}", summary, timer_.elapsed(),
                 config_.output.path);
  });
}

}  // namespace mpibatch::app
