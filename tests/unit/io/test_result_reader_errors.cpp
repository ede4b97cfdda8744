// ResultReader on files that are not (complete) mpibatch result files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "mpibatch/error.h"
#include "mpibatch/io/result_reader.h"
#include "sample_run.h"
#include "support/temp_dir.h"

namespace mpibatch::io {
namespace {

namespace fs = std::filesystem;
using namespace mpibatch::io::testing;
using mpibatch::testing::read_file;
using mpibatch::testing::TempDir;
using ::testing::HasSubstr;

/// An HDF5 file with an empty root group, as h5py writes it (libver="latest"): valid HDF5,
/// but no mpibatch attributes.
std::string foreign_hdf5_bytes() {
  const std::string hex =
      "894844460d0a1a0a030808000000000000000000ffffffffffffffffc3000000000000003000000000000000"
      "061a61374f484452022030c2026b30c2026b30c2026b30c2026b78021200000000ffffffffffffffffffffff"
      "ffffffffff0a0200010000005800000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000006ffe5522";
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return bytes;
}

std::string open_error(const std::string& path) {
  try {
    ResultReader reader(path);
  } catch (const InputError& e) {
    EXPECT_EQ(e.exit_code(), ExitCode::kBadInput);
    return e.what();
  }
  ADD_FAILURE() << "no InputError for " << path;
  return "";
}

TEST(ResultReaderErrors, MissingFile) {
  TempDir dir;
  const std::string path = dir.file("missing.h5");
  EXPECT_EQ(open_error(path), "cannot open result file '" + path + "': no such file");
}

TEST(ResultReaderErrors, GarbageAndEmptyFilesAreNotHdf5) {
  TempDir dir;
  for (const std::string& content : {std::string("job:\n  name: alice\n"), std::string()}) {
    const std::string path = dir.write("garbage.h5", content);
    EXPECT_EQ(open_error(path),
              "'" + path + "' is not an HDF5 file, so not an mpibatch result file");
  }
}

TEST(ResultReaderErrors, TruncatedFile) {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  write_sample_file(path);
  fs::resize_file(path, fs::file_size(path) / 2);
  const std::string message = open_error(path);
  EXPECT_THAT(message, HasSubstr("'" + path + "' is a damaged or truncated HDF5 file"));
  EXPECT_THAT(message, HasSubstr("truncated file"));
}

TEST(ResultReaderErrors, ForeignHdf5File) {
  TempDir dir;
  const std::string path = dir.write("foreign.h5", foreign_hdf5_bytes());
  EXPECT_EQ(open_error(path),
            "'" + path + "' is not an mpibatch result file (no 'format' attribute)");
}

TEST(ResultReaderErrors, OtherFormatValue) {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  write_sample_file(path);
  // The attribute's string lives in the global heap, which has no checksum: patch it in place.
  std::string bytes = read_file(path);
  const auto at = bytes.find("mpibatch-result");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 14] = 'X';
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  EXPECT_EQ(open_error(path), "'" + path +
                                  "' is not an mpibatch result file (its format is "
                                  "'mpibatch-resulX', not 'mpibatch-result')");
}

TEST(ResultReaderErrors, DirectoryIsNotAResultFile) {
  TempDir dir;
  EXPECT_THAT(open_error(dir.path().string()), HasSubstr("is a directory"));
}

TEST(ResultReaderErrors, MissingChapter) {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  write_sample_file(path);
  ResultReader reader(path);
  try {
    reader.chapter_output(7);
    FAIL() << "no exception";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "'" + path + "' has no chapter 7 (no group /results/chapter_000007)");
  }
}

TEST(ResultReaderErrors, ReaderIsMovable) {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  write_sample_file(path);
  ResultReader first(path);
  ResultReader second = std::move(first);
  EXPECT_EQ(second.items().size(), 6u);
  EXPECT_EQ(second.path(), path);
}

}  // namespace
}  // namespace mpibatch::io
