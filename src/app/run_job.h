#pragma once
/// \file RunJob: the steps of `mpibatch run` on one rank, in order.
///
/// Every set-up step runs under run_on_all(), so a bad job file, book, model or output path
/// ends every rank with the same exit code and one message from rank 0. Then the pipeline
/// runs; rank 0 commits the result file and every rank returns the job's exit code.

#include <memory>
#include <string>

#include "job_plan.h"
#include "mpibatch/comm/communicator.h"
#include "mpibatch/config/job_config.h"
#include "mpibatch/device/device_context.h"
#include "mpibatch/device/thread_budget.h"
#include "mpibatch/encode/encoder.h"
#include "mpibatch/io/h5_result_writer.h"
#include "mpibatch/io/result_parts.h"
#include "mpibatch/io/result_writer.h"
#include "mpibatch/model/model_runner.h"
#include "mpibatch/pipeline/pipeline.h"
#include "mpibatch/timing/phase_timer.h"
#include "run_command.h"

namespace mpibatch::app {

class RunJob {
 public:
  RunJob(comm::Communicator& comm, timing::PhaseTimer& timer, const RunArgs& args,
         std::string start_time);
  ~RunJob();
  /// Runs every step; returns the exit code. Throws JobFailed (all ranks) or anything else
  /// (this rank only).
  int run();

 private:
  void load_config();
  void set_up_rank();
  void prepare_work();
  void load_model();
  int dry_run();
  int execute();
  /// Dataset jobs (run_train.cpp): job.kind train, and an infer job over a labelled dataset.
  int train();
  int classify();
  /// --dry-run of a dataset job: set-up done (data read, model built, checkpoint checked); logs
  /// that nothing was trained or written and returns 0.
  int dry_run_dataset_job() const;
  /// This rank's /ranks row with what set-up decided (host, device, threads).
  io::RankRecord rank_row() const;
  /// The root attributes every result file gets, for exit code `code`.
  io::RunInfo run_info(int code) const;
  /// run_info() with what an infer job over a book adds (hash, units, attempt).
  io::RunInfo book_run_info(int code) const;
  /// Rank 0: the result file's writer, created at once (fails early); null elsewhere.
  std::unique_ptr<io::H5ResultWriter> make_dataset_writer() const;
  /// Gathers the rank rows and, on rank 0, writes `records` and commits the file.
  void commit_dataset_job(io::H5ResultWriter* writer, const io::TrainRecords& records,
                          std::uint64_t samples, std::uint32_t attempt, int code,
                          const std::string& summary);
  /// The pipeline options from the config, for this rank (attempt not set).
  pipeline::PipelineOptions pipeline_options() const;
  /// Rank 0: root attributes, tables, rename to the final name.
  void commit(const pipeline::PipelineResult& result, int code);
  bool root() const { return comm_.rank() == 0; }
  /// Model calls in flight at once on this rank: gpu.streams on a GPU, 1 on a CPU.
  int streams() const { return device_.device == "cpu" ? 1 : config_.gpu.streams; }

  comm::Communicator& comm_;
  timing::PhaseTimer& timer_;
  const RunArgs& args_;
  std::string start_time_;
  config::JobConfig config_;
  device::DeviceChoice device_;
  device::ThreadBudget threads_;
  JobPlan plan_;                              ///< rank 0
  std::uint32_t attempt_ = 0;                 ///< 0, or 1 + the resumed file's attempt
  std::unique_ptr<io::ResultWriter> writer_;  ///< rank 0: HDF5, with audio files if asked
  std::unique_ptr<io::ResultParts> parts_;    ///< rank 0, unless output.commit_interval is 0
  std::unique_ptr<encode::Encoder> encoder_;
  std::unique_ptr<model::ModelRunner> model_;   ///< the TorchScript model
  std::unique_ptr<model::ModelRunner> runner_;  ///< model_ behind the OOM back-off
};

}  // namespace mpibatch::app
