// models.md F16, the GPT-2 Conv1D layout trap: GPT-2 stores its projections as (in, out) and
// computes y = x W + b. A model or reference that reads them as nn.Linear (out, in) must be caught
// by the reference-logit comparison, and c_attn's output columns split as [Q | K | V], head h
// owning columns h·hd .. h·hd + hd − 1 of each block.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/instrument/sink.h"
#include "core/model/model.h"
#include "tests/core/model/naive_model.h"

namespace seqlens {
namespace {

using testing::naive_forward;
using testing::NaiveTrace;

ModelConfig gpt2_config() {
  ModelConfig c;
  c.family = Family::GPT2;
  c.vocab_size = 67;
  c.d_model = 32;
  c.n_layers = 2;
  c.n_heads = c.n_kv_heads = 4;
  c.head_dim = 8;
  c.intermediate_size = 128;
  c.max_position_embeddings = 64;
  c.norm_eps = 1e-5;
  // Larger than GPT-2's 0.02 so that attention scores are of order 1: the softmax is then far
  // from uniform and a wrong layout moves the logits well above rounding.
  c.initializer_range = 0.2;
  c.tie_word_embeddings = true;
  return c;
}

// The GPT-2 test model with its zero-initialised biases replaced by small random values.
Model gpt2_model() {
  const Model base = init_model(gpt2_config(), 31);
  std::map<std::string, Tensor> t = base.tensors();
  std::mt19937_64 g(77);
  for (auto& [name, tensor] : t) {
    const bool bias = name.size() > 5 && name.compare(name.size() - 5, 5, ".bias") == 0;
    if (!bias) continue;
    for (float& v : tensor.data)
      v += static_cast<float>((static_cast<double>(g() >> 11) * 0x1.0p-53 - 0.5) * 0.2);
  }
  return Model(base.config(), std::move(t));
}

std::vector<int32_t> tokens(int64_t T, int64_t V) {
  std::vector<int32_t> out;
  for (int64_t t = 0; t < T; ++t) out.push_back(static_cast<int32_t>((t * 37 + 11) % V));
  return out;
}

double max_abs_diff(const std::vector<float>& a, const std::vector<double>& b) {
  EXPECT_EQ(a.size(), b.size());
  double m = 0.0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    m = std::max(m, std::abs(static_cast<double>(a[i]) - b[i]));
  return m;
}

double max_abs(const std::vector<double>& v) {
  double m = 0.0;
  for (double x : v) m = std::max(m, std::abs(x));
  return m;
}

std::string layer_name(int64_t l, const std::string& rest) {
  return "transformer.h." + std::to_string(l) + "." + rest;
}

// Copies rows × cols row-major data to its transpose (cols × rows).
std::vector<float> transposed(const std::vector<float>& src, int64_t rows, int64_t cols) {
  std::vector<float> out(src.size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      out[static_cast<size_t>(c * rows + r)] = src[static_cast<size_t>(r * cols + c)];
  return out;
}

class AttnSink : public Sink {
 public:
  bool wants(Site s, int64_t) const override { return s == Site::AttnPattern; }
  void record(Site, int64_t layer, const ArrayView& a) override {
    const auto* p = static_cast<const float*>(a.data);
    shape[layer] = a.shape;
    pattern[layer].assign(p, p + Tensor::numel_of(a.shape));
  }
  std::map<int64_t, std::vector<int64_t>> shape;
  std::map<int64_t, std::vector<float>> pattern;
};

AttnSink record_attention(const Model& m, const std::vector<int32_t>& toks) {
  AttnSink sink;
  ForwardOptions opt;
  opt.sink = &sink;
  forward(m, toks, opt);
  return sink;
}

// Largest |p[h, t, s] − 1/(t+1)| over s ≤ t (and |p| over s > t) for head h of a [H, T, T] pattern.
double deviation_from_uniform(const std::vector<float>& p, int64_t h, int64_t T) {
  double dev = 0.0;
  for (int64_t t = 0; t < T; ++t)
    for (int64_t s = 0; s < T; ++s) {
      const double want = s <= t ? 1.0 / static_cast<double>(t + 1) : 0.0;
      dev = std::max(dev, std::abs(p[static_cast<size_t>((h * T + t) * T + s)] - want));
    }
  return dev;
}

TEST(Conv1DLayout, UntouchedModelAgreesWithNaive) {
  const Model m = gpt2_model();
  const std::vector<int32_t> toks = tokens(24, m.config().vocab_size);
  const std::vector<double> ref = naive_forward(m, toks);
  const double d = max_abs_diff(forward(m, toks).data, ref);
  EXPECT_LE(d, 1e-4 * std::max(1.0, max_abs(ref)));
}

// attn.c_proj is square (d × d), so reading it with the wrong orientation does not fail on shape:
// only the numbers show it. Storing the transpose is exactly what a reference that forgets the
// Conv1D transpose computes on the original model; the core must disagree with the correct
// reference on it, and agree with the reference on whatever is stored.
TEST(Conv1DLayout, TransposedSquareCProjChangesTheLogits) {
  const Model m = gpt2_model();
  const int64_t d = m.config().d_model;
  std::map<std::string, Tensor> t = m.tensors();
  for (int64_t l = 0; l < m.config().n_layers; ++l) {
    Tensor& w = t.at(layer_name(l, "attn.c_proj.weight"));
    ASSERT_EQ(w.shape, (std::vector<int64_t>{d, d}));
    w.data = transposed(w.data, d, d);
  }
  const Model wrong(m.config(), std::move(t));
  const std::vector<int32_t> toks = tokens(24, m.config().vocab_size);
  const std::vector<double> ref = naive_forward(m, toks);
  const std::vector<float> got_wrong = forward(wrong, toks).data;
  const double tol = 1e-4 * std::max(1.0, max_abs(ref));

  const double good = max_abs_diff(forward(m, toks).data, ref);
  const double bad = max_abs_diff(got_wrong, ref);
  EXPECT_LE(good, tol);
  EXPECT_GT(bad, 1e-3) << "a transposed c_proj went unnoticed";
  EXPECT_GT(bad, 100.0 * std::max(good, 1e-7));
  // The core reads what is stored: on the transposed model it matches the oracle of that model.
  EXPECT_LE(max_abs_diff(got_wrong, naive_forward(wrong, toks)),
            1e-4 * std::max(1.0, max_abs(naive_forward(wrong, toks))));
}

// The non-square Conv1D weights cannot be silently misread: a checkpoint that stores them in the
// nn.Linear (out, in) orientation is refused when the model is built.
TEST(Conv1DLayout, LinearOrientedNonSquareWeightsAreRejected) {
  const Model m = gpt2_model();
  const int64_t d = m.config().d_model, I = m.config().intermediate_size;
  struct Item {
    std::string name;
    int64_t in, out;
  };
  for (const Item& it : {Item{"attn.c_attn.weight", d, 3 * d}, Item{"mlp.c_fc.weight", d, I},
                         Item{"mlp.c_proj.weight", I, d}}) {
    SCOPED_TRACE(it.name);
    std::map<std::string, Tensor> t = m.tensors();
    Tensor& w = t.at(layer_name(0, it.name));
    ASSERT_EQ(w.shape, (std::vector<int64_t>{it.in, it.out}));
    w.data = transposed(w.data, it.in, it.out);
    w.shape = {it.out, it.in};
    try {
      Model bad(m.config(), std::move(t));
      ADD_FAILURE() << "a (out, in) " << it.name << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Checkpoint) << e.what();
    }
  }
}

// Q/K/V are column blocks of c_attn: with the K block zeroed (weights and bias) every score is 0,
// so every row t of every head's pattern is 1/(t+1) on s ≤ t. The same holds with Q zeroed. The
// untouched model's pattern is far from uniform and equals the oracle's per head.
TEST(Conv1DLayout, QkvAreSplitByColumns) {
  const Model m = gpt2_model();
  const ModelConfig& c = m.config();
  const int64_t d = c.d_model, H = c.n_heads, T = 12, L = c.n_layers;
  const std::vector<int32_t> toks = tokens(T, c.vocab_size);

  // Untouched: core pattern == naive pattern, and not uniform.
  {
    NaiveTrace tr;
    naive_forward(m, toks, &tr);
    const AttnSink s = record_attention(m, toks);
    for (int64_t l = 0; l < L; ++l) {
      ASSERT_EQ(s.shape.at(l), (std::vector<int64_t>{H, T, T}));
      const std::vector<double>& ref = tr.attn_pattern[static_cast<size_t>(l)];
      EXPECT_LE(max_abs_diff(s.pattern.at(l), ref), 1e-5) << "layer " << l;
      for (int64_t h = 0; h < H; ++h)
        EXPECT_GT(deviation_from_uniform(s.pattern.at(l), h, T), 0.02)
            << "layer " << l << " head " << h;
    }
  }

  // Zeroes columns [c0, c0 + w) of every layer's c_attn (weight rows are inputs, columns outputs).
  auto zero_cols = [&](int64_t c0, int64_t w) {
    std::map<std::string, Tensor> t = m.tensors();
    for (int64_t l = 0; l < L; ++l) {
      Tensor& W = t.at(layer_name(l, "attn.c_attn.weight"));
      Tensor& b = t.at(layer_name(l, "attn.c_attn.bias"));
      for (int64_t r = 0; r < d; ++r)
        for (int64_t col = c0; col < c0 + w; ++col)
          W.data[static_cast<size_t>(r * 3 * d + col)] = 0;
      for (int64_t col = c0; col < c0 + w; ++col) b.data[static_cast<size_t>(col)] = 0;
    }
    return Model(c, std::move(t));
  };

  for (const auto& [label, c0] : {std::pair<const char*, int64_t>{"K", d}, {"Q", 0}}) {
    SCOPED_TRACE(std::string(label) + " block zeroed");
    const AttnSink s = record_attention(zero_cols(c0, d), toks);
    for (int64_t l = 0; l < L; ++l)
      for (int64_t h = 0; h < H; ++h)
        EXPECT_LE(deviation_from_uniform(s.pattern.at(l), h, T), 1e-6)
            << "layer " << l << " head " << h;
  }

  // Per head: zeroing only head 1's K columns makes head 1 uniform and leaves the others as they
  // were (head h owns columns h·hd .. h·hd + hd − 1 within the K block).
  {
    const int64_t hd = d / H;
    const Model one = zero_cols(d + 1 * hd, hd);
    const AttnSink s = record_attention(one, toks);
    NaiveTrace tr;
    naive_forward(one, toks, &tr);
    for (int64_t l = 0; l < L; ++l) {
      EXPECT_LE(max_abs_diff(s.pattern.at(l), tr.attn_pattern[static_cast<size_t>(l)]), 1e-5);
      for (int64_t h = 0; h < H; ++h) {
        const double dev = deviation_from_uniform(s.pattern.at(l), h, T);
        if (h == 1)
          EXPECT_LE(dev, 1e-6) << "layer " << l;
        else
          EXPECT_GT(dev, 0.02) << "layer " << l << " head " << h;
      }
    }
  }
}

}  // namespace
}  // namespace seqlens
