// Deterministic, counter-based random streams. Every tensor is a named stream, so a value depends
// only on (seed, name, index): identical on every machine, independent of thread order.
// The element generator is the one documented at the top of shared/bench/torch_baseline.py
// (FNV-1a 64 of the name, splitmix64 of the counter, top 24 bits -> exact float in [-1, 1)).
#pragma once

#include <cstdint>
#include <string_view>

namespace seqlens::rng {

uint64_t fnv1a64(std::string_view s);

// Uniform in [-a, a): ((top 24 bits) - 2^23) * 2^-23 * a, one float multiply.
float uniform(uint64_t stream, uint64_t i, float a);

// Standard normal from two uniform draws of the same stream (Box-Muller on counters 2i, 2i+1).
float normal(uint64_t stream, uint64_t i);

// Stream for tensor `name` of a model initialised with `seed`. The seed is mixed in so that
// different seeds give unrelated weights; stream_for(0, name) != fnv1a64(name) on purpose.
uint64_t stream_for(uint64_t seed, std::string_view name);

}  // namespace seqlens::rng
