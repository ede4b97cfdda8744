// GPU binding rules over many launch environments: CUDA_VISIBLE_DEVICES forms, Open MPI /
// MPICH / Slurm layouts (per-task binding or not), oversubscription, free-memory selection.
#include "mpibatch/device/gpu_binding.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mpibatch::device {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(VisibleDevices, UnsetMeansEveryGpu) {
  const auto v = parse_visible_devices(std::nullopt);
  EXPECT_FALSE(v.set);
  EXPECT_FALSE(v.hides_all());
}

TEST(VisibleDevices, EmptyMinusOneAndNoDevFilesHideEverything) {
  for (const char* text : {"", "-1", "NoDevFiles", " ", "x,0"}) {
    const auto v = parse_visible_devices(std::string(text));
    EXPECT_TRUE(v.hides_all()) << "'" << text << "'";
  }
}

TEST(VisibleDevices, IndicesAndUuidsInOrderUpToTheFirstInvalidEntry) {
  EXPECT_THAT(parse_visible_devices(std::string("2, 0,3")).entries, ElementsAre("2", "0", "3"));
  EXPECT_THAT(parse_visible_devices(std::string("GPU-8c1e2f3a,MIG-GPU-aa/1/0")).entries,
              ElementsAre("GPU-8c1e2f3a", "MIG-GPU-aa/1/0"));
  EXPECT_THAT(parse_visible_devices(std::string("0,x,1")).entries, ElementsAre("0"));
  EXPECT_THAT(parse_visible_devices(std::string("1,-1,2")).entries, ElementsAre("1"));
  EXPECT_THAT(parse_visible_devices(std::string("1,")).entries, ElementsAre("1"));
}

std::vector<GpuView> node(const std::string& host, int ranks, const std::string& visible) {
  return std::vector<GpuView>(static_cast<std::size_t>(ranks), GpuView{host, visible});
}

TEST(GpuSlot, WithoutPerTaskBindingTheSlotIsTheNodeLocalRank) {
  // mpirun on two nodes of 4 ranks each (Open MPI / MPICH: every rank sees all GPUs).
  auto views = node("a", 4, "<unset>");
  const auto b = node("b", 4, "<unset>");
  views.insert(views.end(), b.begin(), b.end());
  for (int r = 0; r < 8; ++r) {
    const GpuSlot slot = gpu_slot(views, r);
    EXPECT_EQ(slot.slot, r % 4);
    EXPECT_EQ(slot.sharing, 4);
    EXPECT_EQ(slot.first_rank, r < 4 ? 0 : 4);
  }
}

TEST(GpuSlot, SlurmPerTaskBindingGivesEveryTaskItsOwnFirstGpu) {
  // srun --gpus-per-task=1: task k sees only GPU k, so it is slot 0 of its own group.
  const std::vector<GpuView> views = {{"n1", "0"}, {"n1", "1"}, {"n1", "2"}, {"n1", "3"}};
  for (int r = 0; r < 4; ++r) {
    const GpuSlot slot = gpu_slot(views, r);
    EXPECT_EQ(slot.slot, 0);
    EXPECT_EQ(slot.sharing, 1);
    const auto binding = bind_gpu({slot, 1, GpuSelect::kLocalRank, {}, "n1"});
    EXPECT_EQ(binding.index, 0);
    EXPECT_FALSE(binding.warning);
  }
}

TEST(GpuSlot, TwoGpusPerTaskAndAMixedNode) {
  // Tasks 0 and 1 got GPUs {0,1} and {2,3}; task 2 is a CPU-only rank that sees none.
  const std::vector<GpuView> views = {{"n1", "0,1"}, {"n1", "2,3"}, {"n1", ""}};
  EXPECT_EQ(gpu_slot(views, 1).slot, 0);
  EXPECT_EQ(gpu_slot(views, 1).first_rank, 1);
  EXPECT_EQ(gpu_slot(views, 2).sharing, 1);
}

TEST(BindGpu, SlotModuloVisibleAndAWarningWhenRanksOutnumberGpus) {
  const auto views = node("node07", 6, "<unset>");
  const auto fifth = bind_gpu({gpu_slot(views, 4), 4, GpuSelect::kLocalRank, {}, "node07"});
  EXPECT_EQ(fifth.index, 0);
  EXPECT_EQ(fifth.reason, "slot 4 of 6 on node07 -> GPU 0 of 4");
  ASSERT_TRUE(fifth.warning);
  EXPECT_THAT(*fifth.warning, HasSubstr("6 ranks on node07 share 4 GPUs, so up to 2 ranks run "
                                        "on one GPU"));
  EXPECT_THAT(*fifth.warning, HasSubstr("--ntasks-per-node=4"));
  EXPECT_FALSE(bind_gpu({gpu_slot(views, 1), 8, GpuSelect::kLocalRank, {}, "node07"}).warning);
}

TEST(BindGpu, MostFreeMemoryWhenRanksAreFewerThanGpus) {
  const auto views = node("n", 2, "<unset>");
  const std::vector<std::uint64_t> free = {10ull << 30, 70ull << 30, 5ull << 30, 70ull << 30};
  const auto first = bind_gpu({gpu_slot(views, 0), 4, GpuSelect::kMostFreeMemory, free, "n"});
  const auto second = bind_gpu({gpu_slot(views, 1), 4, GpuSelect::kMostFreeMemory, free, "n"});
  EXPECT_EQ(first.index, 1);   // 70 GiB, the lower index of the tie
  EXPECT_EQ(second.index, 3);  // the other 70 GiB
  EXPECT_THAT(first.reason, HasSubstr("by free memory: 70.0 GiB free"));
  // Unknown free memory, or more ranks than GPUs: back to the slot rule, said so.
  const auto unknown = bind_gpu({gpu_slot(views, 1), 4, GpuSelect::kMostFreeMemory, {}, "n"});
  EXPECT_EQ(unknown.index, 1);
  EXPECT_THAT(unknown.reason, HasSubstr("free memory unknown"));
  const auto crowd = node("n", 6, "<unset>");
  const auto many = bind_gpu({gpu_slot(crowd, 5), 4, GpuSelect::kMostFreeMemory, free, "n"});
  EXPECT_EQ(many.index, 1);
  EXPECT_THAT(many.reason, HasSubstr("more ranks than GPUs"));
}

TEST(BindGpu, SelectNames) {
  EXPECT_EQ(parse_gpu_select("local_rank"), GpuSelect::kLocalRank);
  EXPECT_EQ(parse_gpu_select("most_free_memory"), GpuSelect::kMostFreeMemory);
  EXPECT_FALSE(parse_gpu_select("fastest"));
}

}  // namespace
}  // namespace mpibatch::device
