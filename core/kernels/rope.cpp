// Rotary position embedding, HF rotate_half layout (models.md D.3): dimension pairs (i, i+hd/2)
// rotate by pos·θ^(-2i/hd). Angles and their cos/sin are evaluated in double, then cast.
#include <cmath>
#include <vector>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "core/kernels/kernels.h"

namespace seqlens::kern {

void rope(float* x, int64_t pos0, int64_t T, int64_t nh, int64_t hd, double theta) {
  const int64_t half = hd / 2;
  std::vector<double> inv_freq(static_cast<size_t>(half));  // [hd/2]
  for (int64_t i = 0; i < half; ++i)
    inv_freq[i] = std::pow(theta, -2.0 * static_cast<double>(i) / static_cast<double>(hd));

  auto rows = [&](int64_t t0, int64_t t1) {
    std::vector<float> cs(static_cast<size_t>(half)), sn(static_cast<size_t>(half));  // [hd/2]
    for (int64_t t = t0; t < t1; ++t) {
      const double pos = static_cast<double>(pos0 + t);
      for (int64_t i = 0; i < half; ++i) {
        const double ang = pos * inv_freq[i];
        cs[i] = static_cast<float>(std::cos(ang));
        sn[i] = static_cast<float>(std::sin(ang));
      }
      for (int64_t h = 0; h < nh; ++h) {
        float* lo = x + (t * nh + h) * hd;  // first half of the head
        float* hi = lo + half;              // second half
        for (int64_t i = 0; i < half; ++i) {
          const float a = lo[i], b = hi[i];
          lo[i] = a * cs[i] - b * sn[i];
          hi[i] = b * cs[i] + a * sn[i];
        }
      }
    }
  };
  if (T * nh * hd < (int64_t{1} << 15)) {
    rows(0, T);
    return;
  }
  oneapi::tbb::parallel_for(
      oneapi::tbb::blocked_range<int64_t>(0, T, 8),
      [&](const oneapi::tbb::blocked_range<int64_t>& r) { rows(r.begin(), r.end()); });
}

}  // namespace seqlens::kern
