#pragma once
/// \file Labelled datasets for training: IDX files (the MNIST format) and HDF5. Errors are
/// InputError, one line naming the file (and dataset) and what to do.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <numeric>
#include <string>
#include <vector>

namespace mpibatch::io {

/// A labelled dataset in memory.
struct Dataset {
  std::vector<float> x;         ///< size() * sample_numel(), row-major, sample after sample
  std::vector<std::int64_t> y;  ///< one class label per sample, >= 0
  std::vector<std::int64_t> sample_shape;  ///< e.g. {1, 28, 28} for IDX images (channel first)
  std::string source;                      ///< for messages: the file(s) it came from

  std::size_t size() const { return y.size(); }
  /// The product of sample_shape (1 if empty).
  std::int64_t sample_numel() const {
    return std::accumulate(sample_shape.begin(), sample_shape.end(), std::int64_t{1},
                           std::multiplies<>());
  }
  /// The largest label + 1 (0 if empty).
  std::int64_t classes() const { return y.empty() ? 0 : *std::max_element(y.begin(), y.end()) + 1; }
};

/// Reads a pair of IDX files (the MNIST format, http://yann.lecun.com/exdb/mnist/): `images`
/// holds unsigned bytes of shape [n, rows, cols] (magic 0x00000803) or [n, d] (0x00000802),
/// `labels` unsigned bytes [n] (0x00000801). Either may be gzip-compressed (told by content,
/// not by name). Pixels are scaled to [0, 1] (x = byte / 255); sample_shape is {1, rows, cols}
/// for 3-D images, {d} for 2-D. source is "<images> + <labels>". Every dimension must be > 0
/// and each file exactly as long as its header says.
Dataset read_idx(const std::string& images, const std::string& labels);

/// Reads the HDF5 file at `path`: dataset `x_name` of any integer or float type with shape
/// [n, ...] (rank >= 2; read as float, not scaled; sample_shape is the [...]), and `y_name`, an
/// integer dataset [n] of labels >= 0. source is `path`.
Dataset read_hdf5_dataset(const std::string& path, const std::string& x_name = "/x",
                          const std::string& y_name = "/y");

}  // namespace mpibatch::io
