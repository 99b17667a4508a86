// Reductions behind the SSM state view: how one Mamba layer's hidden state is written and how it
// decays over time. Everything here reads a recorded ForwardTrace (and, for A, the model that
// produced it); nothing here recomputes the forward pass.
//
// Glossary (code -> paper, models.md A/B/C): unit = Mamba-1 channel e ∈ [0, E_in) or Mamba-2
// head h ∈ [0, H); p = Mamba-2 head-dim index ∈ [0, P); n = state dim ∈ [0, N); Δ (delta) = the
// step size after softplus; A = −exp(A_log) ([E_in, N] for Mamba-1 and Jamba's Mamba layers, one
// scalar per head [H] for Mamba-2); B, C = the input / output projections of the state ([T, N],
// Mamba-2: [T, G, N], head h reads group g = ⌊h·G/H⌋).
//
// Recorded arrays used (core/instrument/sink.h): blocks.{l}.ssm.state [T', E_in, N] (Mamba-1) or
// [T', H, P, N] (Mamba-2); blocks.{l}.ssm.delta [T, E_in] / [T, H]; blocks.{l}.ssm.B and .C
// [T, N] / [T, G, N]. The state may be subsampled in time: the recorder keeps the steps whose
// absolute index is a multiple of `time_stride`, so recorded row i is the state after token
// i·time_stride (the first token is always kept).
//
// Errors: every function throws seqlens::Error(InvalidArgument) for a layer out of range or not a
// Mamba layer, a unit / p / step out of range, or an array that was not recorded (naming the
// site to record).
#pragma once

#include <cstdint>
#include <vector>

#include "core/instrument/trace.h"
#include "core/model/config.h"

namespace seqlens::analysis {

// ---- layers -------------------------------------------------------------------------------------
// Indices of the Mamba layers of a config (Mamba-1, Mamba-2: all; Jamba: its Mamba layers).
std::vector<int64_t> ssm_layers(const ModelConfig& c);

struct SsmLayerShape {
  int64_t layer = -1;
  bool mamba2 = false;   // Mamba-2 (scalar A per head) vs Mamba-1 / Jamba (A [E_in, N])
  int64_t units = 0;     // E_in channels (Mamba-1) or H heads (Mamba-2)
  int64_t head_dim = 1;  // P (Mamba-2); 1 for Mamba-1
  int64_t d_state = 0;   // N
  int64_t groups = 1;    // G (Mamba-2); 1 for Mamba-1
};
// Throws for an out-of-range or attention layer.
SsmLayerShape ssm_layer_shape(const ModelConfig& c, int64_t layer);
// The B/C group that unit `unit` reads: ⌊h·G/H⌋ for Mamba-2, 0 for Mamba-1.
int64_t ssm_group_of(const SsmLayerShape& s, int64_t unit);

// ---- time axis of the recorded state ------------------------------------------------------------
// Token index of recorded state row `row`: row · time_stride.
int64_t state_row_token(int64_t row, int64_t time_stride);
// The last recorded row at or before token `token` (⌊token / time_stride⌋), clamped to
// [0, rows − 1]; -1 when rows == 0.
int64_t state_row_at_token(int64_t token, int64_t time_stride, int64_t rows);

// ---- state slices -------------------------------------------------------------------------------
// Pass as `p` to reduce over the Mamba-2 head dim: sqrt(mean_p s²) (an RMS, so the slice is ≥ 0
// and the head's p rows count equally; the signed per-p view is the p ≥ 0 slice).
constexpr int64_t kRmsOverHeadDim = -1;

struct StateSlice {
  int64_t d_state = 0;          // N: rows
  int64_t steps = 0;            // T': columns (recorded time steps)
  int64_t time_stride = 1;      // recorded row i is token i·time_stride
  bool signed_values = true;    // false for RMS slices (values ≥ 0)
  std::vector<float> values;    // [N, T'] row-major: values[n·T' + i] = state dim n after row i
  std::vector<int64_t> tokens;  // [T'] token index of column i
  float max_abs = 0;            // max |value| (0 when empty): for a symmetric colour range
};

// The state of one unit over time, [N, T'].
//   Mamba-1: unit = channel e; p must be 0 → s[i, e, n].
//   Mamba-2: unit = head h; p ∈ [0, P) → s[i, h, p, n], or kRmsOverHeadDim → sqrt(mean_p s²).
StateSlice ssm_state_slice(const ForwardTrace& trace, int64_t layer, int64_t unit, int64_t p = 0);
// Summary across the layer: RMS over every channel (Mamba-1) or every head and p (Mamba-2),
// [N, T'], values ≥ 0: sqrt(mean_{e} s[i,e,n]²) resp. sqrt(mean_{h,p} s[i,h,p,n]²).
StateSlice ssm_state_summary(const ForwardTrace& trace, int64_t layer);

// ---- Δ, B, C ------------------------------------------------------------------------------------
struct SsmInputs {
  int64_t steps = 0;              // T (Δ, B, C are never subsampled)
  int64_t d_state = 0;            // N
  int64_t group = 0;              // B/C group the unit reads (Mamba-2), 0 for Mamba-1
  std::vector<float> delta;       // [T] Δ_t of the chosen unit
  std::vector<float> delta_mean;  // [T] mean of Δ_t over all units of the layer
  std::vector<float> B;           // [T, N] row-major: B[t·N + n] (Mamba-2: of `group`)
  std::vector<float> C;           // [T, N] row-major
  float delta_max = 0;            // max over `delta` and `delta_mean`
  float bc_max_abs = 0;           // max |value| over B and C: one symmetric range for both
};
// Needs ssm.delta; B and C are filled (else left empty) when ssm.B / ssm.C were recorded.
SsmInputs ssm_inputs(const ForwardTrace& trace, int64_t layer, int64_t unit);

// ---- decay rates and half-lives -----------------------------------------------------------------
// A = −exp(A_log) of the layer from trace.model: [E_in·N] row-major [E_in, N] (Mamba-1, Jamba) or
// [H] (Mamba-2). Tensor names: backbone.layers.{l}.mixer.A_log (Mamba-1/2),
// model.layers.{l}.mamba.A_log (Jamba). Throws when the trace carries no model.
std::vector<float> ssm_decay_rates(const ForwardTrace& trace, int64_t layer);

// Half-lives that would exceed this (Δ·|A| ≈ 0: the state never forgets within any input we can
// show) are reported as the cap and flagged.
constexpr float kHalfLifeCap = 1e6f;

// Tokens after which a state with per-token decay rate Δ·|A| has halved: ln 2 / (Δ·|A|).
// Returns `cap` and sets *capped when the rate is ≤ ln 2 / cap, not finite, or negative.
float half_life_tokens(float delta, float abs_a, float cap = kHalfLifeCap, bool* capped = nullptr);

// Memory half-life of every unit, in tokens.
//   Mamba-1: a channel holds N states with rates Δ·|A_{e,n}|; its memory is that of its slowest
//   state, |A|_e = min_n |A_{e,n}|. The per-unit value uses the channel's mean Δ over the tokens:
//   ln 2 / (mean_t Δ_{t,e} · |A|_e) — the half-life of a token when Δ stays at its mean.
//   Mamba-2: |A_h| is one scalar per head: ln 2 / (mean_t Δ_{t,h} · |A_h|).
//   `token` is the per-token half-life of the chosen unit: ln 2 / (Δ_{t,unit} · |A|_unit) — how
//   long the memory would last if every following step had token t's Δ.
struct HalfLives {
  std::vector<float> per_unit;        // [units] tokens, capped at `cap`
  std::vector<uint8_t> unit_capped;   // [units] 1 where capped
  std::vector<float> abs_a;           // [units] |A|_e = min_n |A_{e,n}| (Mamba-1) or |A_h|
  std::vector<float> mean_delta;      // [units] mean_t Δ
  std::vector<float> token;           // [T] per-token half-life of the chosen unit, capped
  std::vector<uint8_t> token_capped;  // [T]
  float cap = kHalfLifeCap;
  float min_value = 0, max_value = 0;  // range of per_unit (for a log axis)
};
HalfLives ssm_half_lives(const ForwardTrace& trace, int64_t layer, int64_t unit,
                         float cap = kHalfLifeCap);

// ---- one step of the recurrence -----------------------------------------------------------------
// h_t = exp(Δ_t·A) ⊙ h_{t−1} + write_t. From the recorded states, Δ and A only (the write,
// Δ_t·B_t·x_t, is the remainder; x is not recorded). h_{−1} = 0, so at t = 0 the decay is 0.
// Needs consecutive states: throws when the state was subsampled (time_stride > 1).
//   Mamba-1: unit = channel e, p = 0, factor_n = exp(Δ_{t,e}·A_{e,n}).
//   Mamba-2: unit = head h, p ∈ [0, P) (no RMS), factor_n = exp(Δ_{t,h}·A_h) for every n.
struct StateUpdate {
  int64_t step = 0;             // t
  std::vector<float> previous;  // [N] h_{t−1}
  std::vector<float> factor;    // [N] exp(Δ_t·A) ∈ (0, 1]
  std::vector<float> decay;     // [N] factor ⊙ h_{t−1}
  std::vector<float> write;     // [N] h_t − decay
  std::vector<float> state;     // [N] h_t
  float max_abs = 0;            // max |value| over previous, decay, write, state
};
StateUpdate ssm_state_update(const ForwardTrace& trace, int64_t layer, int64_t unit, int64_t p,
                             int64_t step);

}  // namespace seqlens::analysis
