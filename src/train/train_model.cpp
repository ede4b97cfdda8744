#include "train_model.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <sstream>

#include "mpibatch/config/job_config.h"
#include "mpibatch/error.h"

namespace mpibatch::train {
namespace {

constexpr std::int64_t kMlpHidden = 256;
constexpr std::int64_t kCnnHidden = 128;

/// Uniform in +-1/sqrt(fan_in), PyTorch's default for linear and conv layers.
at::Tensor initial(std::vector<std::int64_t> shape, std::int64_t fan_in, at::Generator& gen) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  return ((torch::rand(shape, gen) * 2.0 - 1.0) * bound).set_requires_grad(true);
}

std::string dims(const std::vector<std::int64_t>& shape) {
  std::ostringstream text;
  text << "[";
  for (std::size_t i = 0; i < shape.size(); ++i) text << (i ? ", " : "") << shape[i];
  return text.str() + "]";
}

torch::jit::Module mlp(const std::vector<std::int64_t>& shape, std::int64_t classes,
                       at::Generator& gen) {
  std::int64_t inputs = 1;
  for (auto d : shape) inputs *= d;
  torch::jit::Module module("MpibatchMlp");
  module.register_parameter("w1", initial({kMlpHidden, inputs}, inputs, gen), false);
  module.register_parameter("b1", initial({kMlpHidden}, inputs, gen), false);
  module.register_parameter("w2", initial({classes, kMlpHidden}, kMlpHidden, gen), false);
  module.register_parameter("b2", initial({classes}, kMlpHidden, gen), false);
  module.define(R"(
def forward(self, x: Tensor) -> Tensor:
    h = torch.relu(torch.matmul(x.flatten(1), self.w1.t()) + self.b1)
    return torch.matmul(h, self.w2.t()) + self.b2
)");
  return module;
}

torch::jit::Module cnn(const std::vector<std::int64_t>& shape, std::int64_t classes,
                       at::Generator& gen) {
  if (shape.size() != 3 || shape[1] < 4 || shape[2] < 4) {
    throw ModelError("train.model: cnn needs image samples [channels, height, width] of at "
                     "least 4 x 4, but the dataset's samples are " +
                     dims(shape) + "; use train.model: mlp");
  }
  const std::int64_t c = shape[0];
  const std::int64_t flat = 32 * (shape[1] / 2 / 2) * (shape[2] / 2 / 2);
  torch::jit::Module module("MpibatchCnn");
  module.register_parameter("c1w", initial({16, c, 3, 3}, c * 9, gen), false);
  module.register_parameter("c1b", initial({16}, c * 9, gen), false);
  module.register_parameter("c2w", initial({32, 16, 3, 3}, 16 * 9, gen), false);
  module.register_parameter("c2b", initial({32}, 16 * 9, gen), false);
  module.register_parameter("f1w", initial({kCnnHidden, flat}, flat, gen), false);
  module.register_parameter("f1b", initial({kCnnHidden}, flat, gen), false);
  module.register_parameter("f2w", initial({classes, kCnnHidden}, kCnnHidden, gen), false);
  module.register_parameter("f2b", initial({classes}, kCnnHidden, gen), false);
  module.define(R"(
def forward(self, x: Tensor) -> Tensor:
    x = torch.max_pool2d(torch.relu(torch.conv2d(x, self.c1w, self.c1b, [1, 1], [1, 1])), [2, 2])
    x = torch.max_pool2d(torch.relu(torch.conv2d(x, self.c2w, self.c2b, [1, 1], [1, 1])), [2, 2])
    h = torch.relu(torch.matmul(x.flatten(1), self.f1w.t()) + self.f1b)
    return torch.matmul(h, self.f2w.t()) + self.f2b
)");
  return module;
}

torch::jit::Module load(const std::string& path, const std::string& key) {
  try {
    return torch::jit::load(path, torch::kCPU);
  } catch (const std::exception& e) {
    std::string what = e.what();
    what = what.substr(0, what.find('\n'));
    throw ModelError(key + ": '" + path + "' is not a TorchScript file (" + what +
                     "); give mlp, cnn, or a model saved with torch.jit.save(torch.jit.script(m))");
  }
}

}  // namespace

torch::jit::Module make_train_model(const std::string& model,
                                    const std::vector<std::int64_t>& sample_shape,
                                    std::int64_t classes, std::uint64_t seed,
                                    const std::string& key) {
  at::Generator gen = at::detail::createCPUGenerator(seed);
  torch::jit::Module module = model == "mlp"   ? mlp(sample_shape, classes, gen)
                              : model == "cnn" ? cnn(sample_shape, classes, gen)
                                               : load(model, key);
  module.train();
  const std::string name = config::is_builtin_train_model(model) ? model : "'" + model + "'";
  std::size_t trainable = 0;
  for (const at::Tensor& p : module.parameters()) trainable += p.requires_grad() ? 1 : 0;
  if (trainable == 0) {
    throw ModelError(key + ": " + name +
                     " has no trainable parameters; script an nn.Module with parameters");
  }
  std::vector<std::int64_t> probe_shape = {2};
  probe_shape.insert(probe_shape.end(), sample_shape.begin(), sample_shape.end());
  at::Tensor out;
  try {
    torch::NoGradGuard no_grad;
    const c10::IValue value = module.forward({torch::zeros(probe_shape)});
    if (!value.isTensor()) throw std::runtime_error("forward returned a " + value.tagKind());
    out = value.toTensor();
  } catch (const std::exception& e) {
    std::string what = e.what();
    what = what.substr(what.rfind('\n', what.size() - 2) + 1);
    throw ModelError(key + ": " + name + " fails on a probe batch of samples " +
                     dims(probe_shape) + " (" + what +
                     "); forward(x) must take float samples [B, ...] and return logits [B, " +
                     std::to_string(classes) + "]");
  }
  if (out.dim() != 2 || out.size(0) != 2 || out.size(1) != classes) {
    throw ModelError(key + ": " + name + " returns " + dims(out.sizes().vec()) +
                     " for a probe batch of 2 samples; it must return logits [2, " +
                     std::to_string(classes) + "] for the dataset's " + std::to_string(classes) +
                     " classes");
  }
  return module;
}

}  // namespace mpibatch::train
