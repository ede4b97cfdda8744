#pragma once
/// \file The model a train job trains (docs/training.md#models): a TorchScript module whose
/// forward(x) takes float samples [B, sample_shape...] and returns logits [B, classes].
///
/// The built-in models are TorchScript too (built with define(), like the demo model), so a
/// trained model exports as TorchScript whatever it was:
/// - mlp: flatten -> linear(256) -> ReLU -> linear(classes);
/// - cnn (samples [C, H, W]): two blocks of conv 3x3 (16, then 32 channels, padding 1) ->
///   ReLU -> max-pool 2x2, then linear(128) -> ReLU -> linear(classes).
/// Weights are drawn like PyTorch's defaults (uniform within 1/sqrt(fan_in)) from a private
/// generator seeded with `seed`: same seed, same weights, on every rank.

#include <torch/script.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mpibatch::train {

/// `model`: "mlp", "cnn" or the path of a TorchScript file with trainable parameters, given
/// by the config key `key` (train.model, or model.path for inference over a dataset).
/// Returns the module in training mode, checked on a probe batch of two zero samples.
/// Throws ModelError (one line naming the key, the model and what to do) for a model that
/// does not fit the samples or the classes, has no trainable parameters, or cannot be loaded.
torch::jit::Module make_train_model(const std::string& model,
                                    const std::vector<std::int64_t>& sample_shape,
                                    std::int64_t classes, std::uint64_t seed,
                                    const std::string& key = "train.model");

}  // namespace mpibatch::train
