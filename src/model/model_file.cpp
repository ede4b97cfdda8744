/// \file check_model_file.

#include "model_file.h"

#include <array>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "mpibatch/error.h"

namespace mpibatch::model::detail {

void check_model_file(const std::string& path) {
  namespace fs = std::filesystem;
  if (path.empty()) {
    throw ModelError(
        "model.path: empty; set it to a TorchScript file (mpibatch make-model writes a demo one)");
  }
  const std::string where = "model.path: '" + path + "'";
  std::error_code error;
  const auto status = fs::status(path, error);
  if (!fs::exists(status)) {
    throw ModelError(where +
                     " does not exist; check the path (relative paths start at the working "
                     "directory) or write the demo model with mpibatch make-model");
  }
  if (fs::is_directory(status)) {
    throw ModelError(where + " is a directory; point model.path at the .pt file inside it");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ModelError(where + " cannot be read; check its permissions");
  std::array<char, 4> magic{};
  in.read(magic.data(), magic.size());
  const auto got = in.gcount();
  if (got == 0) {
    throw ModelError(where + " is empty (an interrupted save?); " + kExportHint);
  }
  // Zip local file header "PK\3\4" (an empty archive starts with the end record "PK\5\6").
  const bool zip = got == 4 && magic[0] == 'P' && magic[1] == 'K' &&
                   ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6));
  if (!zip) {
    throw ModelError(where +
                     " is not a TorchScript archive (not a zip file: a pickle from torch.save "
                     "of an old PyTorch, ONNX, or another format?); " +
                     kExportHint);
  }
}

}  // namespace mpibatch::model::detail
