// Arbitrary-precision integers for exact counts, and exact uniform draws below a bound.
#pragma once

#include <boost/multiprecision/cpp_int.hpp>
#include <string>

#include "core/rng.h"

namespace saturn {

using BigInt = boost::multiprecision::cpp_int;

// Uniform integer in [0, bound), exactly (rejection sampling on whole 64-bit limbs). bound > 0.
BigInt uniform_below(const BigInt& bound, Rng& rng);

std::string to_string(const BigInt& x);

}  // namespace saturn
