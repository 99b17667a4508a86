#include "core/model/examples.h"

#include <algorithm>
#include <cmath>

#include "core/common/error.h"

namespace seqlens {

std::vector<double> example_series(int n) {
  std::vector<double> x(static_cast<size_t>(std::max(n, 0)));
  const double pi = 3.14159265358979323846;
  for (int t = 0; t < n; ++t)
    x[t] = std::sin(2 * pi * t / 24.0) + 0.5 * std::sin(2 * pi * t / 7.0) + 0.01 * t;
  return x;
}

std::string quantised_series_text(int n, int levels) {
  if (n < 1 || levels < 2 || levels > 26)
    throw Error(ErrorKind::InvalidArgument, "a quantised series needs n ≥ 1 and 2..26 levels");
  const std::vector<double> x = example_series(n);
  const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
  const double span = *hi - *lo;
  std::string s;
  for (double v : x) {
    int bin = span > 0 ? static_cast<int>((v - *lo) / span * levels) : 0;
    bin = std::clamp(bin, 0, levels - 1);
    s.push_back(static_cast<char>('a' + bin));
  }
  return s;
}

std::vector<Example> examples() {
  return {
      {ExampleKind::EnglishProse,
       "The old lighthouse keeper climbed the stairs each evening. He lit the lamp, wrote the "
       "weather in his book, and watched the ships pass safely through the night."},
      {ExampleKind::RussianProse,
       "Старый смотритель маяка каждый вечер поднимался по лестнице. Он зажигал лампу, "
       "записывал погоду в журнал и смотрел, как корабли спокойно проходят мимо в ночи."},
      {ExampleKind::Dna,
       "ATGGCGTACGCTAGCTAGGCTTACGATCGATCGGATCCTAGCTAGCATCGATGCTAGCTACGATCGTAGCTAGGCTAACGTTAG"
       "CCATGCATGCAATTGCGCGTATATAGCGCTAGCTTAA"},
      {ExampleKind::Code,
       "def fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n"
       "    return a\n\nprint([fib(i) for i in range(10)])\n"},
      {ExampleKind::TimeSeries, quantised_series_text(160, 16)},
  };
}

}  // namespace seqlens
