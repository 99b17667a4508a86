// run_layer_part runs exactly what the full forward runs for one layer's mixer and MLP.
#include <gtest/gtest.h>

#include <cmath>

#include "core/common/error.h"
#include "core/instrument/recorder.h"
#include "core/kernels/kernels.h"
#include "core/model/model.h"
#include "tests/core/model/model_test_util.h"
#include "tests/core/model/test_configs.h"

namespace seqlens {
namespace {

TEST(LayerPart, FirstLayerOfJambaEqualsTheResidualTheForwardRecords) {
  const ModelConfig c = test::small(Family::Jamba);
  const Model m = init_model(c, 41);
  const int64_t T = 7, d = c.d_model;
  const auto tokens = test::random_tokens(T, c.vocab_size, 9);
  RecordRequest req;
  req.sites = {Site::ResidPost};
  req.layers = {0};
  Recorder rec(c, T, req);
  ForwardOptions o;
  o.sink = &rec;
  forward(m, tokens, o);

  // h = emb; h += Mixer(norm(h)); h += FFN(norm(h))
  std::vector<float> h(T * d), xn(T * d), out(T * d);
  const Tensor& emb = m.tensor("model.embed_tokens.weight");
  for (int64_t t = 0; t < T; ++t) std::copy_n(emb.ptr() + tokens[t] * d, d, h.data() + t * d);
  InferenceState s = make_state(m);
  const float eps = static_cast<float>(c.norm_eps);
  kern::rmsnorm(xn.data(), h.data(), m.tensor("model.layers.0.input_layernorm.weight").ptr(), T, d,
                eps);
  run_layer_part(out.data(), m, 0, LayerPart::Mixer, xn.data(), T, s);
  for (int64_t i = 0; i < T * d; ++i) h[i] += out[i];
  kern::rmsnorm(xn.data(), h.data(), m.tensor("model.layers.0.pre_ff_layernorm.weight").ptr(), T, d,
                eps);
  run_layer_part(out.data(), m, 0, LayerPart::Ffn, xn.data(), T, s);
  for (int64_t i = 0; i < T * d; ++i) h[i] += out[i];
  const RecordedArray& r = rec.arrays().at(0);
  for (int64_t i = 0; i < T * d; ++i) EXPECT_EQ(h[i], r.f32[i]) << i;
}

TEST(LayerPart, MambaLayersHaveNoMlp) {
  const Model m = init_model(test::small(Family::Mamba1), 1);
  InferenceState s = make_state(m);
  std::vector<float> x(3 * 32), out(3 * 32);
  EXPECT_THROW(run_layer_part(out.data(), m, 0, LayerPart::Ffn, x.data(), 3, s), Error);
  EXPECT_THROW(run_layer_part(out.data(), m, 5, LayerPart::Mixer, x.data(), 3, s), Error);
}

}  // namespace
}  // namespace seqlens
