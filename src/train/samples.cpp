#include "samples.h"

#include <cstring>

#include "mpibatch/config/job_config.h"

namespace mpibatch::train {

io::Dataset read_dataset(const std::string& data, const std::string& labels,
                         const std::string& x_name, const std::string& y_name) {
  return config::is_hdf5_dataset_path(data) ? io::read_hdf5_dataset(data, x_name, y_name)
                                            : io::read_idx(data, labels);
}

std::pair<at::Tensor, at::Tensor> batch_of(const io::Dataset& data,
                                           const std::vector<std::uint32_t>& order,
                                           std::size_t begin, std::size_t end) {
  const auto m = static_cast<std::int64_t>(end - begin);
  std::vector<std::int64_t> shape = {m};
  shape.insert(shape.end(), data.sample_shape.begin(), data.sample_shape.end());
  at::Tensor x = torch::empty(shape, torch::kFloat);
  at::Tensor y = torch::empty({m}, torch::kLong);
  const auto numel = static_cast<std::size_t>(data.sample_numel());
  float* xs = x.data_ptr<float>();
  std::int64_t* ys = y.data_ptr<std::int64_t>();
  for (std::size_t k = begin; k < end; ++k) {
    const std::size_t sample = order.empty() ? k : order[k];
    std::memcpy(xs + (k - begin) * numel, data.x.data() + sample * numel, numel * sizeof(float));
    ys[k - begin] = data.y[sample];
  }
  return {x, y};
}

}  // namespace mpibatch::train
