#include "zip_archive.h"

#include <zip.h>

#include <utility>

#include "mpibatch/error.h"

namespace mpibatch::io {
namespace {

std::string mib(std::uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

}  // namespace

ZipArchive::ZipArchive(std::string path) : path_(std::move(path)) {
  int code = 0;
  archive_ = zip_open(path_.c_str(), ZIP_RDONLY, &code);
  if (archive_ == nullptr) {
    if (code == ZIP_ER_NOZIP) {
      throw InputError("input.path: '" + path_ +
                       "' is not a zip archive, so not an EPUB (or it is truncated); check the "
                       "file, or set input.format");
    }
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    const std::string reason = zip_error_strerror(&error);
    zip_error_fini(&error);
    throw InputError("input.path: '" + path_ + "' cannot be opened as a zip archive: " + reason +
                     "; check the file, or set input.format");
  }
}

ZipArchive::~ZipArchive() {
  if (archive_ != nullptr) zip_discard(archive_);  // read-only: nothing to write back
}

ZipArchive::ZipArchive(ZipArchive&& other) noexcept
    : path_(std::move(other.path_)), archive_(std::exchange(other.archive_, nullptr)) {}

bool ZipArchive::contains(const std::string& name) const {
  return zip_name_locate(archive_, name.c_str(), 0) >= 0;
}

std::string ZipArchive::read(const std::string& name, std::uint64_t max_bytes) const {
  const std::string where = "input.path: '" + path_ + "': entry '" + name + "'";
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat(archive_, name.c_str(), 0, &stat) != 0) {
    throw InputError(where + " is not in the archive; repair or re-export the file");
  }
  if ((stat.valid & ZIP_STAT_SIZE) == 0 || stat.size > max_bytes) {
    throw InputError(where + " unpacks to " + mib(stat.size) + ", over the limit of " +
                     mib(max_bytes) + " for one entry; split the book into smaller files");
  }
  zip_file_t* file = zip_fopen(archive_, name.c_str(), 0);
  std::string bytes(stat.size, '\0');
  zip_int64_t total = 0;
  while (file != nullptr && static_cast<zip_uint64_t>(total) < stat.size) {
    const zip_int64_t got = zip_fread(file, bytes.data() + total, stat.size - total);
    if (got <= 0) break;
    total += got;
  }
  char extra = 0;  // reading past the end makes libzip check the CRC and the declared size
  const bool intact = file != nullptr && static_cast<zip_uint64_t>(total) == stat.size &&
                      zip_fread(file, &extra, 1) == 0;
  const std::string reason = file ? zip_file_strerror(file) : zip_strerror(archive_);
  if (file != nullptr) zip_fclose(file);
  if (!intact) {
    throw InputError(where + " cannot be unpacked: " + reason +
                     "; the archive is damaged, repair or re-export it");
  }
  return bytes;
}

}  // namespace mpibatch::io
