/// \file split_outputs: checks and converts forward's result.

#include "output_contract.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <sstream>
#include <string>

namespace mpibatch::model::detail {
namespace {

std::string shape_of(const at::Tensor& tensor) {
  std::ostringstream out;
  out << "[";
  for (std::int64_t d = 0; d < tensor.dim(); ++d) out << (d ? ", " : "") << tensor.size(d);
  out << "]";
  return out.str();
}

std::string type_of(const c10::IValue& value) {
  try {
    return value.type()->annotation_str();
  } catch (const std::exception&) {
    return value.tagKind();
  }
}

/// forward's result as (values, optional lengths), or a ContractViolation.
std::pair<at::Tensor, std::optional<at::Tensor>> unpack(const c10::IValue& output) {
  const char* expected =
      "expected a tensor [B, S, ...] or a tuple (tensor [B, S, ...], lengths [B])";
  if (output.isTensor()) return {output.toTensor(), std::nullopt};
  if (output.isTuple()) {
    const auto& elements = output.toTupleRef().elements();
    if (elements.size() == 2 && elements[0].isTensor() && elements[1].isTensor()) {
      return {elements[0].toTensor(), elements[1].toTensor()};
    }
  }
  throw ContractViolation("forward returned " + type_of(output) + "; " + expected);
}

}  // namespace

std::vector<ItemOutput> split_outputs(const c10::IValue& output, std::int64_t batch) {
  auto [values, lengths] = unpack(output);
  if (!values.defined()) throw ContractViolation("forward returned an undefined tensor");
  if (!values.is_floating_point()) {
    throw ContractViolation(std::string("output dtype is ") + c10::toString(values.scalar_type()) +
                            "; expected a floating-point tensor (float32, float16, bfloat16 "
                            "or float64)");
  }
  if (values.dim() < 2 || values.size(0) != batch) {
    throw ContractViolation("output has shape " + shape_of(values) + " for a batch of " +
                            std::to_string(batch) + " item" + (batch == 1 ? "" : "s") +
                            "; expected [B, S, ...] with B = " + std::to_string(batch));
  }
  const std::int64_t rows = values.size(1);

  std::vector<std::int64_t> row_counts(static_cast<std::size_t>(batch), rows);
  if (lengths) {
    const auto& l = *lengths;
    if (!l.defined() || !c10::isIntegralType(l.scalar_type(), /*includeBool=*/false) ||
        l.dim() != 1 || l.size(0) != batch) {
      throw ContractViolation("output lengths are " +
                              (l.defined()
                                   ? std::string(c10::toString(l.scalar_type())) + " " + shape_of(l)
                                   : std::string("undefined")) +
                              "; expected an integer tensor [" + std::to_string(batch) + "]");
    }
    const at::Tensor cpu = l.detach().to(at::kCPU, at::kLong).contiguous();
    const auto* data = cpu.data_ptr<std::int64_t>();
    for (std::int64_t i = 0; i < batch; ++i) {
      if (data[i] < 0 || data[i] > rows) {
        throw ContractViolation("output length " + std::to_string(data[i]) + " of item " +
                                std::to_string(i) + " is outside [0, " + std::to_string(rows) +
                                "] (the output has " + std::to_string(rows) + " rows)");
      }
      row_counts[static_cast<std::size_t>(i)] = data[i];
    }
  }

  const at::Tensor cpu = values.detach().to(at::kCPU, at::kFloat).contiguous();
  std::vector<std::int64_t> feature_shape(cpu.sizes().begin() + 2, cpu.sizes().end());
  std::int64_t row_size = 1;
  for (auto d : feature_shape) row_size *= d;
  const float* base = cpu.data_ptr<float>();

  std::vector<ItemOutput> outputs(static_cast<std::size_t>(batch));
  for (std::int64_t i = 0; i < batch; ++i) {
    auto& item = outputs[static_cast<std::size_t>(i)];
    item.length = row_counts[static_cast<std::size_t>(i)];
    item.feature_shape = feature_shape;
    const float* begin = base + i * rows * row_size;
    item.values.assign(begin, begin + item.length * row_size);
  }
  return outputs;
}

}  // namespace mpibatch::model::detail
