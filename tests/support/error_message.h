#pragma once
/// \file message_of: the what() of the exception a call throws, for asserting on messages.

#include <gtest/gtest.h>

#include <string>

namespace mpibatch::testing {

/// Runs `call` and returns the message of the `Exception` it throws; a test failure (and "")
/// if it throws nothing.
template <class Exception, class Call>
std::string message_of(Call call) {
  try {
    call();
  } catch (const Exception& e) {
    return e.what();
  }
  ADD_FAILURE() << "no exception of the expected type";
  return "";
}

}  // namespace mpibatch::testing
