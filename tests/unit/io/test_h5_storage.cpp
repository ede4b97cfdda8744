// How /results values are stored: contiguous without compression, chunked + gzip with it, and
// the same data read back either way (docs/hdf5-schema.md, "Storage").
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mpibatch/io/h5_result_writer.h"
#include "mpibatch/io/result_reader.h"
#include "sample_run.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace mpibatch::io {
namespace {

using namespace mpibatch::io::testing;
using mpibatch::testing::run_shell;
using mpibatch::testing::shell_quote;
using mpibatch::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

/// Chapters of every shape: 1-D, rows of 2 x 3 features, and one without outputs.
struct Chapters {
  std::vector<ChapterRecord> records = {sample_chapter(0, 4, 0, "one-d"),
                                        sample_chapter(1, 3, 4, "features"),
                                        sample_chapter(2, 2, 7, "empty")};
  std::vector<ChapterOutput> outputs = {sample_output(4), sample_output(3, {2, 3}, 7.0f),
                                        ChapterOutput{}};
};

void write_file(const std::string& path, int compression) {
  const Chapters chapters;
  H5ResultWriter writer(path, {compression, false});
  for (std::size_t c = 0; c < chapters.records.size(); ++c)
    writer.write_chapter(chapters.records[c], chapters.outputs[c]);
  writer.commit(sample_info(), chapters.records, {}, {});
}

/// `h5dump -H -p` of one dataset (header and storage, no data); empty without h5dump.
std::string storage_of(const std::string& path, const std::string& dataset) {
  if (run_shell("command -v h5dump").exit_code != 0) return "";
  return run_shell("h5dump -H -p -d " + shell_quote(dataset) + " " + shell_quote(path)).output;
}

TEST(H5Storage, BothLayoutsReadBackTheSameOutputs) {
  TempDir dir;
  const Chapters chapters;
  for (int compression : {0, 4}) {
    SCOPED_TRACE("compression " + std::to_string(compression));
    const std::string path = dir.file("out" + std::to_string(compression) + ".h5");
    write_file(path, compression);
    ResultReader reader(path);
    for (std::size_t c = 0; c < chapters.records.size(); ++c) {
      const ChapterOutput read = reader.chapter_output(chapters.records[c].index);
      const ChapterOutput& written = chapters.outputs[c];
      EXPECT_EQ(read.values, written.values);
      EXPECT_EQ(read.feature_shape, written.feature_shape);
      if (written.offsets.empty())
        EXPECT_EQ(read.offsets, std::vector<std::int64_t>(chapters.records[c].items + 1, 0));
      else
        EXPECT_EQ(read.offsets, written.offsets);
    }
  }
}

TEST(H5Storage, UncompressedValuesAreContiguousWithTheirExactShape) {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  write_file(path, 0);
  const std::string values = storage_of(path, "/results/chapter_000001/values");
  if (values.empty()) GTEST_SKIP() << "h5dump not found";
  EXPECT_THAT(values, HasSubstr("CONTIGUOUS"));
  EXPECT_THAT(values, HasSubstr("SIMPLE { ( 6, 2, 3 ) / ( 6, 2, 3 ) }"));
  EXPECT_THAT(values, Not(HasSubstr("DEFLATE")));
  const std::string empty = storage_of(path, "/results/chapter_000002/values");
  EXPECT_THAT(empty, HasSubstr("CONTIGUOUS"));
  EXPECT_THAT(empty, HasSubstr("SIMPLE { ( 0 ) / ( 0 ) }"));
  EXPECT_THAT(storage_of(path, "/results/chapter_000000/offsets"), HasSubstr("COMPACT"));
}

TEST(H5Storage, CompressedValuesAreChunkedExtensibleAndDeflated) {
  TempDir dir;
  const std::string path = dir.file("out.h5");
  write_file(path, 4);
  const std::string values = storage_of(path, "/results/chapter_000001/values");
  if (values.empty()) GTEST_SKIP() << "h5dump not found";
  EXPECT_THAT(values, HasSubstr("CHUNKED"));
  EXPECT_THAT(values, HasSubstr("SIMPLE { ( 6, 2, 3 ) / ( H5S_UNLIMITED, 2, 3 ) }"));
  EXPECT_THAT(values, HasSubstr("SHUFFLE"));
  EXPECT_THAT(values, HasSubstr("DEFLATE { LEVEL 4 }"));
}

}  // namespace
}  // namespace mpibatch::io
