// Defaults, accepted_keys() and the layout of effective_yaml.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "config_test_util.h"
#include "mpibatch/config/config_loader.h"

namespace mpibatch::config::testing {
namespace {

using ::testing::ElementsAre;

TEST_F(ConfigTest, MinimalJobGetsEveryDefault) {
  const JobConfig config = load_job_config(job(kMinimalJob, "demo.yaml"));
  EXPECT_EQ(config.job.name, "demo");  // the job file's stem
  EXPECT_EQ(config.job.kind, "infer");
  EXPECT_EQ(config.input.paths, std::vector<std::string>{abs("book")});
  EXPECT_EQ(config.input.extensions,
            (std::vector<std::string>{".txt", ".md", ".markdown", ".html", ".htm", ".xhtml"}));
  EXPECT_EQ(config.input.chapter_heading, "auto");
  EXPECT_EQ(config.input.split, SplitMode::kSentence);
  EXPECT_EQ(config.input.max_chars, 400);
  EXPECT_EQ(config.model.path, abs("model.pt"));
  EXPECT_EQ(config.model.encoder, "bytes");
  EXPECT_EQ(config.model.batch_size, 8);
  EXPECT_EQ(config.model.output_units, "");
  EXPECT_EQ(config.model.sample_rate, 0.0);
  EXPECT_EQ(config.runtime.schedule, "dynamic");
  EXPECT_TRUE(config.runtime.rank_weights.empty());
  EXPECT_EQ(config.runtime.device, "auto");
  EXPECT_EQ(config.runtime.on_missing_gpu, "fallback");
  EXPECT_EQ(config.runtime.threads_per_rank, 0);
  EXPECT_EQ(config.runtime.interop_threads, 1);
  EXPECT_EQ(config.runtime.log_dir, "");
  EXPECT_EQ(config.runtime.max_consecutive_failures, 32);
  EXPECT_EQ(config.output.path, abs("demo.h5"));  // <job.name>.h5 in the working directory
  EXPECT_FALSE(config.output.overwrite);
  EXPECT_EQ(config.output.compression, 0);
  EXPECT_EQ(config.output.commit_interval, 60.0);
}

TEST_F(ConfigTest, EffectiveYamlListsEveryKeyWithItsValueInSchemaOrder) {
  const JobConfig config = load_job_config(job(kMinimalJob, "demo.yaml"));
  const std::string expected =
      "job:\n"
      "  name: demo\n"
      "  kind: infer\n"
      "input:\n"
      "  path: " +
      abs("book") +
      "\n"
      "  format: auto\n"
      "  labels: \"\"\n"
      "  extensions: [.txt, .md, .markdown, .html, .htm, .xhtml]\n"
      "  chapter_heading: auto\n"
      "  chapters: \"all\"\n"
      "  language: auto\n"
      "  split: sentence\n"
      "  max_chars: 400\n"
      "model:\n"
      "  path: " +
      abs("model.pt") +
      "\n"
      "  encoder: bytes\n"
      "  vocabulary: \"\"\n"
      "  phoneme_map: \"\"\n"
      "  espeak_voice: auto\n"
      "  batch_size: 8\n"
      "  output_units: \"\"\n"
      "  sample_rate: 0\n"
      "runtime:\n"
      "  schedule: dynamic\n"
      "  rank_weights: []\n"
      "  device: auto\n"
      "  on_missing_gpu: fallback\n"
      "  threads_per_rank: auto\n"
      "  interop_threads: 1\n"
      "  log_dir: \"\"\n"
      "  max_consecutive_failures: 32\n  progress_interval: 10\n  stall_timeout: 600\n"
      "  simulate_speed: []\n"
      "gpu:\n"
      "  select: local_rank\n"
      "  precision: fp32\n"
      "  tf32: true\n"
      "  cudnn_benchmark: false\n"
      "  streams: 1\n"
      "  release_memory: false\n"
      "output:\n"
      "  path: " +
      abs("demo.h5") +
      "\n"
      "  overwrite: false\n"
      "  compression: 0\n"
      "  commit_interval: 60\n"
      "  audio: \"\"\n"
      "  audio_format: wav\n"
      "  audio_pause: 0.4\n"
      "  audio_level: peak\n"
      "train:\n"
      "  data: \"\"\n"
      "  labels: \"\"\n"
      "  eval_data: \"\"\n"
      "  eval_labels: \"\"\n"
      "  x_name: /x\n"
      "  y_name: /y\n"
      "  model: mlp\n"
      "  optimizer: sgd\n"
      "  lr: 0.05\n"
      "  momentum: 0.9\n"
      "  weight_decay: 0\n"
      "  lr_schedule: cosine\n"
      "  warmup_steps: 0\n"
      "  epochs: 5\n"
      "  global_batch: 128\n"
      "  seed: 1\n"
      "  eval_every: 1\n"
      "  checkpoint_every: 0\n"
      "  checkpoint: \"\"\n"
      "  export_model: \"\"\n"
      "  bucket_mb: 25\n";
  EXPECT_EQ(config.effective_yaml, expected);
}

TEST(AcceptedKeys, AreUniqueAndGroupedBySectionInDocumentationOrder) {
  const std::vector<std::string> keys = accepted_keys();
  ASSERT_FALSE(keys.empty());
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()).size(), keys.size());
  std::vector<std::string> sections;
  for (const auto& key : keys) {
    const std::string section = key.substr(0, key.find('.'));
    if (sections.empty() || sections.back() != section) sections.push_back(section);
  }
  EXPECT_THAT(sections, ElementsAre("job", "input", "model", "runtime", "gpu", "output", "train"));
  EXPECT_EQ(keys.front(), "job.name");
  EXPECT_EQ(keys.back(), "train.bucket_mb");
}

TEST_F(ConfigTest, EveryAcceptedKeyAppearsInTheEffectiveYamlInOrder) {
  const JobConfig config = load_job_config(job(kMinimalJob));
  std::size_t position = 0;
  for (const auto& key : accepted_keys()) {
    const std::string leaf = "  " + key.substr(key.find('.') + 1) + ":";
    const std::size_t found = config.effective_yaml.find(leaf, position);
    ASSERT_NE(found, std::string::npos) << key << " missing or out of order";
    position = found;
  }
}

}  // namespace
}  // namespace mpibatch::config::testing
