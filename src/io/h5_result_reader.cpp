#include <filesystem>
#include <system_error>

#include "h5_api.h"
#include "h5_chapter.h"
#include "h5_error.h"
#include "h5_layout.h"
#include "h5_records.h"
#include "h5_train.h"
#include "h5_run_info.h"
#include "h5_types.h"
#include "mpibatch/error.h"
#include "mpibatch/io/result_reader.h"

namespace mpibatch::io {

namespace fs = std::filesystem;

struct ResultReader::Impl {
  std::string path;
  h5::File file;

  /// Runs `read`, turning any HDF5 failure into an InputError that names the file.
  template <class Read>
  auto guarded(const std::string& what, Read read) const {
    h5::silence_error_printing();
    try {
      return read();
    } catch (const InputError&) {
      throw;
    } catch (const IoError& e) {
      throw InputError("'" + path + "': cannot read " + what + ": " + e.what());
    }
  }
};

namespace {

h5::File open_result_file(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    throw InputError("cannot open result file '" + path + "': no such file");
  }
  if (fs::is_directory(path, ec)) {
    throw InputError("'" + path + "' is a directory, not an mpibatch result file");
  }
  bool is_hdf5 = false;
  try {
    is_hdf5 = h5::h5f_is_hdf5(path);
  } catch (const IoError& e) {
    throw InputError("cannot read result file '" + path + "': " + e.what());
  }
  if (!is_hdf5) {
    throw InputError("'" + path + "' is not an HDF5 file, so not an mpibatch result file");
  }
  h5::File file;
  try {
    file = h5::h5f_open(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  } catch (const IoError& e) {
    throw InputError("'" + path + "' is a damaged or truncated HDF5 file: " + e.what());
  }
  std::string problem;
  try {
    problem = h5::format_problem(file.id());
  } catch (const IoError& e) {
    problem = e.what();
  }
  if (!problem.empty()) {
    throw InputError("'" + path + "' is not an mpibatch result file (" + problem + ")");
  }
  return file;
}

void list_datasets(hid_t group, const std::string& prefix, std::vector<DatasetInfo>& out) {
  for (const std::string& name : h5::h5l_names(group)) {
    h5::Object object = h5::h5o_open(group, name);
    const std::string path = prefix + "/" + name;
    switch (h5::h5i_get_type(object.id())) {
      case H5I_GROUP:
        list_datasets(object.id(), path, out);
        break;
      case H5I_DATASET: {
        DatasetInfo info;
        info.path = path;
        for (hsize_t dim : h5::h5s_get_dims(h5::h5d_get_space(object.id()).id()))
          info.shape.push_back(static_cast<std::uint64_t>(dim));
        info.type = h5::describe_type(h5::h5d_get_type(object.id()).id());
        out.push_back(std::move(info));
        break;
      }
      default:
        break;  // named datatypes: not part of the layout
    }
  }
}

}  // namespace

ResultReader::ResultReader(const std::string& path) : impl_(std::make_unique<Impl>()) {
  h5::silence_error_printing();
  impl_->path = path;
  impl_->file = open_result_file(path);
}

ResultReader::~ResultReader() = default;
ResultReader::ResultReader(ResultReader&&) noexcept = default;
ResultReader& ResultReader::operator=(ResultReader&&) noexcept = default;

const std::string& ResultReader::path() const { return impl_->path; }

RunInfo ResultReader::info() const {
  return impl_->guarded("the root attributes", [&] { return h5::read_run_info(impl_->file.id()); });
}

std::vector<ChapterRecord> ResultReader::chapters() const {
  return impl_->guarded("/chapters", [&] { return h5::read_chapters(impl_->file.id()); });
}

std::vector<RankRecord> ResultReader::ranks() const {
  return impl_->guarded("/ranks", [&] { return h5::read_ranks(impl_->file.id()); });
}

TrainRecords ResultReader::training() const {
  return impl_->guarded("/train", [&] { return h5::read_train(impl_->file.id()); });
}

std::vector<ItemRecord> ResultReader::items() const {
  return impl_->guarded("/items", [&] { return h5::read_items(impl_->file.id()); });
}

ChapterOutput ResultReader::chapter_output(std::uint32_t chapter_index) const {
  const std::string group = h5::chapter_group_path(chapter_index);
  return impl_->guarded(group, [&] {
    if (!h5::h5l_exists(impl_->file.id(), h5::kResultsGroup) ||
        !h5::h5l_exists(impl_->file.id(), group)) {
      throw InputError("'" + impl_->path + "' has no chapter " + std::to_string(chapter_index) +
                       " (no group " + group + ")");
    }
    return h5::read_chapter_group(impl_->file.id(), chapter_index);
  });
}

std::vector<DatasetInfo> ResultReader::datasets() const {
  return impl_->guarded("the list of datasets", [&] {
    std::vector<DatasetInfo> out;
    list_datasets(impl_->file.id(), "", out);
    return out;
  });
}

}  // namespace mpibatch::io
