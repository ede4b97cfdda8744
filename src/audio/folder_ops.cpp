#include "folder_ops.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <system_error>

#include "mpibatch/error.h"

namespace mpibatch::audio::detail {

namespace fs = std::filesystem;

namespace {

fs::path parent_of(const fs::path& path) {
  const fs::path parent = path.parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

void rename_or_throw(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::rename(from, to, ec);
  if (ec) {
    throw IoError("cannot rename '" + from.string() + "' to '" + to.string() +
                  "': " + ec.message());
  }
}

void remove_old(const fs::path& old) {
  std::error_code ec;
  fs::remove_all(old, ec);
  if (ec) {
    spdlog::warn("audio: cannot remove the replaced folder '{}': {}; remove it by hand",
                 old.string(), ec.message());
  }
}

/// Swaps `a` and `b` in one step; false if the file system cannot (then nothing changed).
bool exchange(const fs::path& a, const fs::path& b) {
  if (::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) == 0) return true;
  const int error = errno;
  if (error == EINVAL || error == ENOSYS || error == ENOTSUP) return false;
  throw IoError("cannot exchange '" + a.string() + "' and '" + b.string() +
                "': " + std::strerror(error));
}

}  // namespace

void sync_path(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  const bool ok = fd >= 0 && ::fsync(fd) == 0;
  const int error = errno;
  if (fd >= 0) ::close(fd);
  if (!ok) {
    throw IoError("cannot sync '" + path.string() + "' to disk: " + std::strerror(error));
  }
}

void sync_folder(const fs::path& folder) {
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) sync_path(it->path());
  }
  if (ec) throw IoError("cannot list '" + folder.string() + "': " + ec.message());
  sync_path(folder);
}

void replace_folder(const fs::path& staging, const fs::path& target) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(target, ec))) {
    rename_or_throw(staging, target);
  } else if (exchange(staging, target)) {
    remove_old(staging);  // now holds the old folder
  } else {
    fs::path aside = target;
    aside += ".old";
    fs::remove_all(aside, ec);
    rename_or_throw(target, aside);
    try {
      rename_or_throw(staging, target);
    } catch (const IoError&) {
      fs::rename(aside, target, ec);  // put the old folder back
      throw;
    }
    remove_old(aside);
  }
  sync_path(parent_of(target));
}

void write_marker(const std::filesystem::path& folder) {
  const std::filesystem::path marker = folder / kMarkerFile;
  std::ofstream out(marker);
  out << "Written by mpibatch: audio files of one run. mpibatch replaces this folder when the "
         "job runs again with output.overwrite.\n";
  if (!out.flush()) throw IoError("output.audio: cannot write '" + marker.string() + "'");
}

bool is_ours_or_empty(const std::filesystem::path& folder) {
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) return false;
  return std::filesystem::exists(folder / kMarkerFile, ec) || std::filesystem::is_empty(folder, ec);
}

}  // namespace mpibatch::audio::detail
