#pragma once
/// \file The demo model written by `mpibatch make-model`: an UNTRAINED, seeded network with the
/// compute shape of a small non-autoregressive TTS model (ids -> embedding -> conv/attention
/// stack -> upsampling -> waveform samples). A load generator to be replaced by a real model.

#include <cstdint>
#include <string>

namespace mpibatch::model {

struct DemoModelOptions {
  int channels = 128;     ///< width of the embedding and conv/attention stack
  int layers = 4;         ///< conv blocks
  int heads = 4;          ///< attention heads (channels % heads == 0)
  int hop_length = 256;   ///< output samples per input token
  std::uint64_t seed = 42;
};

/// Builds the model with torch::jit::Module + define() and saves it as TorchScript at `path`.
/// Throws IoError if the file cannot be written.
void write_demo_model(const std::string& path, const DemoModelOptions& options);

}  // namespace mpibatch::model
