#pragma once
/// \file Natural ordering of names: "chapter2" before "chapter10".

#include <string_view>

namespace mpibatch::work {

/// Compares runs of ASCII digits by value and everything else case-insensitively (ASCII);
/// ties are broken by plain byte order so the order is total and deterministic.
bool natural_less(std::string_view a, std::string_view b);

}  // namespace mpibatch::work
