#pragma once
/// \file TokenIds: one item's token ids, what an encoder makes and a model runner takes.

#include <cstdint>
#include <vector>

namespace mpibatch::encode {

using TokenIds = std::vector<std::int64_t>;

}  // namespace mpibatch::encode
