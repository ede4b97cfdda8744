#pragma once
/// \file Helpers for the book reader tests.

#include <string>

#include "mpibatch/error.h"
#include "mpibatch/io/book_reader.h"

namespace mpibatch::io::testing {

/// The InputError message read_book gives for `path`, or "(no error)".
inline std::string error_of(const std::string& path, const BookOptions& options = {}) {
  try {
    read_book(path, options);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace mpibatch::io::testing
