// run_pipeline over real MPI (every rank of mpiexec -n 2 / -n 3), with the fake model: every
// item exactly once at rank 0, chapters written once, timing rows for every rank.
#include <gtest/gtest.h>

#include "mpi_world.h"
#include "mpibatch/encode/encoder.h"
#include "mpibatch/pipeline/pipeline.h"
#include "mpibatch/work/text_splitter.h"
#include "support/fake_model_runner.h"
#include "support/recording_result_writer.h"

namespace mpibatch::testing {
namespace {

pipeline::WorkPlan plan_for(int chapters) {
  work::Book book;
  for (int c = 0; c < chapters; ++c) {
    std::string text;
    for (int s = 0; s < 5 + c % 4; ++s)
      text += "Sentence " + std::to_string(c) + "." + std::to_string(s) + " of the test. ";
    book.chapters.push_back({static_cast<std::uint32_t>(c), "c" + std::to_string(c), "", text});
  }
  return pipeline::make_work_plan(book, work::split_book(book, {}));
}

TEST(PipelineOverMpi, EveryItemExactlyOnceWithLargeResults) {
  comm::Communicator& comm = mpi_world();
  const bool root = comm.rank() == 0;
  const pipeline::WorkPlan plan = plan_for(9);
  FakeModelRunner runner;
  runner.rows_per_token = 700;  // ~20k floats per item: beyond MPI's eager limit
  const auto encoder = encode::make_encoder("bytes");
  timing::SteadyClock clock;
  timing::PhaseTimer timer(clock);
  pipeline::RankContext ctx{comm, runner, *encoder, timer};
  RecordingResultWriter writer;
  pipeline::PipelineOptions options;
  options.batch_size = 4;
  const auto result = pipeline::run_pipeline(ctx, root ? plan : pipeline::WorkPlan{},
                                             root ? &writer : nullptr, options, {});
  EXPECT_GT(result.self.items, 0u);
  if (!root) return;
  ASSERT_EQ(result.items.size(), plan.items.size());
  for (std::size_t i = 0; i < result.items.size(); ++i) {
    EXPECT_EQ(result.items[i].id, i);
    EXPECT_EQ(result.items[i].status, io::ItemStatus::kOk);
  }
  ASSERT_EQ(result.ranks.size(), static_cast<std::size_t>(comm.size()));
  for (const auto& chapter : plan.chapters) {
    EXPECT_EQ(writer.writes_per_chapter[chapter.index], 1);
    const auto& output = writer.outputs[chapter.index];
    for (std::uint32_t k = 0; k < chapter.items; ++k) {
      const auto expected = runner.expected(byte_ids(plan.items[chapter.first_item + k].text));
      ASSERT_EQ(output.offsets[k + 1] - output.offsets[k], expected.length);
      EXPECT_EQ(output.values[static_cast<std::size_t>(output.offsets[k])],
                expected.values.front());
    }
  }
}

}  // namespace
}  // namespace mpibatch::testing
