/// \file RunJob::train: the steps of a train job (docs/training.md) after the shared set-up.

#include <spdlog/spdlog.h>

#include <cmath>

#include "agreement.h"
#include "mpibatch/comm/packing.h"
#include "mpibatch/device/device_context.h"
#include "mpibatch/io/h5_result_writer.h"
#include "mpibatch/train/trainer.h"
#include "mpibatch/version.h"
#include "run_job.h"

namespace mpibatch::app {

using timing::Phase;

int RunJob::train() {
  if (device_.device != "cpu") {
    throw ConfigError({"runtime.device: train jobs run on CPU ranks so far (this rank chose " +
                       device_.device + "); set runtime.device: cpu"});
  }
  std::unique_ptr<io::H5ResultWriter> writer;
  std::unique_ptr<train::Trainer> trainer;
  run_on_all(comm_, [&] {
    if (root()) {
      io::H5WriterOptions options;
      options.overwrite = config_.output.overwrite || args_.resume;
      writer = std::make_unique<io::H5ResultWriter>(config_.output.path, options);
    }
    trainer = std::make_unique<train::Trainer>(comm_, config_, timer_, args_.resume);
  });
  const io::TrainRecords records = trainer->run();

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
  self.batch_size = config_.train.global_batch;
  self.items = trainer->samples_trained();
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
    for (const comm::Bytes& row : rows) ranks.push_back(comm::unpack<io::RankRecord>(row, "rank row"));
    io::RunInfo info;
    info.tool_version = kVersion;
    info.git_revision = kGitRevision;
    info.job_name = config_.job.name;
    info.job_kind = config_.job.kind;
    info.config_yaml = config_.effective_yaml;
    info.world_size = comm_.size();
    info.schedule = "data-parallel";
    info.start_time = start_time_;
    info.end_time = timing::utc_timestamp();
    info.torch_version = device::torch_version();
    info.mpi_version = comm_.library_version();
    info.attempt = trainer->attempt();
    writer->write_training(records);
    writer->commit(info, {}, ranks, {});
    spdlog::info("done: {} steps in {:.1f} s{}; results in {}, model in {}", records.steps.size(),
                 timer_.elapsed(),
                 std::isnan(trainer->final_accuracy())
                     ? std::string()
                     : fmt::format(", evaluation accuracy {:.2f}%", 100 * trainer->final_accuracy()),
                 config_.output.path, config_.train.export_model);
  });
  return 0;
}

}  // namespace mpibatch::app
