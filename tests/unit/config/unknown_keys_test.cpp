// Unknown sections and keys, sections that are not maps, duplicates: with suggestions.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_util.h"
#include "mpibatch/config/config_loader.h"

namespace mpibatch::config::testing {
namespace {

using ::testing::ElementsAre;

TEST_F(ConfigTest, UnknownKeyInASectionSuggestsTheClosestKey) {
  LoadOptions options = job(std::string(kMinimalJob) +
                                "runtime:\n"           // 5
                                "  shedule: static\n"  // 6
                                "  Device: cpu\n"      // 7
                                "  threads: 4\n",      // 8
                            "jobs/x.yaml");
  options.check_paths = false;
  EXPECT_THAT(
      load_problems(options),
      ElementsAre(
          "runtime.shedule: unknown key; did you mean 'runtime.schedule'? (jobs/x.yaml:6)",
          "runtime.Device: unknown key; did you mean 'runtime.device'? (jobs/x.yaml:7)",
          "runtime.threads: unknown key; the keys of runtime are schedule, rank_weights, device, "
          "on_missing_gpu, threads_per_rank, interop_threads, log_dir, "
          "max_consecutive_failures, progress_interval, stall_timeout, simulate_speed (jobs/x.yaml:8)"));
}

TEST_F(ConfigTest, KeyInTheWrongSectionSuggestsItsSection) {
  const LoadOptions options = job(std::string(kMinimalJob) + "  threads_per_rank: 4\n");
  EXPECT_THAT(load_problems(options),
              ElementsAre("model.threads_per_rank: unknown key; did you mean "
                          "'runtime.threads_per_rank'? (it belongs to section runtime) "
                          "(job.yaml:5)"));
}

TEST_F(ConfigTest, UnknownTopLevelSections) {
  const LoadOptions options = job(std::string(kMinimalJob) +
                                  "Runtime:\n"          // 5
                                  "  device: cpu\n"     // 6
                                  "outptu: {}\n"        // 7
                                  "batch_size: 8\n"     // 8
                                  "path: x\n"           // 9
                                  "hyperparameters:\n"  // 10
                                  "  lr: 0.1\n");       // 11
  EXPECT_THAT(load_problems(options),
              ElementsAre("Runtime: unknown section; did you mean 'runtime'? (job.yaml:5)",
                          "outptu: unknown section; did you mean 'output'? (job.yaml:7)",
                          "batch_size: unknown section; did you mean 'model.batch_size'? (keys go "
                          "inside their section) (job.yaml:8)",
                          "path: unknown section; did you mean one of 'input.path', 'model.path', "
                          "'output.path'? (keys go inside their section) (job.yaml:9)",
                          "hyperparameters: unknown section; the sections are job, input, model, "
                          "runtime, gpu, output, train (job.yaml:10)"));
}

TEST_F(ConfigTest, SectionGivenAsAScalarOrAList) {
  const LoadOptions options =
      job("input:\n"           // 1
          "  path: book\n"     // 2
          "model: model.pt\n"  // 3
          "runtime: [cpu]\n"   // 4
          "job:\n");           // 5: an empty section is fine
  EXPECT_THAT(
      load_problems(options),
      ElementsAre("model: must be a map of keys (path, encoder, vocabulary, phoneme_map, "
                  "espeak_voice, batch_size, output_units, sample_rate), got 'model.pt' "
                  "(job.yaml:3)",
                  "runtime: must be a map of keys (schedule, rank_weights, device, on_missing_gpu, "
                  "threads_per_rank, interop_threads, log_dir, max_consecutive_failures, "
                  "progress_interval, stall_timeout, simulate_speed), "
                  "got a list (job.yaml:4)",
                  "model.path: required; the TorchScript model file (.pt) to run"));
}

TEST_F(ConfigTest, ScalarKeyGivenAMapOrDeeperKeys) {
  const LoadOptions options = job(std::string(kMinimalJob) +
                                  "  batch_size:\n"   // 5
                                  "    value: 8\n");  // 6
  EXPECT_THAT(load_problems(options),
              ElementsAre("model.batch_size: must be a positive integer, got a map (job.yaml:5)"));
}

TEST_F(ConfigTest, DuplicateKeysAndSectionsAreErrors) {
  const LoadOptions options = job(std::string(kMinimalJob) +
                                  "  batch_size: 4\n"     // 5
                                  "  batch_size: 8\n"     // 6
                                  "model:\n"              // 7
                                  "  encoder: bytes\n");  // 8
  EXPECT_THAT(load_problems(options),
              ElementsAre("model.batch_size: key given twice, also at line 5 (job.yaml:6)",
                          "model: section given twice, also at line 3 (job.yaml:7)"));
}

TEST_F(ConfigTest, JobFileMustBeAMap) {
  EXPECT_THAT(load_problems(job("- input\n- model\n", "jobs/x.yaml")),
              ElementsAre("jobs/x.yaml:1: must be a map of sections (job, input, model, "
                          "runtime, gpu, output, train), got a list",
                          "input.path: required; the book: a folder, a text, Markdown, HTML or "
                          "EPUB file, or a list of them",
                          "model.path: required; the TorchScript model file (.pt) to run"));
}

}  // namespace
}  // namespace mpibatch::config::testing
