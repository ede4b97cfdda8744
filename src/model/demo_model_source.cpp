/// \file The demo model's architecture as TorchScript source.
///
/// NOTE [padding invariance] Every step keeps an item's output independent of its batch
/// neighbours and of the padding after it: padded positions are zeroed after every block
/// (layer norm, conv bias and linear biases would otherwise leak non-zeros into them), the token
/// convs see zeros beyond an item's end exactly as a lone item sees conv zero-padding,
/// attention fills padded keys with -1e9 (exp underflows to exactly 0, so -inf/NaN never
/// appear, even for a row with no valid key), upsampling is per token (a linear layer,
/// then a reshape), and the sample-rate mask is applied before and after the last conv.
/// What remains is float rounding from different reduction lengths (~1e-7 relative).

#include "demo_model_source.h"

#include <cmath>
#include <sstream>

namespace mpibatch::model::detail {

std::vector<std::string> demo_option_problems(const DemoModelOptions& o) {
  std::vector<std::string> problems;
  const std::string prefix = "demo model: ";
  if (o.channels < 1)
    problems.push_back(prefix + "channels must be >= 1, got " + std::to_string(o.channels));
  if (o.layers < 0)
    problems.push_back(prefix + "layers must be >= 0, got " + std::to_string(o.layers));
  if (o.heads < 1) {
    problems.push_back(prefix + "heads must be >= 1, got " + std::to_string(o.heads));
  } else if (o.channels >= 1 && o.channels % o.heads != 0) {
    problems.push_back(prefix + "heads (" + std::to_string(o.heads) + ") must divide channels (" +
                       std::to_string(o.channels) + ")");
  }
  if (o.hop_length < 1) {
    problems.push_back(prefix + "hop_length must be >= 1, got " + std::to_string(o.hop_length));
  }
  return problems;
}

std::vector<DemoParameter> demo_parameters(const DemoModelOptions& o) {
  const std::int64_t c = o.channels;
  const std::int64_t up = kDemoUpsampleChannels;
  // Residual conv branches start small (gain 0.5) so the stack neither explodes nor vanishes.
  const double conv_scale = 0.5 / std::sqrt(static_cast<double>(c * kDemoConvKernel));
  const double linear_scale = 1.0 / std::sqrt(static_cast<double>(c));
  std::vector<DemoParameter> params;
  params.push_back({"embedding", {256, c}, Init::kNormal, 1.0});
  for (int l = 0; l < o.layers; ++l) {
    const std::string n = std::to_string(l);
    params.push_back(
        {"block" + n + "_conv_weight", {c, c, kDemoConvKernel}, Init::kNormal, conv_scale});
    params.push_back({"block" + n + "_conv_bias", {c}, Init::kNormal, 0.02});
  }
  params.push_back({"attn_norm_weight", {c}, Init::kOnes, 0});
  params.push_back({"attn_norm_bias", {c}, Init::kZeros, 0});
  params.push_back({"attn_qkv_weight", {3 * c, c}, Init::kNormal, linear_scale});
  params.push_back({"attn_qkv_bias", {3 * c}, Init::kZeros, 0});
  params.push_back({"attn_out_weight", {c, c}, Init::kNormal, linear_scale});
  params.push_back({"attn_out_bias", {c}, Init::kZeros, 0});
  params.push_back({"out_norm_weight", {c}, Init::kOnes, 0});
  params.push_back({"out_norm_bias", {c}, Init::kZeros, 0});
  params.push_back({"upsample_weight", {up * o.hop_length, c}, Init::kNormal, linear_scale});
  params.push_back({"upsample_bias", {up * o.hop_length}, Init::kNormal, 0.1});
  params.push_back({"post_weight",
                    {1, up, kDemoPostKernel},
                    Init::kNormal,
                    1.0 / std::sqrt(static_cast<double>(up * kDemoPostKernel))});
  params.push_back({"post_bias", {1}, Init::kZeros, 0});
  return params;
}

std::string demo_source(const DemoModelOptions& o) {
  const std::int64_t c = o.channels;
  const std::int64_t heads = o.heads;
  const std::int64_t head_dim = c / heads;
  const std::int64_t hop = o.hop_length;
  const std::int64_t up = kDemoUpsampleChannels;
  std::ostringstream s;
  s.precision(17);
  // Token-rate tensors: x [B, C, T] with mask_ct [B, 1, T] for the convs; [B, T, C] with
  // mask_tc [B, T, 1] for attention and upsampling.
  s << "def norm(self, x: Tensor, weight: Tensor, bias: Tensor, mask_tc: Tensor) -> Tensor:\n"
    << "    return torch.layer_norm(x, [" << c << "], weight, bias, 1e-5) * mask_tc\n"
    << "\n"
    << "def conv_block(self, x: Tensor, mask_ct: Tensor, weight: Tensor, bias: Tensor) -> Tensor:\n"
    << "    h = torch.conv1d(torch.gelu(x), weight, bias, 1, " << kDemoConvKernel / 2 << ")\n"
    << "    return (x + h) * mask_ct\n"
    << "\n"
    << "def attention(self, x: Tensor, mask_tc: Tensor, key_padding: Tensor) -> Tensor:\n"
    << "    b = x.size(0)\n"
    << "    t = x.size(1)\n"
    << "    h = self.norm(x, self.attn_norm_weight, self.attn_norm_bias, mask_tc)\n"
    << "    qkv = torch.linear(h, self.attn_qkv_weight, self.attn_qkv_bias)\n"
    << "    qkv = qkv.view(b, t, 3, " << heads << ", " << head_dim << ").permute(2, 0, 3, 1, 4)\n"
    << "    q = qkv[0]\n"
    << "    k = qkv[1]\n"
    << "    v = qkv[2]\n"
    << "    scores = torch.matmul(q, k.transpose(2, 3)) * " << 1.0 / std::sqrt(double(head_dim))
    << "\n"
    << "    scores = scores.masked_fill(key_padding, -1.0e9)\n"
    << "    weights = torch.softmax(scores, -1)\n"
    << "    o = torch.matmul(weights, v).transpose(1, 2).reshape(b, t, " << c << ")\n"
    << "    o = torch.linear(o, self.attn_out_weight, self.attn_out_bias)\n"
    << "    return (x + o) * mask_tc\n"
    << "\n"
    << "def forward(self, ids: Tensor, lengths: Tensor) -> Tuple[Tensor, Tensor]:\n"
    << "    b = ids.size(0)\n"
    << "    t = ids.size(1)\n"
    << "    valid = torch.arange(t, device=ids.device).unsqueeze(0) < lengths.unsqueeze(1)\n"
    << "    mask_tc = valid.unsqueeze(2).float()\n"
    << "    mask_ct = valid.unsqueeze(1).float()\n"
    << "    key_padding = torch.logical_not(valid).unsqueeze(1).unsqueeze(2)\n"
    << "    x = (torch.embedding(self.embedding, ids) * mask_tc).transpose(1, 2)\n";
  for (int l = 0; l < o.layers; ++l) {
    const std::string n = "self.block" + std::to_string(l);
    s << "    x = self.conv_block(x, mask_ct, " << n << "_conv_weight, " << n << "_conv_bias)\n";
  }
  s << "    x = self.attention(x.transpose(1, 2), mask_tc, key_padding)\n"
    << "    x = self.norm(x, self.out_norm_weight, self.out_norm_bias, mask_tc)\n"
    << "    # upsampling: every token becomes " << hop << " samples of " << up << " channels\n"
    << "    u = torch.linear(x, self.upsample_weight, self.upsample_bias)\n"
    << "    u = u.view(b, t, " << up << ", " << hop << ").permute(0, 2, 1, 3).reshape(b, " << up
    << ", t * " << hop << ")\n"
    << "    samples = torch.arange(t * " << hop << ", device=ids.device).unsqueeze(0)\n"
    << "    wave_mask = (samples < (lengths * " << hop << ").unsqueeze(1)).unsqueeze(1).float()\n"
    << "    u = torch.tanh(u) * wave_mask\n"
    << "    wave = torch.conv1d(u, self.post_weight, self.post_bias, 1, " << kDemoPostKernel / 2
    << ")\n"
    << "    wave = torch.tanh(wave) * wave_mask\n"
    << "    return wave.squeeze(1), lengths * " << hop << "\n";
  return s.str();
}

}  // namespace mpibatch::model::detail
