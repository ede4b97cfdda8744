#include "probe_batch_command.h"

#include <fmt/format.h>

#include <iostream>

#include "mpibatch/device/device_context.h"
#include "mpibatch/model/torchscript_runner.h"

namespace mpibatch::app {

int probe_batch_command(const ProbeBatchArgs& args) {
  device::DeviceRequest request;
  request.device = args.device;
  request.on_missing_gpu = "error";
  request.host = "this machine";
  const device::DeviceChoice device = device::choose_device(request);
  model::RunnerOptions options;
  options.path = args.model;
  options.device = device.device;
  options.precision = args.precision;
  model::TorchScriptRunner runner(options);
  std::cout << fmt::format("{} ({}), items of {} tokens, up to batch {}, median of {} runs\n\n",
                           runner.describe(), device.reason, args.probe.tokens,
                           args.probe.max_batch, args.probe.repeat);
  const model::BatchProbe probe = model::probe_batch(runner, args.probe);
  std::cout << fmt::format("{:>7}  {:<6} {:>10} {:>12}\n", "batch", "fits", "items/s", "peak GiB");
  for (const auto& point : probe.points) {
    std::cout << fmt::format("{:>7}  {:<6} {:>10.1f} {:>12.2f}\n", point.batch,
                             point.fits ? "yes" : "OOM", point.items_per_s,
                             static_cast<double>(point.memory_peak) / (1024.0 * 1024 * 1024));
  }
  if (probe.largest_fit == 0) {
    std::cout << "\nnot even one item of " << args.probe.tokens
              << " tokens fits: lower input.max_chars, or use a device with more memory\n";
    return 1;
  }
  std::cout << fmt::format(
      "\nlargest batch that fits: {}{}\nfastest: batch {} at {:.1f} items/s; set model.batch_size "
      "near it (the OOM back-off halves it where a longer item does not fit)\n",
      probe.largest_fit, probe.largest_fit >= args.probe.max_batch ? " (the largest tried)" : "",
      probe.best, probe.best_items_per_s);
  return 0;
}

}  // namespace mpibatch::app
