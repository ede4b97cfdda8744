#pragma once
/// \file Datasets into tensors, for training and for inference over a dataset.

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "mpibatch/io/dataset.h"

namespace mpibatch::train {

/// `data` as HDF5 (name ending .h5/.hdf5: datasets x_name, y_name) or IDX (with `labels`).
io::Dataset read_dataset(const std::string& data, const std::string& labels,
                         const std::string& x_name, const std::string& y_name);

/// Samples order[begin, end) of `data` (positions begin..end-1 themselves when `order` is
/// empty) as a batch: x float [m, sample_shape...], y int64 [m].
std::pair<at::Tensor, at::Tensor> batch_of(const io::Dataset& data,
                                           const std::vector<std::uint32_t>& order,
                                           std::size_t begin, std::size_t end);

}  // namespace mpibatch::train
