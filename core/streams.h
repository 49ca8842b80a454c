// Every named random stream: a seed reaches each random choice through Rng(seed, stream) with a
// stream id from this file (core/rng.h), never through a thread id.
//
// The numeric values are the ones earlier versions wrote inline at each use; they are kept so
// that earlier results (tasks.yaml suites, golden values in tests) reproduce bit for bit. A new
// stream gets a name here, with a value that no other stream drawn from the same seed uses.
#pragma once

#include <cstdint>

#include "core/rng.h"

namespace saturn::streams {

// Example i of split s of a language task (s = 0: train, s = 1, 2, ...: the test bins), so a
// split is the same for any thread count (harness/kinds/language/splits.cpp).
constexpr std::uint64_t split_example(std::uint64_t split, std::uint64_t i) { return (split << 40) ^ i; }

// The random batch of training step t of a language task (harness/kinds/language/batches.cpp).
// This key is mixed into the seed, not into the stream id (the stream id is the step).
constexpr std::uint64_t kBatchSeedKey = 0xba7c4e5ull;
inline Rng batch(std::uint64_t seed, std::int64_t step) { return Rng(seed ^ kBatchSeedKey, static_cast<std::uint64_t>(step)); }

// Parameter tensor i of the transformer's initialisation uses stream i (transformer/model.cpp).

// The grokking kind's N(0, 1/d_model) token embedding (the paper's init), "embed" in ASCII.
constexpr std::uint64_t kGrokkingEmbedding = 0x656d626564ull;
// The shuffle of all (a, b) pairs before the train/test cut of modular addition, "modadd" in ASCII.
constexpr std::uint64_t kModularAdditionShuffle = 0x6d6f64616464ull;

// scan_snap: sequence i of a seed uses stream i (scan_snap/data.cpp); these two sit at the top.
constexpr std::uint64_t kScanSnapInit = ~0ull;      // the reparameterised model's Z and Y
constexpr std::uint64_t kScanSnapTest = ~0ull - 1;  // its first draw seeds the held-out test sample

// Sampled string i of the verifier's long-string check is stream kVerifierSample + i
// (saturated_transformer/verifier.cpp).
constexpr std::uint64_t kVerifierSample = 0x5a3e0000ull;

}  // namespace saturn::streams
