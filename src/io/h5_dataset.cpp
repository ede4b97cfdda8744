// A labelled dataset from HDF5: samples x [n, ...], labels y [n].
#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "h5_api.h"
#include "h5_error.h"
#include "h5_types.h"
#include "mpibatch/error.h"
#include "mpibatch/io/dataset.h"

namespace mpibatch::io {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kListedNames = 10;

/// Throws InputError "dataset '<path>': <problem>; <advice>".
[[noreturn]] void fail(const std::string& path, const std::string& problem,
                       const std::string& advice) {
  throw InputError("dataset '" + path + "': " + problem + "; " + advice);
}

std::string shape_text(const std::vector<hsize_t>& dims) {
  std::string text;
  for (hsize_t dim : dims) text += (text.empty() ? "[" : ", ") + std::to_string(dim);
  return text.empty() ? "[] (a scalar)" : text + "]";
}

h5::File open_file(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) fail(path, "no such file", "check the path");
  if (fs::is_directory(path, ec)) fail(path, "is a directory", "give an HDF5 file");
  try {
    if (!h5::h5f_is_hdf5(path)) {
      fail(path, "not an HDF5 file", "give an HDF5 file with samples [n, ...] and labels [n]");
    }
    return h5::h5f_open(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  } catch (const IoError& e) {
    fail(path, std::string("cannot read it (") + e.what() + ")", "check the file");
  }
}

/// Whether `name` exists: H5Lexists fails, rather than saying no, when a group on the way is
/// missing, so each step is checked.
bool exists(hid_t file, const std::string& name) {
  for (std::size_t end = name.find('/', 1);; end = name.find('/', end + 1)) {
    const std::string step = name.substr(0, end);
    if (step != "/" && !h5::h5l_exists(file, step)) return false;
    if (end == std::string::npos) return true;
  }
}

/// "a, b, c" (the first kListedNames) of what the root group holds.
std::string root_names(hid_t file) {
  const std::vector<std::string> names = h5::h5l_names(file);
  std::string text;
  for (std::size_t i = 0; i < std::min(names.size(), kListedNames); ++i)
    text += (i == 0 ? "" : ", ") + names[i];
  if (names.size() > kListedNames) text += ", ...";
  return text.empty() ? "nothing" : text;
}

/// The dataset `name`, of an integer type or (if `floats`) a float type, and its dimensions.
h5::DataSet open_numeric(hid_t file, const std::string& path, const std::string& name,
                         const char* what, bool floats, std::vector<hsize_t>& dims) {
  const std::string advice = "give the name of the " + std::string(what) + " dataset";
  if (name.empty() || !exists(file, name)) {
    fail(path, "no dataset '" + name + "' (the root holds " + root_names(file) + ")", advice);
  }
  if (h5::h5i_get_type(h5::h5o_open(file, name).id()) != H5I_DATASET) {
    fail(path, "'" + name + "' is not a dataset", advice);
  }
  h5::DataSet dataset = h5::h5d_open(file, name);
  const h5::DataType type = h5::h5d_get_type(dataset.id());
  const H5T_class_t type_class = h5::h5t_get_class(type.id());
  if (type_class != H5T_INTEGER && (!floats || type_class != H5T_FLOAT)) {
    fail(path, "'" + name + "' holds " + h5::describe_type(type.id()) + " values",
         std::string("store the ") + what + " as " + (floats ? "integers or floats" : "integers"));
  }
  dims = h5::h5s_get_dims(h5::h5d_get_space(dataset.id()).id());
  return dataset;
}

}  // namespace

Dataset read_hdf5_dataset(const std::string& path, const std::string& x_name,
                          const std::string& y_name) {
  h5::silence_error_printing();
  const h5::File file = open_file(path);
  try {
    std::vector<hsize_t> x_dims, y_dims;
    const h5::DataSet x = open_numeric(file.id(), path, x_name, "samples", true, x_dims);
    const h5::DataSet y = open_numeric(file.id(), path, y_name, "labels", false, y_dims);
    if (x_dims.size() < 2) {
      fail(path, "samples '" + x_name + "' have shape " + shape_text(x_dims) + ", not [n, ...]",
           "store one row per sample (shape [n, 1] for single values)");
    }
    if (y_dims.size() != 1) {
      fail(path, "labels '" + y_name + "' have shape " + shape_text(y_dims) + ", not [n]",
           "store one class number per sample");
    }
    if (x_dims[0] != y_dims[0]) {
      fail(path,
           "'" + x_name + "' has " + std::to_string(x_dims[0]) + " samples but '" + y_name +
               "' has " + std::to_string(y_dims[0]) + " labels",
           "give one label per sample");
    }
    if (std::count(x_dims.begin(), x_dims.end(), 0) > 0) {
      fail(path, "samples '" + x_name + "' have shape " + shape_text(x_dims) + ", with no values",
           "give a dataset with at least one sample");
    }
    Dataset data;
    data.source = path;
    data.sample_shape.assign(x_dims.begin() + 1, x_dims.end());
    data.x.resize(x_dims[0] * static_cast<std::size_t>(data.sample_numel()));
    data.y.resize(y_dims[0]);
    h5::h5d_read(x.id(), H5T_NATIVE_FLOAT, data.x.data());
    h5::h5d_read(y.id(), H5T_NATIVE_INT64, data.y.data());
    const auto negative = std::find_if(data.y.begin(), data.y.end(), [](auto v) { return v < 0; });
    if (negative != data.y.end()) {
      fail(path,
           "label " + std::to_string(*negative) + " at index " +
               std::to_string(negative - data.y.begin()) + " of '" + y_name + "' is negative",
           "number the classes 0, 1, 2, ...");
    }
    return data;
  } catch (const IoError& e) {
    fail(path, std::string("cannot read the dataset (") + e.what() + ")", "check the file");
  }
}

}  // namespace mpibatch::io
