#pragma once
/// \file The C heap's settings for a process that allocates and frees the same large tensors
/// every batch (docs/threads.md#the-c-heap).
///
/// NOTE [malloc]: glibc serves blocks over 128 KiB-32 MiB with mmap and gives freed heap
/// tops back to the kernel, so a libtorch loop that frees and allocates a few MiB of
/// activations per step takes page faults and zeroes pages on every step. Measured on this
/// project's 2-core VM, one epoch of the built-in CNN on Fashion-MNIST took 32.7 s (12 s of it
/// in the kernel) with glibc's defaults and 9.2 s with freed memory kept in the process.
/// keep_freed_memory() raises both thresholds; the heap then stays at its high-water mark.

namespace mpibatch::device {

/// Keeps freed memory in the process (mallopt M_MMAP_THRESHOLD 256 MiB, M_TRIM_THRESHOLD
/// 1 GiB), unless GLIBC_TUNABLES already sets malloc tunables (the user's choice wins).
void keep_freed_memory();

}  // namespace mpibatch::device
