// IDX files (the MNIST format), plain or gzip-compressed, read through zlib.
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "mpibatch/error.h"
#include "mpibatch/io/dataset.h"

namespace mpibatch::io {
namespace {

namespace fs = std::filesystem;

constexpr std::uint32_t kUnsignedByte = 0x08;
constexpr std::size_t kChunk = std::size_t{1} << 20;
// NOTE [reserve] Deflate expands at most 1032:1, so a file of s bytes holds at most 1032 s
// bytes of data: reserving no more than that keeps a lying header from allocating terabytes.
constexpr std::uint64_t kMaxDeflateRatio = 1032;

std::string hex(std::uint32_t value) {
  char text[11];
  std::snprintf(text, sizeof text, "0x%08x", value);
  return text;
}

std::string shape_text(const std::vector<std::uint32_t>& dims) {
  std::string text;
  for (std::uint32_t dim : dims) text += (text.empty() ? "[" : ", ") + std::to_string(dim);
  return text + "]";
}

/// The name of an IDX element type, or "" if `type` is none.
const char* type_name(std::uint32_t type) {
  switch (type) {
    case 0x08:
      return "unsigned byte";
    case 0x09:
      return "signed byte";
    case 0x0B:
      return "int16";
    case 0x0C:
      return "int32";
    case 0x0D:
      return "float32";
    case 0x0E:
      return "float64";
    default:
      return "";
  }
}

struct GzClose {
  void operator()(gzFile file) const { gzclose(file); }
};

/// One file of an IDX dataset (`role` "images" or "labels"), read through zlib: gzip or plain.
class IdxFile {
 public:
  IdxFile(std::string path, std::string role) : path_(std::move(path)), role_(std::move(role)) {
    std::error_code ec;
    if (!fs::exists(path_, ec)) fail("no such file", "check the path");
    if (fs::is_directory(path_, ec)) fail("is a directory", "give the " + role_ + " file itself");
    file_.reset(gzopen(path_.c_str(), "rb"));
    if (!file_)
      fail(std::string("cannot open (") + std::strerror(errno) + ")", "check its permissions");
  }

  /// Reads and checks the header; returns the dimensions ([n] labels, [n, d] or [n, rows,
  /// cols] images), all > 0, with a product that fits a std::vector<float>.
  std::vector<std::uint32_t> read_header() {
    const bool images = role_ == "images";
    const std::string expected = images ? "0x00000803 or 0x00000802" : "0x00000801";
    const std::string advice = "give the " + role_ + " file of an MNIST-format dataset";
    const std::uint32_t magic = read_u32("too short for an IDX file", advice);
    const std::uint32_t type = (magic >> 8) & 0xff, rank = magic & 0xff;
    if (magic >> 16 != 0 || type_name(type)[0] == '\0') {
      fail(
          "not an IDX file (magic " + hex(magic) + ", expected " + expected + " for " + role_ + ")",
          advice);
    }
    if (type != kUnsignedByte) {
      fail(std::string("holds ") + type_name(type) + " values (magic " + hex(magic) +
               "); only unsigned bytes (0x08) are supported",
           "convert it to unsigned bytes, or to HDF5");
    }
    if (images ? rank != 3 && rank != 2 : rank != 1) {
      fail(std::to_string(rank) + "-dimensional (magic " + hex(magic) + ", expected " + expected +
               " for " + role_ + ")",
           advice + " (not the " + (images ? "labels" : "images") + " file)");
    }
    std::vector<std::uint32_t> dims(rank);
    for (std::uint32_t& dim : dims) dim = read_u32("truncated in its header", "download it again");
    std::uint64_t count = 1;
    const std::uint64_t max_count = std::vector<float>().max_size();
    for (std::uint32_t dim : dims) {
      if (dim == 0) fail("has shape " + shape_text(dims) + ", with no values", advice);
      if (count > max_count / dim) {
        fail("has shape " + shape_text(dims) + ", too large to hold in memory",
             "check that it is an MNIST-format file; its header may be corrupt");
      }
      count *= dim;
    }
    dims_ = dims;
    count_ = count;
    return dims;
  }

  /// Reads the data that follow the header (after read_header), one `convert(byte)` per
  /// byte; throws if the file holds fewer or more bytes than the header says.
  template <class T, class Convert>
  std::vector<T> read_data(Convert convert) {
    std::error_code ec;
    const std::uintmax_t file_size = fs::file_size(path_, ec);
    std::vector<T> values;
    values.reserve(std::min<std::uint64_t>(count_, ec ? 0 : file_size * kMaxDeflateRatio));
    std::vector<unsigned char> chunk(kChunk);
    while (values.size() < count_) {
      const std::size_t want = std::min<std::uint64_t>(kChunk, count_ - values.size());
      const std::size_t got = read(chunk.data(), want);
      std::transform(chunk.begin(), chunk.begin() + got, std::back_inserter(values), convert);
      if (got < want) {
        fail("truncated: its header (shape " + shape_text(dims_) + ") promises " +
                 std::to_string(count_) + " bytes of " + role_ + " but only " +
                 std::to_string(values.size()) + " follow",
             "download it again");
      }
    }
    std::uint64_t extra = 0;
    for (std::size_t got; (got = read(chunk.data(), kChunk)) > 0;) extra += got;
    if (extra > 0) {
      fail("has " + std::to_string(extra) + " bytes more than the " + std::to_string(count_) +
               " its header (shape " + shape_text(dims_) + ") promises",
           "give an intact MNIST-format file; its header does not match its data");
    }
    return values;
  }

 private:
  /// Throws InputError "dataset '<path>': <problem>; <advice>".
  [[noreturn]] void fail(const std::string& problem, const std::string& advice) const {
    throw InputError("dataset '" + path_ + "': " + problem + "; " + advice);
  }

  /// Up to `size` bytes (<= kChunk); fewer only at the end of the data.
  std::size_t read(unsigned char* buffer, std::size_t size) {
    const int got = gzread(file_.get(), buffer, static_cast<unsigned>(size));
    if (got >= 0) return static_cast<std::size_t>(got);
    int code = Z_OK;
    std::string why = gzerror(file_.get(), &code);
    if (code == Z_ERRNO) why = std::strerror(errno);
    if (why.rfind(path_ + ": ", 0) == 0) why.erase(0, path_.size() + 2);  // zlib prefixes it
    if (code == Z_DATA_ERROR) fail("corrupt gzip data (" + why + ")", "download it again");
    fail("cannot read (" + why + ")", "check the file");
  }

  /// A big-endian 32-bit number; `problem` if the file ends first.
  std::uint32_t read_u32(const std::string& problem, const std::string& advice) {
    unsigned char bytes[4];
    if (read(bytes, 4) < 4) fail(problem, advice);
    return std::uint32_t{bytes[0]} << 24 | std::uint32_t{bytes[1]} << 16 |
           std::uint32_t{bytes[2]} << 8 | bytes[3];
  }

  std::string path_;
  std::string role_;
  std::unique_ptr<gzFile_s, GzClose> file_;
  std::vector<std::uint32_t> dims_;
  std::uint64_t count_ = 0;
};

}  // namespace

Dataset read_idx(const std::string& images, const std::string& labels) {
  IdxFile image_file(images, "images");
  IdxFile label_file(labels, "labels");
  const std::vector<std::uint32_t> dims = image_file.read_header();
  const std::uint32_t n = label_file.read_header()[0];
  if (dims[0] != n) {
    throw InputError("dataset '" + images + "' has " + std::to_string(dims[0]) + " images but '" +
                     labels + "' has " + std::to_string(n) +
                     " labels; the two files must come from the same split");
  }
  Dataset data;
  data.source = images + " + " + labels;
  if (dims.size() == 3) {
    data.sample_shape = {1, dims[1], dims[2]};
  } else {
    data.sample_shape = {dims[1]};
  }
  data.x = image_file.read_data<float>([](unsigned char byte) { return byte / 255.0f; });
  data.y =
      label_file.read_data<std::int64_t>([](unsigned char byte) { return std::int64_t{byte}; });
  return data;
}

}  // namespace mpibatch::io
