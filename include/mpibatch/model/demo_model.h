#pragma once
/// \file The demo model written by `mpibatch make-model`: an UNTRAINED, seeded network with the
/// compute shape of a small non-autoregressive TTS model (ids -> embedding -> conv/attention
/// stack -> upsampling -> waveform samples). A load generator to be replaced by a real model:
/// its "audio" is deterministic noise shaped by the text, not speech.
///
/// Architecture (docs/model-contract.md#the-demo-model): embedding (256 x channels) ->
/// `layers` residual blocks conv1d(kernel 5) on GELU -> one multi-head self-attention block
/// (pre-layer-norm, padded keys masked) -> layer norm -> per-token linear upsampling to
/// hop_length samples x 4 channels -> tanh -> conv1d(4 -> 1, kernel 9) -> tanh.
/// forward(ids, lengths) returns (wave float32 [B, T * hop_length], lengths * hop_length).
///
/// Padded positions are re-masked after every step, so an item's output does not depend on
/// its batch or padding beyond float rounding (about 1e-6 absolute; compare with rtol 1e-4 and
/// atol 1e-5). Throughput with the defaults: roughly 10-15 thousand input chars/s per CPU
/// thread (docs/model-contract.md has the measurement and command).

#include <cstdint>
#include <string>

namespace mpibatch::model {

struct DemoModelOptions {
  int channels = 128;    ///< width of the embedding and conv/attention stack
  int layers = 4;        ///< conv blocks
  int heads = 4;         ///< attention heads (channels % heads == 0)
  int hop_length = 256;  ///< output samples per input token
  std::uint64_t seed = 42;
};

/// Builds the model with torch::jit::Module + define() and saves it as TorchScript at `path`
/// (written beside it and renamed, so readers never see half a file). Same options and seed,
/// same weights: the weights come from a private generator seeded with `seed` (the process's
/// torch RNG is untouched). The archive also holds extra/mpibatch_demo.json with the options.
/// Throws ConfigError listing every invalid option, IoError if the file cannot be written.
void write_demo_model(const std::string& path, const DemoModelOptions& options);

}  // namespace mpibatch::model
