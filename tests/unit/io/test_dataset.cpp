// Labelled datasets: IDX files (plain and gzip) and HDF5, read back exactly or refused with a
// one-line InputError.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "mpibatch/error.h"
#include "mpibatch/io/dataset.h"
#include "support/error_message.h"
#include "support/temp_dir.h"

namespace mpibatch::io {
namespace {

using mpibatch::testing::message_of;
using mpibatch::testing::read_file;
using mpibatch::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::string_literals;

constexpr std::uint32_t kLabels = 0x00000801, kVectors = 0x00000802, kImages = 0x00000803;

std::string big_endian(std::uint32_t value) {
  return {static_cast<char>(value >> 24), static_cast<char>(value >> 16),
          static_cast<char>(value >> 8), static_cast<char>(value)};
}

/// An IDX file: magic, dimensions, then `data`.
std::string idx(std::uint32_t magic, const std::vector<std::uint32_t>& dims,
                const std::string& data) {
  std::string out = big_endian(magic);
  for (std::uint32_t dim : dims) out += big_endian(dim);
  return out + data;
}

/// Bytes 0, step, 2 step, ... (n of them, mod 256).
std::string ramp(int n, int step) {
  std::string out;
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>(i * step));
  return out;
}

std::string gzip(const TempDir& dir, const std::string& name, const std::string& content) {
  const std::string path = dir.file(name);
  gzFile file = gzopen(path.c_str(), "wb");
  EXPECT_NE(file, nullptr);
  EXPECT_EQ(gzwrite(file, content.data(), static_cast<unsigned>(content.size())),
            static_cast<int>(content.size()));
  gzclose(file);
  return path;
}

/// The message of the InputError `call` throws, checked to be one line.
template <class Call>
std::string input_error(Call call) {
  const std::string message = message_of<InputError>(call);
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  return message;
}

/// Three 2 x 2 images with pixels 0, 23, ..., 253 and labels 2, 0, 1.
struct SmallIdx {
  std::string images = idx(kImages, {3, 2, 2}, ramp(12, 23));
  std::string labels = idx(kLabels, {3}, "\2\0\1"s);
};

TEST(DatasetIdx, ReadsPlainAndGzipFilesByContentNotName) {
  TempDir dir;
  const SmallIdx files;
  // Names that lie: the reader must look at the bytes.
  const std::string plain_images = dir.write("plain-images.gz", files.images);
  const std::string gz_images = gzip(dir, "gz-images-idx3-ubyte", files.images);
  const std::string plain_labels = dir.write("plain-labels.gz", files.labels);
  const std::string gz_labels = gzip(dir, "gz-labels-idx1-ubyte", files.labels);
  for (const auto& [images, labels] :
       {std::pair{plain_images, plain_labels}, std::pair{gz_images, gz_labels},
        std::pair{plain_images, gz_labels}}) {
    SCOPED_TRACE(images + " + " + labels);
    const Dataset data = read_idx(images, labels);
    ASSERT_EQ(data.size(), 3u);
    EXPECT_THAT(data.sample_shape, ElementsAre(1, 2, 2));
    EXPECT_EQ(data.sample_numel(), 4);
    EXPECT_EQ(data.classes(), 3);
    EXPECT_THAT(data.y, ElementsAre(2, 0, 1));
    ASSERT_EQ(data.x.size(), 12u);
    for (std::size_t i = 0; i < data.x.size(); ++i) EXPECT_EQ(data.x[i], (i * 23) / 255.0f);
    EXPECT_EQ(data.source, images + " + " + labels);
  }
}

TEST(DatasetIdx, Reads2DImagesAsVectors) {
  TempDir dir;
  const Dataset data = read_idx(dir.write("v", idx(kVectors, {2, 3}, "\0\x33\xff\1\2\3"s)),
                                dir.write("l", idx(kLabels, {2}, "\4\4"s)));
  EXPECT_THAT(data.sample_shape, ElementsAre(3));
  EXPECT_THAT(data.x, ElementsAre(0.0f, 0.2f, 1.0f, 1 / 255.0f, 2 / 255.0f, 3 / 255.0f));
  EXPECT_THAT(data.y, ElementsAre(4, 4));
  EXPECT_EQ(data.classes(), 5);
}

TEST(DatasetIdx, EmptyDatasetHasOneValuePerSampleAndNoClasses) {
  EXPECT_EQ(Dataset{}.sample_numel(), 1);
  EXPECT_EQ(Dataset{}.classes(), 0);
}

/// The message for `images` (with SmallIdx's labels).
std::string images_error(const TempDir& dir, const std::string& images) {
  const std::string labels = dir.write("labels", SmallIdx().labels);
  return input_error([&] { read_idx(images, labels); });
}

TEST(DatasetIdxErrors, MissingFileAndDirectory) {
  TempDir dir;
  const std::string missing = dir.file("missing");
  EXPECT_EQ(images_error(dir, missing), "dataset '" + missing + "': no such file; check the path");
  EXPECT_THAT(images_error(dir, dir.path().string()), HasSubstr("': is a directory; give the"));
}

TEST(DatasetIdxErrors, NotAnIdxFile) {
  TempDir dir;
  const std::string text = dir.write("text", "hello, world");
  EXPECT_EQ(images_error(dir, text),
            "dataset '" + text +
                "': not an IDX file (magic 0x68656c6c, expected 0x00000803 or "
                "0x00000802 for images); give the images file of an MNIST-format dataset");
  EXPECT_THAT(images_error(dir, gzip(dir, "text.gz", "hello, world")),
              HasSubstr("not an IDX file (magic 0x68656c6c"));
  EXPECT_THAT(images_error(dir, dir.write("short", "\0\0"s)), HasSubstr("too short for an IDX"));
}

TEST(DatasetIdxErrors, OnlyUnsignedBytes) {
  TempDir dir;
  EXPECT_THAT(images_error(dir, dir.write("f", idx(0x00000D03, {1, 1, 1}, "abcd"))),
              HasSubstr("holds float32 values (magic 0x00000d03); only unsigned bytes (0x08) are "
                        "supported; convert it"));
}

TEST(DatasetIdxErrors, WrongRankSaysWhichFileWasExpected) {
  TempDir dir;
  const SmallIdx files;
  const std::string images = dir.write("images", files.images);
  const std::string labels = dir.write("labels", files.labels);
  EXPECT_THAT(input_error([&] { read_idx(labels, images); }),
              HasSubstr("'" + labels +
                        "': 1-dimensional (magic 0x00000801, expected 0x00000803 "
                        "or 0x00000802 for images); give the images file of an MNIST-format "
                        "dataset (not the labels file)"));
  EXPECT_THAT(input_error([&] { read_idx(images, images); }),
              HasSubstr("3-dimensional (magic 0x00000803, expected 0x00000801 for labels)"));
}

TEST(DatasetIdxErrors, ZeroOrAbsurdDimensions) {
  TempDir dir;
  EXPECT_THAT(images_error(dir, dir.write("zero", idx(kImages, {3, 0, 2}, ""))),
              HasSubstr("has shape [3, 0, 2], with no values"));
  const std::uint32_t huge = 0xffffffff;
  EXPECT_THAT(images_error(dir, dir.write("huge", idx(kImages, {huge, huge, huge}, "x"))),
              HasSubstr("has shape [4294967295, 4294967295, 4294967295], too large to hold"));
  EXPECT_THAT(images_error(dir, dir.write("header", idx(kImages, {3}, ""))),
              HasSubstr("truncated in its header"));
}

TEST(DatasetIdxErrors, TruncatedOrTrailingDataSayHowManyBytes) {
  TempDir dir;
  const std::string images = SmallIdx().images;
  const std::string truncated =
      "truncated: its header (shape [3, 2, 2]) promises 12 bytes of "
      "images but only 10 follow; download it again";
  const std::string cut = images.substr(0, images.size() - 2);
  EXPECT_THAT(images_error(dir, dir.write("cut", cut)), HasSubstr(truncated));
  EXPECT_THAT(images_error(dir, gzip(dir, "cut.gz", cut)), HasSubstr(truncated));
  EXPECT_THAT(images_error(dir, gzip(dir, "long.gz", images + "xy")),
              HasSubstr("has 2 bytes more than the 12 its header (shape [3, 2, 2]) promises"));
}

TEST(DatasetIdxErrors, CorruptOrCutGzipStream) {
  TempDir dir;
  const std::string images = idx(kImages, {3, 20, 20}, ramp(1200, 7));
  std::string gz = read_file(gzip(dir, "images.gz", images));
  gz[gz.size() - 8] ^= 0x55;  // the CRC-32 of the trailer
  EXPECT_THAT(images_error(dir, dir.write("crc.gz", gz)),
              HasSubstr("': corrupt gzip data (incorrect data check); download it again"));
  EXPECT_THAT(images_error(dir, dir.write("cut.gz", gz.substr(0, gz.size() / 2))),
              HasSubstr("truncated: its header (shape [3, 20, 20]) promises 1200 bytes"));
}

TEST(DatasetIdxErrors, CountsOfImagesAndLabelsDiffer) {
  TempDir dir;
  const std::string images = dir.write("images", SmallIdx().images);
  const std::string labels = dir.write("labels", idx(kLabels, {2}, "\1\1"));
  EXPECT_EQ(input_error([&] { read_idx(images, labels); }),
            "dataset '" + images + "' has 3 images but '" + labels +
                "' has 2 labels; the two files must come from the same split");
}

TEST(DatasetFashionMnist, ReadsTheDebianPackagesTestSplit) {
  const std::string folder = "/usr/share/datasets/fashion-mnist/";
  const std::string images = folder + "t10k-images-idx3-ubyte.gz";
  const std::string labels = folder + "t10k-labels-idx1-ubyte.gz";
  if (!std::filesystem::exists(images) || !std::filesystem::exists(labels)) {
    GTEST_SKIP() << "no Fashion-MNIST in " << folder << " (apt-get install dataset-fashion-mnist)";
  }
  const Dataset data = read_idx(images, labels);
  ASSERT_EQ(data.size(), 10000u);
  EXPECT_THAT(data.sample_shape, ElementsAre(1, 28, 28));
  EXPECT_EQ(data.x.size(), 10000u * 28 * 28);
  EXPECT_EQ(data.classes(), 10);
  std::map<std::int64_t, int> per_class;
  for (std::int64_t label : data.y) ++per_class[label];
  EXPECT_EQ(per_class.size(), 10u);
  for (const auto& [label, count] : per_class) EXPECT_EQ(count, 1000) << "class " << label;
}

// --- HDF5 -----------------------------------------------------------------------------------

/// One dataset to write: its memory type is also its file type.
struct Array {
  std::string name;
  hid_t type;
  std::vector<hsize_t> dims;
  const void* data;
};

/// A new HDF5 file holding `arrays` (groups on the way created).
std::string write_h5(const TempDir& dir, const std::vector<Array>& arrays) {
  const std::string path = dir.file("data.h5");
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t links = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(links, 1);
  for (const Array& array : arrays) {
    const hid_t space =
        H5Screate_simple(static_cast<int>(array.dims.size()), array.dims.data(), nullptr);
    const hid_t dataset =
        H5Dcreate2(file, array.name.c_str(), array.type, space, links, H5P_DEFAULT, H5P_DEFAULT);
    EXPECT_GE(H5Dwrite(dataset, array.type, H5S_ALL, H5S_ALL, H5P_DEFAULT, array.data), 0);
    H5Dclose(dataset);
    H5Sclose(space);
  }
  H5Pclose(links);
  EXPECT_GE(H5Fclose(file), 0);
  return path;
}

const std::vector<std::uint8_t> kBytes = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255};
const std::vector<std::int32_t> kThreeLabels = {1, 0, 4};

TEST(DatasetHdf5, ReadsIntegerSamplesAsUnscaledFloats) {
  TempDir dir;
  const std::string path = write_h5(dir, {{"x", H5T_NATIVE_UINT8, {3, 2, 2}, kBytes.data()},
                                          {"y", H5T_NATIVE_INT32, {3}, kThreeLabels.data()}});
  const Dataset data = read_hdf5_dataset(path);
  EXPECT_THAT(data.sample_shape, ElementsAre(2, 2));
  EXPECT_EQ(data.x, std::vector<float>(kBytes.begin(), kBytes.end()));
  EXPECT_THAT(data.y, ElementsAre(1, 0, 4));
  EXPECT_EQ(data.classes(), 5);
  EXPECT_EQ(data.source, path);
}

TEST(DatasetHdf5, ReadsFloatSamplesUnderOtherNames) {
  TempDir dir;
  const std::vector<double> x = {0.5, -1.25, 3e6, 7, 8, 9};
  const std::vector<std::uint64_t> y = {9, 3};
  const std::string path = write_h5(dir, {{"/train/x", H5T_NATIVE_DOUBLE, {2, 3}, x.data()},
                                          {"/train/y", H5T_NATIVE_UINT64, {2}, y.data()}});
  const Dataset data = read_hdf5_dataset(path, "/train/x", "train/y");
  EXPECT_THAT(data.sample_shape, ElementsAre(3));
  EXPECT_THAT(data.x, ElementsAre(0.5f, -1.25f, 3e6f, 7.0f, 8.0f, 9.0f));
  EXPECT_THAT(data.y, ElementsAre(9, 3));
}

TEST(DatasetHdf5Errors, MissingOrNotHdf5) {
  TempDir dir;
  const std::string missing = dir.file("missing.h5");
  EXPECT_EQ(input_error([&] { read_hdf5_dataset(missing); }),
            "dataset '" + missing + "': no such file; check the path");
  const std::string text = dir.write("text.h5", "x,y\n1,2\n");
  EXPECT_EQ(input_error([&] { read_hdf5_dataset(text); }),
            "dataset '" + text +
                "': not an HDF5 file; give an HDF5 file with samples [n, ...] "
                "and labels [n]");
}

TEST(DatasetHdf5Errors, MissingDatasetListsTheRoot) {
  TempDir dir;
  const std::string path =
      write_h5(dir, {{"images", H5T_NATIVE_UINT8, {3, 4}, kBytes.data()},
                     {"labels", H5T_NATIVE_INT32, {3}, kThreeLabels.data()},
                     {"/group/z", H5T_NATIVE_INT32, {3}, kThreeLabels.data()}});
  EXPECT_EQ(input_error([&] { read_hdf5_dataset(path); }),
            "dataset '" + path +
                "': no dataset '/x' (the root holds group, images, labels); "
                "give the name of the samples dataset");
  EXPECT_THAT(input_error([&] { read_hdf5_dataset(path, "images", "/nowhere/y"); }),
              HasSubstr("no dataset '/nowhere/y'"));
  EXPECT_THAT(input_error([&] { read_hdf5_dataset(path, "/group", "labels"); }),
              HasSubstr("'/group' is not a dataset; give the name of the samples dataset"));
}

TEST(DatasetHdf5Errors, WrongShapes) {
  TempDir dir;
  const std::string path = write_h5(dir, {{"x1", H5T_NATIVE_UINT8, {12}, kBytes.data()},
                                          {"x2", H5T_NATIVE_UINT8, {3, 4}, kBytes.data()},
                                          {"x0", H5T_NATIVE_UINT8, {0, 4}, kBytes.data()},
                                          {"y0", H5T_NATIVE_UINT8, {0}, kBytes.data()},
                                          {"y2", H5T_NATIVE_INT32, {3, 1}, kThreeLabels.data()},
                                          {"y4", H5T_NATIVE_UINT8, {4}, kBytes.data()},
                                          {"y", H5T_NATIVE_INT32, {3}, kThreeLabels.data()}});
  EXPECT_THAT(input_error([&] { read_hdf5_dataset(path, "x1", "y"); }),
              HasSubstr("samples 'x1' have shape [12], not [n, ...]; store one row per sample"));
  EXPECT_THAT(input_error([&] { read_hdf5_dataset(path, "x2", "y2"); }),
              HasSubstr("labels 'y2' have shape [3, 1], not [n]"));
  EXPECT_THAT(input_error([&] { read_hdf5_dataset(path, "x2", "y4"); }),
              HasSubstr("'x2' has 3 samples but 'y4' has 4 labels; give one label per sample"));
  EXPECT_THAT(input_error([&] { read_hdf5_dataset(path, "x0", "y0"); }),
              HasSubstr("samples 'x0' have shape [0, 4], with no values"));
}

TEST(DatasetHdf5Errors, NonNumericTypesAndNegativeLabels) {
  TempDir dir;
  const hid_t text = H5Tcopy(H5T_C_S1);
  H5Tset_size(text, 4);
  const std::vector<float> float_labels = {1, 0, 4};
  const std::vector<std::int32_t> negative = {1, -3, 4};
  const std::string path = write_h5(dir, {{"strings", text, {3, 1}, "abcdefghijkl"},
                                          {"x", H5T_NATIVE_UINT8, {3, 4}, kBytes.data()},
                                          {"float_y", H5T_NATIVE_FLOAT, {3}, float_labels.data()},
                                          {"negative", H5T_NATIVE_INT32, {3}, negative.data()}});
  H5Tclose(text);
  EXPECT_THAT(input_error([&] { read_hdf5_dataset(path, "strings", "negative"); }),
              HasSubstr("'strings' holds string values; store the samples as integers or floats"));
  EXPECT_THAT(input_error([&] { read_hdf5_dataset(path, "x", "float_y"); }),
              HasSubstr("'float_y' holds float32 values; store the labels as integers"));
  EXPECT_EQ(input_error([&] { read_hdf5_dataset(path, "x", "negative"); }),
            "dataset '" + path +
                "': label -3 at index 1 of 'negative' is negative; number the "
                "classes 0, 1, 2, ...");
}

}  // namespace
}  // namespace mpibatch::io
