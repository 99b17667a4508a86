// Example inputs for the applications SeqLens demonstrates: prose in two languages, DNA, code
// and a time series quantised to tokens. The texts are data, not UI strings: the Russian prose
// stays Russian in the English UI and vice versa.
#pragma once

#include <string>
#include <vector>

namespace seqlens {

enum class ExampleKind { EnglishProse, RussianProse, Dna, Code, TimeSeries };

struct Example {
  ExampleKind kind;
  std::string text;
};

std::vector<Example> examples();

// A deterministic series (two sines and a slow trend) of `n` samples quantised uniformly into
// `levels` bins over its range and written as the letters 'a', 'b', …: bin i → 'a' + i.
// Throws Error(InvalidArgument) unless 1 ≤ n and 2 ≤ levels ≤ 26.
std::string quantised_series_text(int n, int levels);
// The same series' samples, for checking the quantisation.
std::vector<double> example_series(int n);

}  // namespace seqlens
