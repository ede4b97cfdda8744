#include "mpibatch/io/h5_result_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <system_error>

#include "h5_api.h"
#include "h5_chapter.h"
#include "h5_error.h"
#include "h5_layout.h"
#include "h5_records.h"
#include "h5_train.h"
#include "h5_run_info.h"
#include "mpibatch/error.h"

namespace mpibatch::io {

namespace fs = std::filesystem;

struct H5ResultWriter::Impl {
  std::string final_path;
  std::string partial_path;
  H5WriterOptions options;
  h5::File file;  // declared before `results`: closed after it
  h5::Group results;
  std::unique_ptr<h5::ChapterWriter> chapters;
  std::map<std::uint32_t, std::int64_t> written_rows;  // chapter index -> rows written
  bool committed = false;
  bool discarded = false;

  void check_open(const char* what) const {
    if (committed) throw IoError(std::string(what) + ": '" + final_path + "' is already committed");
    if (!file.valid()) throw IoError(std::string(what) + ": '" + partial_path + "' was discarded");
  }
};

namespace {

/// fsync(2) of a file or folder by path; IoError naming it on failure.
void sync_path(const std::string& path, const char* what) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  const bool ok = fd >= 0 && ::fsync(fd) == 0;
  const int error = errno;
  if (fd >= 0) ::close(fd);
  if (!ok) {
    throw IoError(std::string("cannot sync ") + what + " '" + path +
                  "' to disk: " + std::strerror(error));
  }
}

std::string cannot_create(const std::string& partial, const std::string& reason) {
  return "output.path: cannot create '" + partial + "': " + reason + "; choose a writable --output";
}

/// Fails early with the operating system's reason (clearer than HDF5's) if the file cannot
/// be created. Removes the probe and any .partial left by a crashed run, so that H5Fcreate
/// makes a new file.
// NOTE [no truncation]: H5Fcreate on an existing file truncates it to 0 bytes, which makes
// ext4 (auto_da_alloc) write back every dirty page of the file when it is closed: the commit
// then waits for the disk. A new file is closed at page-cache speed.
void probe_writable(const std::string& partial) {
  std::error_code ignored;
  fs::remove(partial, ignored);
  std::FILE* probe = std::fopen(partial.c_str(), "wb");
  if (probe == nullptr) throw InputError(cannot_create(partial, std::strerror(errno)));
  std::fclose(probe);
  fs::remove(partial, ignored);
}

constexpr hsize_t kMetadataBlockBytes = 64 * 1024;

h5::PropList file_access() {
  h5::PropList fapl = h5::h5p_create(H5P_FILE_ACCESS);
  // NOTE [file format]: the 1.8 object format keeps the file readable by every HDF5 since 1.8
  // (h5py, MATLAB, older clusters) and gives groups a name index for many chapters.
  h5::h5p_set_libver_bounds(fapl.id(), H5F_LIBVER_V18, H5F_LIBVER_V18);
  // Closing the file closes every object still open in it, so the file is complete on disk
  // before it is renamed.
  h5::h5p_set_fclose_degree(fapl.id(), H5F_CLOSE_STRONG);
  // NOTE [metadata blocks]: HDF5 allocates object headers, heaps and B-tree nodes from blocks
  // of this size (default 2 KiB). With the default, each chapter's metadata lies in small
  // pieces between the chapters' values, and closing the file writes them back with one
  // pwrite each; in 64 KiB blocks it lies together and goes out in a few large writes
  // (200 chapters: ~30 writes instead of ~160). Cost: the unused tail of the last block, less
  // than 64 KiB per file, stays in the file as unused space.
  h5::h5p_set_meta_block_size(fapl.id(), kMetadataBlockBytes);
  return fapl;
}

}  // namespace

H5ResultWriter::H5ResultWriter(std::string final_path, H5WriterOptions options)
    : impl_(std::make_unique<Impl>()) {
  h5::silence_error_printing();
  impl_->final_path = std::move(final_path);
  impl_->partial_path = impl_->final_path + ".partial";
  impl_->options = options;
  const std::string& target = impl_->final_path;
  if (target.empty()) throw InputError("output.path is empty; choose a file with --output");

  std::error_code ec;
  if (fs::is_directory(target, ec)) {
    throw InputError("output.path: '" + target +
                     "' is a directory; choose a file name with --output");
  }
  if (fs::exists(target, ec) && !options.overwrite) {
    throw InputError("output.path: '" + target +
                     "' already exists; choose another --output or replace it with "
                     "--set output.overwrite=true");
  }
  probe_writable(impl_->partial_path);
  try {
    impl_->file = h5::h5f_create(
        impl_->partial_path, h5::untimed_creation_list(H5P_FILE_CREATE).id(), file_access().id());
    impl_->results = h5::h5g_create(impl_->file.id(), h5::kResultsGroup,
                                    h5::untimed_creation_list(H5P_GROUP_CREATE).id());
    impl_->chapters = std::make_unique<h5::ChapterWriter>(options.compression);
  } catch (const IoError& e) {
    discard();
    throw InputError(cannot_create(impl_->partial_path, e.what()));
  }
}

H5ResultWriter::~H5ResultWriter() { discard(); }

void H5ResultWriter::write_training(const TrainRecords& records) {
  impl_->check_open("write_training");
  h5::silence_error_printing();
  try {
    h5::write_train(impl_->file.id(), records);
  } catch (const IoError& e) {
    throw IoError("writing '" + impl_->partial_path + "': " + e.what());
  }
}

void H5ResultWriter::write_chapter(const ChapterRecord& chapter, const ChapterOutput& output) {
  impl_->check_open("write_chapter");
  h5::silence_error_printing();
  if (impl_->written_rows.count(chapter.index) != 0) {
    throw IoError("chapter " + std::to_string(chapter.index) + " is written twice to '" +
                  impl_->partial_path + "'");
  }
  try {
    impl_->chapters->write(impl_->results.id(), chapter, output);
  } catch (const IoError& e) {
    throw IoError("writing '" + impl_->partial_path + "': " + e.what());
  }
  impl_->written_rows[chapter.index] = h5::output_rows(output);
}

void H5ResultWriter::commit(const RunInfo& info, const std::vector<ChapterRecord>& chapters,
                            const std::vector<RankRecord>& ranks,
                            const std::vector<ItemRecord>& items) {
  impl_->check_open("commit");
  h5::silence_error_printing();
  try {
    // Chapters never written (all their items failed, or none) get an empty group, so that
    // every row of /chapters has one; the rows written are the truth for output_length.
    std::vector<ChapterRecord> table = chapters;
    for (ChapterRecord& chapter : table) {
      auto written = impl_->written_rows.find(chapter.index);
      if (written == impl_->written_rows.end()) {
        impl_->chapters->write(impl_->results.id(), chapter, ChapterOutput{});
        impl_->written_rows[chapter.index] = 0;
        chapter.output_length = 0;
      } else {
        chapter.output_length = written->second;
      }
    }
    h5::write_items(impl_->file.id(), items);
    h5::write_ranks(impl_->file.id(), ranks);
    h5::write_chapters(impl_->file.id(), table);
    impl_->results.reset();
    h5::write_run_info(impl_->file.id(), info);  // last: its `format` marks a complete file
    h5::h5f_flush(impl_->file.id());
    h5::h5f_close(impl_->file);
  } catch (const IoError& e) {
    throw IoError("writing '" + impl_->partial_path + "': " + e.what());
  }
  // NOTE [atomic, durable commit]: the closed file is fsync'ed, then rename(2) replaces the
  // final path in one step, then the directory is fsync'ed: readers see the old file or the
  // complete new one, never a partial one, also after a power loss (a run's results can be
  // hours of accelerator time; one fsync per run is cheap next to that).
  sync_path(impl_->partial_path, "result file");
  std::error_code ec;
  fs::rename(impl_->partial_path, impl_->final_path, ec);
  if (ec) {
    throw IoError("cannot rename '" + impl_->partial_path + "' to '" + impl_->final_path +
                  "': " + ec.message());
  }
  const fs::path folder = fs::path(impl_->final_path).parent_path();
  sync_path(folder.empty() ? "." : folder.string(), "result folder");
  impl_->committed = true;
}

void H5ResultWriter::discard() noexcept {
  if (impl_ == nullptr || impl_->committed || impl_->discarded) return;
  impl_->discarded = true;
  impl_->results.reset();
  impl_->file.reset();
  std::error_code ignored;
  fs::remove(impl_->partial_path, ignored);
}

const std::string& H5ResultWriter::final_path() const { return impl_->final_path; }
const std::string& H5ResultWriter::partial_path() const { return impl_->partial_path; }

}  // namespace mpibatch::io
