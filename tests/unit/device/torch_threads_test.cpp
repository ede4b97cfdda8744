#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "mpibatch/device/thread_budget.h"

namespace mpibatch::device {
namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "<unset>";
}

TEST(ApplyThreadBudget, SetsTorchOpenblasAndEnvironment) {
  ThreadBudget budget;
  budget.intra_op = 2;
  budget.inter_op = 1;
  budget.reason = "test";
  apply_thread_budget(budget);

  const auto now = current_torch_threads();
  EXPECT_EQ(now.intra_op, 2);
  EXPECT_EQ(now.inter_op, 1);
  if (now.openblas != 0) {  // 0: OpenBLAS not loaded
    EXPECT_EQ(now.openblas, 2);
  }
  EXPECT_EQ(env("OMP_NUM_THREADS"), "2");
  EXPECT_EQ(env("MKL_NUM_THREADS"), "2");
  EXPECT_EQ(env("OPENBLAS_NUM_THREADS"), "2");

  // A second call changes intra-op threads; inter-op threads are fixed once set and a
  // different request only warns.
  budget.intra_op = 1;
  budget.inter_op = 2;
  EXPECT_NO_THROW(apply_thread_budget(budget));
  const auto after = current_torch_threads();
  EXPECT_EQ(after.intra_op, 1);
  EXPECT_EQ(after.inter_op, 1);
  if (after.openblas != 0) {
    EXPECT_EQ(after.openblas, 1);
  }
  EXPECT_EQ(env("OMP_NUM_THREADS"), "1");
}

TEST(ApplyThreadBudget, ClampsNonsenseToOneThread) {
  ThreadBudget budget;
  budget.intra_op = 0;
  budget.inter_op = 0;
  apply_thread_budget(budget);
  EXPECT_EQ(current_torch_threads().intra_op, 1);
  EXPECT_EQ(env("OMP_NUM_THREADS"), "1");
}

}  // namespace
}  // namespace mpibatch::device
