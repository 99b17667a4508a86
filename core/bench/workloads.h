// The four benchmark workloads of shared/bench/torch_baseline.py, rebuilt as one-layer SeqLens
// models whose Hugging Face-named tensors hold exactly the script's weights (same named-stream
// generator), so our output and PyTorch's can be compared number for number.
//
//   attn   (W1)  causal MHA, d 256, 4 heads x 64, NoPE, no bias      Jamba attention mixer
//   mamba1 (W2)  Mamba-1 block, E 512, N 16, K 4, R 16                Mamba-1 mixer
//   mamba2 (W3)  Mamba-2 block, E 512, H 8 x P 64, N 64, G 1, chunk 64 Mamba-2 mixer
//   moe    (W4)  16 SwiGLU experts (hidden 512), top-2 renormalised   Jamba MoE FFN
//
// Only one part of layer 0 runs (run_layer_part): x[n,256] → out[n,256], no norm, no residual.
// Input x = stream "<workload>.x", shape (n, 256), a = 1; it is a prefix of the input for any
// larger n, and every workload is causal, so out rows agree across n.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/tensor.h"
#include "core/model/model.h"

namespace seqlens::bench {

inline constexpr int64_t kDModel = 256;

struct Workload {
  std::string name;                           // "attn", "mamba1", "mamba2", "moe"
  std::array<std::string, 2> torch_variants;  // torch_baseline.py names of the same maths
  Model model;                                // one layer
  LayerPart part = LayerPart::Mixer;          // which part of layer 0 the workload runs
};

// The workload names in torch_baseline.py's order (W1..W4).
const std::vector<std::string>& workload_names();

// Builds a workload's model; throws Error(InvalidArgument) for an unknown name.
Workload make_workload(std::string_view name);

// The script's generator: float32 tensor of `shape`, element i = rng::uniform(fnv1a64(name), i,
// (float)scale) — scale rounded once to float32, as `a_f32` in the script.
Tensor generated(std::string_view name, std::vector<int64_t> shape, double scale);

// x[n, 256] = stream "<workload>.x", a = 1.
Tensor make_input(const Workload& w, int64_t n);

// out[n, 256] = the workload's layer part applied to x[n, 256], from a fresh state. The attention
// pattern is not recorded (null sink). Mamba mixers run in time chunks of mamba_chunk tokens
// (ForwardOptions::mamba_chunk; 0: one pass). profiler (optional) receives one span per phase.
// Call inside a Runtime arena for parallelism.
void run_workload(float* out, const Workload& w, const float* x, int64_t n,
                  int64_t mamba_chunk = kMambaChunk, Profiler* profiler = nullptr);

// Checksums as torch_baseline.py defines them: sum and mean_abs accumulate in double over the
// float32 output; out_first = out[0, 0], out_last = out[n-1, 255].
struct Checksum {
  double sum = 0, max_abs = 0, mean_abs = 0, out_first = 0, out_last = 0;
};
Checksum checksum(const float* out, int64_t n, int64_t d = kDModel);

// Analytic work of one forward at length n (formulas in workloads.cpp). flops counts multiply and
// add separately (a multiply-add is 2) and each exp as 1; bytes is the compulsory DRAM traffic of
// an ideal implementation: every weight read once, x read, out written, and each intermediate
// activation written once and read once (4 bytes per float).
struct WorkCost {
  double flops = 0;
  double bytes = 0;
};
WorkCost workload_cost(const Workload& w, int64_t n);

// The phases of a workload, as the forward pass names its profiler spans, with their analytic work
// at length n (same conventions as workload_cost; bytes only where the phase is memory-bound by
// nature: the scans read u/x, Δ, B, C and write y once). kind: "gemm" (a matrix product),
// "attention" (QKᵀ, softmax and PV, fused), "scan" (selective scan / SSD) or "other".
struct PhaseCost {
  std::string name, kind;
  double flops = 0, bytes = 0;
};
std::vector<PhaseCost> phase_costs(const Workload& w, int64_t n);

}  // namespace seqlens::bench
