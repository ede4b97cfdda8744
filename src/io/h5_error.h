#pragma once
/// \file Turning the HDF5 error stack into exceptions (private to the io module).

#include <string>

namespace mpibatch::io::h5 {

/// Turns off HDF5's automatic printing of error stacks to stderr for the calling thread (the
/// library is built thread-safe, so the setting is per thread). Cheap after the first call;
/// every entry point of the io HDF5 code calls it before its first raw call.
void silence_error_printing();

/// The current thread's HDF5 error stack as one line, innermost cause last
/// ("unable to open file; file signature not found"); empty if the stack is empty. Clears it.
std::string take_error_stack();

/// Throws IoError("<context>: <error stack>"). Called right after a raw call failed.
[[noreturn]] void throw_h5_error(const std::string& context);

}  // namespace mpibatch::io::h5
