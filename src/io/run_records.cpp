#include "mpibatch/io/run_records.h"

namespace mpibatch::io {

const char* to_string(ItemStatus status) {
  switch (status) {
    case ItemStatus::kOk:
      return "ok";
    case ItemStatus::kFailed:
      return "failed";
    case ItemStatus::kSkipped:
      return "skipped";
  }
  return "unknown";
}

}  // namespace mpibatch::io
