/// \file write_demo_model: builds the demo module from demo_model_source and saves it.

#include "mpibatch/model/demo_model.h"

#include <ATen/CPUGeneratorImpl.h>
#include <spdlog/spdlog.h>
#include <torch/script.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <system_error>

#include "demo_model_source.h"
#include "error_text.h"
#include "mpibatch/error.h"

namespace mpibatch::model {
namespace {

at::Tensor initial_value(const detail::DemoParameter& p, at::Generator& generator) {
  switch (p.init) {
    case detail::Init::kOnes:
      return torch::ones(p.shape);
    case detail::Init::kZeros:
      return torch::zeros(p.shape);
    case detail::Init::kNormal:
      break;
  }
  return torch::randn(p.shape, generator) * p.scale;
}

/// Build facts stored beside the code in the archive (extra/mpibatch_demo.json).
std::string description(const DemoModelOptions& o) {
  std::ostringstream json;
  json << "{\"model\": \"mpibatch demo TTS\", \"trained\": false, \"channels\": " << o.channels
       << ", \"layers\": " << o.layers << ", \"heads\": " << o.heads
       << ", \"hop_length\": " << o.hop_length << ", \"seed\": " << o.seed
       << ", \"note\": \"untrained load generator; replace with your own model\"}";
  return json.str();
}

}  // namespace

void write_demo_model(const std::string& path, const DemoModelOptions& options) {
  if (auto problems = detail::demo_option_problems(options); !problems.empty()) {
    throw ConfigError(std::move(problems));
  }
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code error;
  if (path.empty() || !fs::is_directory(parent, error)) {
    throw IoError("make-model: cannot write '" + path + "': folder '" + parent.string() +
                  "' does not exist; create it first");
  }

  // NOTE [demo seed] A private generator: same seed, same weights, and the process's global
  // torch RNG is left alone.
  at::Generator generator = at::detail::createCPUGenerator(options.seed);
  torch::jit::Module module("__torch__.mpibatch.DemoTTS");
  for (const auto& p : detail::demo_parameters(options)) {
    module.register_parameter(p.name, initial_value(p, generator), /*is_buffer=*/false);
  }
  module.register_attribute("hop_length", c10::IntType::get(),
                            static_cast<std::int64_t>(options.hop_length));
  module.define(detail::demo_source(options));
  module.eval();

  // Save next to the target and rename, so no reader ever sees half a file.
  const std::string temporary = path + ".tmp-" + std::to_string(::getpid());
  try {
    module.save(temporary, {{"mpibatch_demo.json", description(options)}});
  } catch (const std::exception& e) {
    fs::remove(temporary, error);
    throw IoError("make-model: cannot write '" + path +
                  "': " + detail::summarize_torch_error(e.what()));
  }
  fs::rename(temporary, target, error);
  if (error) {
    const std::string reason = error.message();
    fs::remove(temporary, error);
    throw IoError("make-model: cannot write '" + path + "': " + reason);
  }
  spdlog::debug("wrote demo model {} (channels {}, layers {}, heads {}, hop {}, seed {})", path,
                options.channels, options.layers, options.heads, options.hop_length, options.seed);
}

}  // namespace mpibatch::model
