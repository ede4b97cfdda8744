#include "mpibatch/sched/policy.h"

#include "mpibatch/error.h"
#include "mpibatch/sched/dynamic_policy.h"
#include "mpibatch/sched/static_policy.h"
#include "mpibatch/sched/weighted_policy.h"

namespace mpibatch::sched {

std::unique_ptr<Policy> make_policy(const std::string& name, const PolicyOptions& options) {
  if (name == "dynamic") {
    DynamicOptions dynamic;
    dynamic.min_chunk_s = options.min_chunk_s;
    return std::make_unique<DynamicPolicy>(dynamic);
  }
  if (name == "weighted") {
    WeightedOptions weighted;
    weighted.rank_weights = options.rank_weights;
    weighted.calibration_items = options.calibration_items;
    return std::make_unique<WeightedPolicy>(weighted);
  }
  if (name == "static") return std::make_unique<StaticPolicy>();
  std::string known;
  for (const auto& n : policy_names()) known += (known.empty() ? "" : ", ") + n;
  throw ConfigError({"runtime.schedule: unknown policy '" + name + "'; available: " + known});
}

std::vector<std::string> policy_names() { return {"dynamic", "weighted", "static"}; }

}  // namespace mpibatch::sched
