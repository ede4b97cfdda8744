#include "mpibatch/train/classifier.h"

#include <torch/script.h>

#include <cmath>
#include <limits>

#include "mpibatch/comm/packing.h"
#include "mpibatch/model/gpu_precision.h"
#include "mpibatch/train/shards.h"
#include "samples.h"
#include "train_model.h"
#include "train_step.h"

namespace mpibatch::train {

using timing::Phase;

struct DatasetClassifier::Impl {
  comm::Communicator& comm;
  const config::JobConfig& config;
  timing::PhaseTimer& timer;
  torch::Device device;
  model::GpuPrecision precision;
  io::Dataset data;
  torch::jit::Module module;
  std::uint64_t samples = 0;

  Impl(comm::Communicator& c, const config::JobConfig& cfg, const std::string& d,
       timing::PhaseTimer& t)
      : comm(c),
        config(cfg),
        timer(t),
        device(d),
        precision(cfg.gpu.precision, cfg.gpu.tf32, cfg.gpu.cudnn_benchmark, d) {}
};

DatasetClassifier::DatasetClassifier(comm::Communicator& comm, const config::JobConfig& config,
                                     const std::string& device, timing::PhaseTimer& timer)
    : impl_(std::make_unique<Impl>(comm, config, device, timer)) {
  Impl& s = *impl_;
  timer.enter(Phase::kRead);
  s.data = read_dataset(config.input.paths.at(0), config.input.labels, config.train.x_name,
                        config.train.y_name);
  timer.enter(Phase::kModelLoad);
  s.module = make_train_model(config.model.path, s.data.sample_shape, s.data.classes(), 0,
                              "model.path");
  s.module.eval();
  s.module.to(s.device);
}

DatasetClassifier::~DatasetClassifier() = default;

io::TrainRecords DatasetClassifier::run() {
  Impl& s = *impl_;
  const timing::Clock& clock = s.timer.clock();
  const double start = clock.now();
  const Range shard = rank_part(s.data.size(), s.comm.size(), s.comm.rank());
  const auto batch = static_cast<std::size_t>(std::max(1, s.config.model.batch_size));
  std::vector<io::PredictionRecord> mine;
  double sums[3] = {0.0, 0.0, static_cast<double>(shard.size())};  // loss, correct, samples
  {
    torch::NoGradGuard no_grad;
    for (std::size_t begin = shard.begin; begin < shard.end; begin += batch) {
      s.timer.enter(Phase::kEncode);
      const auto [x, y] = batch_of(s.data, {}, begin, std::min(shard.end, begin + batch));
      s.timer.enter(Phase::kCompute);
      const at::Tensor logits = forward_logits(s.module, x.to(s.device), s.precision).to(at::kCPU);
      const auto [confidence, predicted] = torch::softmax(logits, 1).max(1);
      sums[0] += summed_cross_entropy(logits, y).item<double>();
      sums[1] += predicted.eq(y).sum().item<double>();
      const auto labels = y.accessor<std::int64_t, 1>();
      const auto classes = predicted.accessor<std::int64_t, 1>();
      const auto probabilities = confidence.accessor<float, 1>();
      for (std::int64_t k = 0; k < y.size(0); ++k) {
        mine.push_back({begin + static_cast<std::size_t>(k), labels[k], classes[k],
                        probabilities[k], s.comm.rank()});
      }
    }
  }
  s.samples = shard.size();
  s.timer.enter(Phase::kComm);
  s.comm.all_reduce_sum(sums, 3);
  io::TrainRecords records;
  for (const comm::Bytes& part : s.comm.gather(comm::pack(mine), 0)) {
    const auto rows = comm::unpack<std::vector<io::PredictionRecord>>(part, "predictions");
    records.predictions.insert(records.predictions.end(), rows.begin(), rows.end());
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  records.epochs.push_back({0, nan, sums[0] / sums[2], sums[1] / sums[2],
                            static_cast<std::uint64_t>(sums[2]), clock.now() - start, 0});
  return records;
}

std::uint64_t DatasetClassifier::samples() const { return impl_->samples; }

}  // namespace mpibatch::train
