#pragma once
/// \file DatasetClassifier: an infer job over a labelled dataset (input.format idx | hdf5;
/// docs/training.md#inference-over-a-dataset), e.g. a model a train job exported.
///
/// Every rank reads the dataset and takes an even, contiguous shard of it (NOTE [shards]'s
/// rank_part); model.path's forward(x) -> logits runs over the shard in batches of
/// model.batch_size; rank 0 gathers every prediction, in dataset order, with the loss and the
/// accuracy over the whole dataset. On a GPU rank the model runs on the GPU under
/// gpu.precision's autocast.
/// \code
///   DatasetClassifier classifier(comm, config, "cpu", timer);  // no collective: run_on_all
///   io::TrainRecords records = classifier.run();        // collective; complete on rank 0
/// \endcode

#include <cstdint>
#include <memory>
#include <string>

#include "mpibatch/comm/communicator.h"
#include "mpibatch/config/job_config.h"
#include "mpibatch/io/run_records.h"
#include "mpibatch/timing/phase_timer.h"

namespace mpibatch::train {

class DatasetClassifier {
 public:
  /// Reads input.path (with input.labels for IDX) and loads model.path onto `device` ("cpu",
  /// "cuda:N"). Throws InputError / ModelError (one line) for bad data or a model that does
  /// not fit it.
  DatasetClassifier(comm::Communicator& comm, const config::JobConfig& config,
                    const std::string& device, timing::PhaseTimer& timer);
  ~DatasetClassifier();

  /// predictions (in dataset order) and one row in `epochs`: eval_loss, eval_accuracy,
  /// eval_samples, seconds. Complete on rank 0.
  io::TrainRecords run();
  std::uint64_t samples() const;  ///< classified by this rank

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mpibatch::train
