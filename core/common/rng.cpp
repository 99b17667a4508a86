#include "core/common/rng.h"

#include <cmath>

namespace seqlens::rng {

uint64_t fnv1a64(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

static uint64_t mix(uint64_t stream, uint64_t i) {
  uint64_t z = stream + (i + 1) * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

float uniform(uint64_t stream, uint64_t i, float a) {
  const int32_t k = static_cast<int32_t>(mix(stream, i) >> 40) - 8388608;
  return (static_cast<float>(k) * 0x1p-23f) * a;
}

float normal(uint64_t stream, uint64_t i) {
  // u1 in (0, 1], u2 in [0, 1): 24-bit resolution is plenty for initialisation.
  const double u1 = (static_cast<double>(mix(stream, 2 * i) >> 40) + 1.0) * 0x1p-24;
  const double u2 = static_cast<double>(mix(stream, 2 * i + 1) >> 40) * 0x1p-24;
  return static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2));
}

uint64_t stream_for(uint64_t seed, std::string_view name) {
  return fnv1a64(name) ^ mix(0x5EC1E25ULL, seed);
}

}  // namespace seqlens::rng
