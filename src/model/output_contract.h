#pragma once
/// \file The output half of the model contract: forward's result -> one ItemOutput per item.
/// Private to model/ (includes torch).

#include <ATen/core/ivalue.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "mpibatch/model/model_runner.h"

namespace mpibatch::model::detail {

/// A model output that breaks the contract; the caller turns it into a ModelError naming the
/// file. what() is one line saying what is wrong ("output dtype is Long; expected ...").
class ContractViolation : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Splits forward's output for a batch of `batch` items: a floating-point tensor [B, S, ...],
/// or a tuple (that tensor, lengths [B] integral, each in [0, S]). Item i gets rows
/// [0, length_i) of slice i (length_i = S without lengths), converted to float32 on the CPU,
/// feature_shape = the trailing dims. Throws ContractViolation.
std::vector<ItemOutput> split_outputs(const c10::IValue& output, std::int64_t batch);

}  // namespace mpibatch::model::detail
