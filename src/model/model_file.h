#pragma once
/// \file Checks on a model file before torch sees it (no torch here), so that the common
/// mistakes get a precise message instead of a zip reader's.

#include <string>

namespace mpibatch::model::detail {

/// The hint every "not a TorchScript archive" message ends with.
inline constexpr const char* kExportHint =
    "export it with torch.jit.script(model).save(path) (see docs/model-contract.md)";

/// Throws ModelError when `path` is empty, missing, a directory, unreadable, empty, or not a
/// zip archive (TorchScript files are zip archives). Messages start with "model.path: '<path>'".
void check_model_file(const std::string& path);

}  // namespace mpibatch::model::detail
