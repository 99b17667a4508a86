// models.md F21: Jamba's RMSNorms on δ, B and C make its Mamba layers invariant to scaling the
// matching row blocks of x_proj; a plain Mamba-1 layer is not.
#include <gtest/gtest.h>

#include "core/model/model.h"
#include "tests/core/model/model_test_util.h"
#include "tests/core/model/test_configs.h"

namespace seqlens {
namespace {

Model scale_x_proj(const Model& m, const std::string& suffix, float c) {
  auto tensors = m.tensors();
  for (auto& [name, t] : tensors)
    if (name.size() > suffix.size() && name.ends_with(suffix))
      for (float& v : t.data) v *= c;  // all three blocks [δ | B | C] together
  return Model(m.config(), std::move(tensors));
}

double max_rel_diff(const Tensor& a, const Tensor& b) {
  double d = 0, s = 1;
  for (int64_t i = 0; i < a.numel(); ++i) {
    d = std::max(d, double(std::fabs(a.data[i] - b.data[i])));
    s = std::max(s, double(std::fabs(a.data[i])));
  }
  return d / s;
}

TEST(JambaNorms, ScalingXProjLeavesJambaUnchanged) {
  ModelConfig c = test::small(Family::Jamba);
  c.norm_eps = 1e-12;  // keep ε effects far below the tolerance
  const Model m = init_model(c, 31);
  const auto tokens = test::random_tokens(9, c.vocab_size, 3);
  const Tensor a = forward(m, tokens);
  const Tensor b = forward(scale_x_proj(m, ".mamba.x_proj.weight", 3.7f), tokens);
  EXPECT_LT(max_rel_diff(a, b), 1e-4);
}

TEST(JambaNorms, ScalingXProjChangesPlainMamba1) {
  const ModelConfig c = test::small(Family::Mamba1);
  const Model m = init_model(c, 31);
  const auto tokens = test::random_tokens(9, c.vocab_size, 3);
  const Tensor a = forward(m, tokens);
  const Tensor b = forward(scale_x_proj(m, ".mixer.x_proj.weight", 3.7f), tokens);
  EXPECT_GT(max_rel_diff(a, b), 1e-3);
}

}  // namespace
}  // namespace seqlens
