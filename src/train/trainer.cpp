#include "mpibatch/train/trainer.h"

#include <spdlog/spdlog.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <cmath>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <limits>

#include "checkpoint.h"
#include "grad_buckets.h"
#include "mpibatch/comm/packing.h"
#include "mpibatch/error.h"
#include "mpibatch/model/gpu_precision.h"
#include "mpibatch/pipeline/fault_injection.h"
#include "mpibatch/pipeline/interrupt.h"
#include "mpibatch/train/lr_schedule.h"
#include "mpibatch/train/shards.h"
#include "samples.h"
#include "train_model.h"
#include "train_step.h"

namespace mpibatch::train {

using timing::Phase;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kEvalChunk = 256;  ///< samples per evaluation forward

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const config::TrainSection& train,
                                                        const std::vector<at::Tensor>& params) {
  if (train.optimizer == "adamw") {
    return std::make_unique<torch::optim::AdamW>(
        params, torch::optim::AdamWOptions(train.lr).weight_decay(train.weight_decay));
  }
  return std::make_unique<torch::optim::SGD>(
      params,
      torch::optim::SGDOptions(train.lr).momentum(train.momentum).weight_decay(train.weight_decay));
}

}  // namespace

struct Trainer::Impl {
  comm::Communicator& comm;
  const config::JobConfig& config;
  const config::TrainSection& train;
  timing::PhaseTimer& timer;
  torch::Device device;
  model::GpuPrecision precision;
  io::Dataset data;
  io::Dataset eval;
  torch::jit::Module module;
  std::vector<at::Tensor> params;
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  std::string identity;
  TrainState state;
  std::uint64_t samples = 0;
  double accuracy = kNaN;

  Impl(comm::Communicator& c, const config::JobConfig& cfg, const std::string& d,
       timing::PhaseTimer& t)
      : comm(c),
        config(cfg),
        train(cfg.train),
        timer(t),
        device(d),
        precision(cfg.gpu.precision, cfg.gpu.tf32, cfg.gpu.cudnn_benchmark, d) {}

  /// Samples [begin, end) of `order` (of `dataset`) on this rank's device.
  std::pair<at::Tensor, at::Tensor> batch_on_device(const io::Dataset& dataset,
                                                    const std::vector<std::uint32_t>& order,
                                                    std::size_t begin, std::size_t end) const {
    auto [x, y] = batch_of(dataset, order, begin, end);
    return {x.to(device), y.to(device)};
  }

  std::size_t global_batch() const { return static_cast<std::size_t>(train.global_batch); }
  std::uint64_t steps_per_epoch() const {
    return train::steps_per_epoch(data.size(), global_batch());
  }
  std::uint64_t total_steps() const {
    return steps_per_epoch() * static_cast<std::uint64_t>(train.epochs);
  }

  void broadcast_parameters() {
    std::vector<float> values = flatten_values(params);
    comm::Bytes bytes(values.size() * sizeof(float), '\0');
    std::memcpy(bytes.data(), values.data(), bytes.size());
    comm.broadcast(bytes, 0);
    std::memcpy(values.data(), bytes.data(), bytes.size());
    unflatten_values(values, params);
  }

  /// Floating-point buffers (e.g. batch-norm statistics) averaged over the ranks.
  void average_buffers() {
    std::vector<at::Tensor> buffers;
    for (const at::Tensor& b : module.buffers()) {
      if (b.is_floating_point()) buffers.push_back(b);
    }
    if (buffers.empty()) return;
    std::vector<float> values = flatten_values(buffers);
    comm.all_reduce_sum(values.data(), values.size());
    for (float& v : values) v /= static_cast<float>(comm.size());
    unflatten_values(values, buffers);
  }

  /// Mean loss and accuracy over the evaluation set, each rank taking an even part.
  std::pair<double, double> evaluate() {
    const Range mine = rank_part(eval.size(), comm.size(), comm.rank());
    double sums[3] = {0.0, 0.0, static_cast<double>(mine.size())};  // loss, correct, samples
    module.eval();
    {
      torch::NoGradGuard no_grad;
      for (std::size_t begin = mine.begin; begin < mine.end; begin += kEvalChunk) {
        const auto [x, y] =
            batch_on_device(eval, {}, begin, std::min(mine.end, begin + kEvalChunk));
        const at::Tensor logits = forward_logits(module, x, precision);
        sums[0] += summed_cross_entropy(logits, y).item<double>();
        sums[1] += logits.argmax(1).eq(y).sum().item<double>();
      }
    }
    module.train();
    comm.all_reduce_sum(sums, 3);
    return {sums[0] / sums[2], sums[1] / sums[2]};
  }

  int interrupted_by = 0;  ///< the signal that stopped training (NOTE [interruption]), or 0

  void checkpoint() {
    if (comm.rank() == 0) {
      save_checkpoint(train.checkpoint, module, *optimizer, state, config.effective_yaml, identity);
    }
  }
};

Trainer::Trainer(comm::Communicator& comm, const config::JobConfig& config,
                 const std::string& device, timing::PhaseTimer& timer, bool resume)
    : impl_(std::make_unique<Impl>(comm, config, device, timer)) {
  Impl& s = *impl_;
  if (s.device.is_cuda() && config.gpu.precision == "fp16") {
    throw ConfigError({"gpu.precision: fp16 training needs loss scaling, which train jobs do "
                       "not do; use bf16 (compute capability 8.0 or newer) or fp32"});
  }
  timer.enter(Phase::kRead);
  s.data = read_dataset(s.train.data, s.train.labels, s.train.x_name, s.train.y_name);
  if (s.data.size() == 0) {
    throw InputError("train.data: '" + s.train.data + "' has no samples; give a training set");
  }
  if (!s.train.eval_data.empty())
    s.eval = read_dataset(s.train.eval_data, s.train.eval_labels, s.train.x_name, s.train.y_name);
  if (s.eval.size() > 0 && s.eval.sample_shape != s.data.sample_shape) {
    throw InputError("train.eval_data: '" + s.train.eval_data +
                     "' has samples of another shape than train.data; use the same dataset's "
                     "test split");
  }
  timer.enter(Phase::kModelLoad);
  const std::int64_t classes = std::max(s.data.classes(), s.eval.classes());
  s.module = make_train_model(s.train.model, s.data.sample_shape, classes,
                              static_cast<std::uint64_t>(s.train.seed));
  s.module.to(s.device);
  for (const at::Tensor& p : s.module.parameters()) {
    if (p.requires_grad()) s.params.push_back(p);
  }
  s.optimizer = make_optimizer(s.train, s.params);
  s.identity = job_identity(s.train.model, s.train.data, s.train.global_batch, s.train.seed,
                            s.train.optimizer);
  torch::manual_seed(static_cast<std::uint64_t>(s.train.seed));
  if (resume) {
    s.state = load_checkpoint(s.train.checkpoint, s.module, *s.optimizer, s.identity, s.device);
    s.state.attempt += 1;
  }
}

Trainer::~Trainer() = default;

io::TrainRecords Trainer::run() {
  Impl& s = *impl_;
  comm::Communicator& comm = s.comm;
  timing::PhaseTimer& timer = s.timer;
  const timing::Clock& clock = timer.clock();
  timer.enter(Phase::kComm);
  s.broadcast_parameters();
  // GPU and CPU ranks in one job: the same summed gradients, but their optimizer steps run
  // other kernels and may round differently, so rank 0's parameters are broadcast again after
  // every epoch to keep one model.
  double gpu_ranks[1] = {s.device.is_cuda() ? 1.0 : 0.0};
  comm.all_reduce_sum(gpu_ranks, 1);
  const bool mixed_devices = gpu_ranks[0] > 0 && gpu_ranks[0] < comm.size();
  GradBuckets buckets(s.params, static_cast<std::size_t>(s.train.bucket_mb) << 20, comm);
  const std::uint64_t per_epoch = s.steps_per_epoch();
  const std::uint64_t total = s.total_steps();
  const auto checkpoint_every = static_cast<std::uint64_t>(s.train.checkpoint_every);
  if (comm.rank() == 0) {
    spdlog::info(
        "training {} on {} samples{}: {} epochs of {} steps, global batch {} over {} "
        "ranks, {} gradient bucket(s){}{}",
        s.train.model, s.data.size(),
        s.eval.size() ? " (" + std::to_string(s.eval.size()) + " to evaluate)" : "", s.train.epochs,
        per_epoch, s.train.global_batch, comm.size(), buckets.buckets(),
        buckets.through_host() ? " summed through host memory" : "",
        s.state.step ? ", resuming at step " + std::to_string(s.state.step) : "");
    if (mixed_devices) {
      spdlog::info("{} of {} ranks train on GPUs, the others on CPUs: rank 0's parameters are "
                   "broadcast after every epoch to keep one model",
                   gpu_ranks[0], comm.size());
    }
  }
  io::TrainRecords& records = s.state.records;
  std::vector<io::RankEpochRecord> mine;
  const std::optional<pipeline::Fault> fault = pipeline::fault_from_environment();
  bool interrupted = false;

  while (s.state.step < total && !interrupted) {
    const auto epoch = static_cast<std::uint32_t>(s.state.step / per_epoch);
    const auto order = epoch_order(s.data.size(), static_cast<std::uint64_t>(s.train.seed), epoch);
    const auto before = timer.totals().seconds;
    const double epoch_start = clock.now();
    io::RankEpochRecord row;
    row.rank = comm.rank();
    row.epoch = epoch;
    row.attempt = s.state.attempt;
    double loss_sum = 0.0;  // over the epoch's global batches, on every rank
    std::uint64_t epoch_samples = 0;
    for (std::uint64_t in_epoch = s.state.step % per_epoch; in_epoch < per_epoch && !interrupted;
         ++in_epoch) {
      if (fault && fault->rank == comm.rank() &&
          static_cast<std::uint64_t>(fault->batch) == s.state.step)
        fault->inject();
      const double step_start = clock.now();
      const Range batch = step_range(s.data.size(), s.global_batch(), in_epoch);
      const Range part = rank_part(batch.size(), comm.size(), comm.rank());
      const double lr =
          learning_rate(s.train.lr_schedule, s.train.lr,
                        static_cast<std::uint64_t>(s.train.warmup_steps), total, s.state.step);
      for (auto& group : s.optimizer->param_groups()) group.options().set_lr(lr);

      timer.enter(Phase::kEncode);
      // [0]: this rank's loss share; [1]: 1 if a signal interrupted it (NOTE [interruption]):
      // summed with the loss, so every rank stops after the same step at no extra message.
      double local[2] = {0.0, 0.0};
      buckets.zero();
      if (part.size() > 0) {
        const auto [x, y] =
            s.batch_on_device(s.data, order, batch.begin + part.begin, batch.begin + part.end);
        timer.enter(Phase::kCompute);
        local[0] = forward_backward(s.module, x, y, batch.size(), s.precision);
      }
      timer.enter(Phase::kComm);
      buckets.finish();
      local[1] = pipeline::interrupt_signal() != 0 ? 1.0 : 0.0;
      comm.all_reduce_sum(local, 2);
      interrupted = local[1] > 0;
      timer.enter(Phase::kCompute);
      s.optimizer->step();
      s.samples += part.size();
      row.samples += part.size();
      loss_sum += local[0] * static_cast<double>(batch.size());
      epoch_samples += batch.size();
      records.steps.push_back({s.state.step, epoch, static_cast<std::uint32_t>(batch.size()), lr,
                               local[0], clock.now() - step_start, s.state.attempt});
      ++s.state.step;
      if (interrupted && s.state.step < total) {
        timer.enter(Phase::kWrite);
        s.checkpoint();
        s.interrupted_by =
            pipeline::interrupt_signal() != 0 ? pipeline::interrupt_signal() : SIGTERM;
        if (comm.rank() == 0) {
          spdlog::warn(
              "interrupted at step {} of {}: checkpoint written to {}; run the job again "
              "with --resume to continue (exit code 4)",
              s.state.step, total, s.train.checkpoint);
        }
      } else if (checkpoint_every > 0 && s.state.step % checkpoint_every == 0 &&
                 s.state.step < total) {
        timer.enter(Phase::kWrite);
        s.checkpoint();
      }
    }
    // An interrupted epoch has no summary (its loss covers part of it); --resume continues it.
    if (s.interrupted_by == 0) {
      timer.enter(Phase::kComm);
      s.average_buffers();
      if (mixed_devices) s.broadcast_parameters();
      io::EpochRecord summary{
          epoch,          loss_sum / static_cast<double>(epoch_samples), kNaN, kNaN, 0, 0.0,
          s.state.attempt};
      const bool last = s.state.step >= total;
      const bool due = s.train.eval_every > 0 &&
                       (epoch + 1) % static_cast<std::uint32_t>(s.train.eval_every) == 0;
      if (s.eval.size() > 0 && (last || due)) {
        timer.enter(Phase::kCompute);
        const double eval_start = clock.now();
        const auto [loss, accuracy] = s.evaluate();
        row.eval_s = clock.now() - eval_start;
        summary.eval_loss = loss;
        summary.eval_accuracy = accuracy;
        summary.eval_samples = s.eval.size();
        s.accuracy = accuracy;
      }
      summary.seconds = clock.now() - epoch_start;
      records.epochs.push_back(summary);
      if (comm.rank() == 0) {
        spdlog::info("epoch {}/{}: train loss {:.4f}{} ({:.1f} s)", epoch + 1, s.train.epochs,
                     summary.train_loss,
                     std::isnan(summary.eval_accuracy)
                         ? std::string()
                         : fmt::format(", eval loss {:.4f}, accuracy {:.2f}%", summary.eval_loss,
                                       100.0 * summary.eval_accuracy),
                     summary.seconds);
      }
    }
    const auto after = timer.totals().seconds;
    auto spent = [&](Phase p) {
      const auto i = static_cast<std::size_t>(p);
      return after[i] - before[i];
    };
    row.data_s = spent(Phase::kEncode);
    row.compute_s = spent(Phase::kCompute) - row.eval_s;
    row.allreduce_s = spent(Phase::kComm);
    row.checkpoint_s = spent(Phase::kWrite);
    mine.push_back(row);
  }
  timer.enter(Phase::kWrite);
  if (s.interrupted_by == 0) s.checkpoint();  // else written at the interruption
  if (comm.rank() == 0 && s.interrupted_by == 0) {
    const std::string temporary = s.train.export_model + ".partial";
    s.module.eval();
    s.module.to(torch::kCPU);  // loads anywhere; an infer job moves it to its own device
    s.module.save(temporary);
    std::filesystem::rename(temporary, s.train.export_model);
    spdlog::info("trained model exported as TorchScript: {} (forward(x) -> logits)",
                 s.train.export_model);
  }

  // Every rank's per-epoch rows to rank 0, after the earlier attempts' rows.
  timer.enter(Phase::kComm);
  for (const comm::Bytes& part : comm.gather(comm::pack(mine), 0)) {
    const auto rows = comm::unpack<std::vector<io::RankEpochRecord>>(part, "epoch rows");
    records.rank_epochs.insert(records.rank_epochs.end(), rows.begin(), rows.end());
  }
  return records;
}

std::uint64_t Trainer::samples_trained() const { return impl_->samples; }
std::uint32_t Trainer::attempt() const { return impl_->state.attempt; }
double Trainer::final_accuracy() const { return impl_->accuracy; }
int Trainer::interrupted_by() const { return impl_->interrupted_by; }

}  // namespace mpibatch::train
