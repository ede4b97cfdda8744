#include "mpibatch/device/allocator.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>

namespace mpibatch::device {

void keep_freed_memory() {
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables != nullptr && std::strstr(tunables, "glibc.malloc.") != nullptr) return;
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

}  // namespace mpibatch::device
