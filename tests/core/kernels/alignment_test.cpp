// Every kernel gives the same bits for the same values wherever its buffers sit in memory. Buffers
// from malloc are 16-byte aligned only sometimes 32, and allocations inside TBB tasks land in
// per-thread arenas, so an address-dependent kernel would not be reproducible run to run.
#include <cstdint>
#include <functional>
#include <vector>

#include <gtest/gtest.h>

#include "core/kernels/kernels.h"
#include "tests/core/kernels/test_arrays.h"

namespace seqlens::kern {
namespace {

using testing::all_equal;
using testing::Floats;
using testing::uniform;

// A copy of v starting `off` floats past a 32-byte boundary.
class Shifted {
 public:
  Shifted(const Floats& v, int off) : store_(v.size() + 16) {
    const auto base = reinterpret_cast<uintptr_t>(store_.data());
    p_ = reinterpret_cast<float*>((base + 31) / 32 * 32) + off;
    std::copy(v.begin(), v.end(), p_);
    n_ = v.size();
  }
  float* p() { return p_; }
  Floats values() const { return Floats(p_, p_ + n_); }

 private:
  Floats store_;
  float* p_;
  size_t n_;
};

// run(off) returns the kernel's outputs (concatenated) with every buffer at offsets derived from
// off; the result must not depend on off.
void expect_address_independent(const std::function<Floats(int)>& run) {
  const Floats base = run(0);
  for (int off = 1; off < 8; ++off) EXPECT_TRUE(all_equal(run(off), base)) << "offset " << off;
}

Floats cat(std::initializer_list<Floats> parts) {
  Floats all;
  for (const Floats& p : parts) all.insert(all.end(), p.begin(), p.end());
  return all;
}

constexpr int64_t T = 13, D = 37, I = 21;

TEST(BufferAlignment, ElementwiseAndReductions) {
  std::mt19937 rng(1);
  const Floats x = uniform(rng, 1001, -30.0f, 30.0f), y = uniform(rng, 1001);
  using Fn = void (*)(float*, const float*, int64_t);
  for (Fn fn : {Fn{&silu}, Fn{&gelu_tanh}, Fn{&softplus}, Fn{&vexp}})
    expect_address_independent([&](int off) {
      Shifted in(x, off), out(Floats(x.size()), (off * 3) % 8);
      fn(out.p(), in.p(), x.size());
      return out.values();
    });
  expect_address_independent([&](int off) {
    Shifted a(x, off), b(y, 7 - off);
    return Floats{sum(a.p(), 1001), dot(a.p(), b.p(), 1001), sum(a.p() + 1, 999)};
  });
}

TEST(BufferAlignment, DenseAndNorms) {
  std::mt19937 rng(2);
  const Floats x = uniform(rng, T * D), z = uniform(rng, T * D), W = uniform(rng, I * D),
               w = uniform(rng, D), b = uniform(rng, I), Wd = uniform(rng, D * I);
  expect_address_independent([&](int off) {
    Shifted in(x, off), Wm(W, (off + 2) % 8), bias(b, (off + 5) % 8), o1(Floats(T * I), 7 - off),
        o2(Floats(T * I), (off + 1) % 8);
    linear(o1.p(), in.p(), Wm.p(), bias.p(), T, D, I);
    linear_in_out(o2.p(), in.p(), Wm.p(), bias.p(), T, D, I);
    return cat({o1.values(), o2.values()});
  });
  expect_address_independent([&](int off) {
    Shifted in(x, off), gate(z, (off + 3) % 8), wv(w, 7 - off), bv(w, (off + 1) % 8);
    Shifted o1(Floats(T * D), (off + 4) % 8), o2(Floats(T * D), off), o3(Floats(T * D), 7 - off);
    rmsnorm(o1.p(), in.p(), wv.p(), T, D, 1e-5f);
    layernorm(o2.p(), in.p(), wv.p(), bv.p(), T, D, 1e-5f);
    gated_rmsnorm(o3.p(), in.p(), gate.p(), wv.p(), T, D, 1, 1e-5f);
    return cat({o1.values(), o2.values(), o3.values()});
  });
  expect_address_independent([&](int off) {
    const Floats Wu = W;
    Shifted in(x, off), g(W, (off + 1) % 8), u(Wu, (off + 6) % 8), dn(Wd, 7 - off),
        o(Floats(T * D), (off * 5) % 8);
    swiglu_mlp(o.p(), in.p(), g.p(), u.p(), dn.p(), T, D, I);
    return o.values();
  });
}

TEST(BufferAlignment, AttentionAndRope) {
  std::mt19937 rng(3);
  const int64_t S = 45, Tq = 40, H = 4, KV = 2, hd = 9;
  const Floats q = uniform(rng, Tq * H * hd), k = uniform(rng, S * KV * hd),
               v = uniform(rng, S * KV * hd);
  expect_address_independent([&](int off) {
    Shifted qs(q, off), ks(k, (off + 3) % 8), vs(v, 7 - off), o(Floats(Tq * H * hd), (off + 1) % 8),
        pat(Floats(H * Tq * S), (off + 6) % 8);
    attention(o.p(), pat.p(), qs.p(), ks.p(), vs.p(), Tq, S, H, KV, hd);
    return cat({o.values(), pat.values()});
  });
  const Floats r = uniform(rng, Tq * 3 * 10);
  expect_address_independent([&](int off) {
    Shifted rs(r, off);
    rope(rs.p(), 17, Tq, 3, 10, 10000.0);
    return rs.values();
  });
}

TEST(BufferAlignment, ConvAndScan) {
  std::mt19937 rng(4);
  const int64_t E = 37, N = 16, K = 4;
  const Floats x = uniform(rng, T * E), W = uniform(rng, E * K), b = uniform(rng, E),
               st = uniform(rng, E * K), delta = uniform(rng, T * E, 0.01f, 1.0f),
               A = testing::decay_matrix(rng, E, N), B = uniform(rng, T * N),
               C = uniform(rng, T * N), Dv = uniform(rng, E), s0 = uniform(rng, E * N);
  expect_address_independent([&](int off) {
    Shifted xs(x, off), Ws(W, 7 - off), bs(b, (off + 2) % 8), state(st, (off + 5) % 8),
        o(Floats(T * E), (off + 3) % 8);
    causal_conv1d(o.p(), state.p(), xs.p(), Ws.p(), bs.p(), T, E, K);
    return cat({o.values(), state.values()});
  });
  expect_address_independent([&](int off) {
    Shifted us(x, off), ds(delta, (off + 1) % 8), As(A, (off + 2) % 8), Bs(B, (off + 3) % 8),
        Cs(C, (off + 4) % 8), Ds(Dv, (off + 5) % 8), state(s0, (off + 6) % 8),
        y(Floats(T * E), 7 - off), states(Floats(T * E * N), (off * 3) % 8),
        step_state(s0, (off * 5) % 8), step_y(Floats(E), (off + 2) % 8),
        alpha(Floats(T * T), (off + 7) % 8);
    selective_scan(y.p(), state.p(), states.p(), us.p(), ds.p(), As.p(), Bs.p(), Cs.p(), Ds.p(), T,
                   E, N);
    selective_step(step_y.p(), step_state.p(), us.p(), ds.p(), As.p(), Bs.p(), Cs.p(), Ds.p(), E,
                   N);
    mamba1_hidden_attention(alpha.p(), ds.p(), As.p(), Bs.p(), Cs.p(), 5, T, E, N);
    return cat({y.values(), state.values(), states.values(), step_y.values(), step_state.values(),
                alpha.values()});
  });
}

TEST(BufferAlignment, Ssd) {
  std::mt19937 rng(5);
  const int64_t H = 4, P = 5, G = 2, N = 7, HP = H * P, GN = G * N;
  const Floats x = uniform(rng, T * HP), dt = uniform(rng, T * H, 0.01f, 0.5f),
               A = uniform(rng, H, -3.0f, -0.5f), B = uniform(rng, T * GN),
               C = uniform(rng, T * GN), Dv = uniform(rng, H), s0 = uniform(rng, HP * N);
  expect_address_independent([&](int off) {
    Shifted xs(x, off), dts(dt, (off + 1) % 8), As(A, (off + 2) % 8), Bs(B, (off + 3) % 8),
        Cs(C, (off + 4) % 8), Ds(Dv, (off + 5) % 8), state(s0, (off + 6) % 8),
        y(Floats(T * HP), 7 - off), states(Floats(T * HP * N), (off * 3) % 8),
        step_state(s0, (off * 5) % 8), step_y(Floats(HP), (off + 2) % 8),
        M(Floats(T * T), (off + 7) % 8);
    ssd_chunked(y.p(), state.p(), states.p(), xs.p(), dts.p(), As.p(), Bs.p(), Cs.p(), Ds.p(), T, H,
                P, G, N, 4);
    ssd_step(step_y.p(), step_state.p(), xs.p(), dts.p(), As.p(), Bs.p(), Cs.p(), Ds.p(), H, P, G,
             N);
    ssd_hidden_attention(M.p(), dts.p(), As.p(), Bs.p(), Cs.p(), 3, T, H, G, N);
    return cat({y.values(), state.values(), states.values(), step_y.values(), step_state.values(),
                M.values()});
  });
}

TEST(BufferAlignment, Moe) {
  std::mt19937 rng(6);
  const int64_t E = 5, k = 2, d = 11, I2 = 13;
  const Floats logits = uniform(rng, T * E), x = uniform(rng, T * d);
  std::vector<Floats> Wg, Wu, Wd;
  for (int64_t e = 0; e < E; ++e) {
    Wg.push_back(uniform(rng, I2 * d));
    Wu.push_back(uniform(rng, I2 * d));
    Wd.push_back(uniform(rng, d * I2));
  }
  expect_address_independent([&](int off) {
    Shifted ls(logits, off), probs(Floats(T * E), 7 - off), weight(Floats(T * k), (off + 3) % 8),
        xs(x, (off + 1) % 8), out(Floats(T * d), (off + 5) % 8);
    std::vector<int32_t> idx(T * k);
    moe_route(probs.p(), idx.data(), weight.p(), ls.p(), T, E, k, false);
    std::vector<Shifted> g, u, dn;
    std::vector<const float*> pg, pu, pd;
    for (int64_t e = 0; e < E; ++e) {
      g.emplace_back(Wg[e], (off + e) % 8);
      u.emplace_back(Wu[e], (off + 2 * e) % 8);
      dn.emplace_back(Wd[e], (off + 3 * e) % 8);
    }
    for (int64_t e = 0; e < E; ++e) {
      pg.push_back(g[e].p());
      pu.push_back(u[e].p());
      pd.push_back(dn[e].p());
    }
    moe_experts(out.p(), xs.p(), idx.data(), weight.p(), pg.data(), pu.data(), pd.data(), T, d, I2,
                E, k);
    Floats idx_f(idx.begin(), idx.end());
    return cat({probs.values(), weight.values(), idx_f, out.values()});
  });
}

}  // namespace
}  // namespace seqlens::kern
