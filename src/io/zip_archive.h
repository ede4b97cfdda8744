#pragma once
/// \file Read-only access to the entries of a zip archive (libzip), for the EPUB reader.

#include <cstdint>
#include <string>

struct zip;

namespace mpibatch::io {

/// Largest entry read() unpacks by default: a bound on memory for hostile archives.
constexpr std::uint64_t kMaxZipEntryBytes = std::uint64_t{256} << 20;

/// An open zip archive; move-only, closed on destruction. Errors are InputError naming
/// `input.path`, the archive, the entry and what to do.
class ZipArchive {
 public:
  /// Opens `path`; InputError if it cannot be read or is not a zip archive.
  explicit ZipArchive(std::string path);
  ~ZipArchive();
  ZipArchive(ZipArchive&& other) noexcept;
  ZipArchive& operator=(ZipArchive&&) = delete;
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  const std::string& path() const { return path_; }
  /// True if the archive has an entry named exactly `name` ("OEBPS/ch1.xhtml").
  bool contains(const std::string& name) const;
  /// The unpacked bytes of entry `name`; InputError if it is missing, larger than `max_bytes`
  /// or corrupt.
  std::string read(const std::string& name, std::uint64_t max_bytes = kMaxZipEntryBytes) const;

 private:
  std::string path_;
  zip* archive_ = nullptr;
};

}  // namespace mpibatch::io
