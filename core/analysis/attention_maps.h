// Attention maps of a trace, side by side: the softmax patterns of attention layers and the
// implicit ("hidden") attention of Mamba layers, with the reductions the attention views draw —
// normalisation, thumbnail downsampling, colour ranges and single-cell look-ups.
//
// Glossary (code -> paper): T = queries (tokens), S = keys (T in a full forward pass),
// t = query index, s = key index, α[t,s] = a map entry. Softmax: α = softmax(q·kᵀ/√d) (rows are
// probabilities). Mamba-1 hidden attention of channel c (Ali et al., "The Hidden Attention of
// Mamba Models", eq. 9): α[t,s] = Σ_n C[t,n]·exp(A[c,n]·Σ_{k=s+1..t} Δ[k,c])·Δ[s,c]·B[s,n].
// Mamba-2 (Dao & Gu, SSD): M = L ∘ (C Bᵀ) per head. Hidden maps are signed and unnormalised.
//
// Causality: query t sits at absolute position t + (S − T), so entry (t, s) is causal when
// s ≤ t + (S − T) (s ≤ t when S = T). Entries above that diagonal are "masked".
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "core/instrument/trace.h"
#include "core/model/config.h"

namespace seqlens::analysis {

enum class MapKind { Softmax, Hidden };

// How a map's values are turned into what the view colours.
//  Raw:           v[t,s] = α[t,s] (hidden attention can be negative).
//  AbsMinMax:     v[t,s] = (|α[t,s]| − lo) / (hi − lo) for causal (t,s), where lo / hi are the
//                 min / max of |α| over the causal entries; when hi == lo every causal entry
//                 becomes 1 if hi > 0, else 0. Masked entries are exactly 0.
//  RowNormalised: v[t,s] = |α[t,s]| / Σ_{s' causal} |α[t,s']| for causal (t,s), so each row sums
//                 to 1 like a softmax row; a row whose causal sum is 0 stays all 0. Masked
//                 entries are exactly 0.
// A valid softmax pattern (rows of non-negative probabilities summing to 1, 0 when masked) comes
// back from RowNormalised unchanged (up to rounding) and from AbsMinMax as values in [0, 1] with
// the mask kept: neither mode produces negative, non-finite or masked non-zero values.
enum class MapNorm { Raw, AbsMinMax, RowNormalised };

// One map a trace holds. `data` points into the trace's RecordedArray (valid while the trace
// lives): T×S floats, row-major, row = query t, column = key s.
struct AttentionMapRef {
  int64_t layer = -1;
  int64_t index = -1;  // query head (softmax) or Mamba-1 channel / Mamba-2 head id (hidden)
  MapKind kind = MapKind::Softmax;
  MixerKind mixer = MixerKind::Attention;  // the layer's mixer
  int64_t T = 0, S = 0;
  const RecordedArray* array = nullptr;  // blocks.{l}.attn.pattern or blocks.{l}.ssm.hidden_attn
  int64_t offset = 0;                    // first float of this map in array->f32
  const float* data = nullptr;           // = array->f32.data() + offset
};

// Every map in `trace`, ordered by layer, then by the array's first dimension: for each
// attention layer with `blocks.{l}.attn.pattern` [H,T,S] one map per query head h = 0..H−1; for
// each Mamba layer with `blocks.{l}.ssm.hidden_attn` [C,T,T] one map per recorded channel/head,
// whose ids are `trace.hidden_channels` restricted (in order) to the layer's valid range
// (0 ≤ id < d_inner for Mamba-1, < ssm_heads for Mamba-2), exactly as the forward pass does.
// Layers whose array was not recorded contribute nothing. Throws Error(InvalidArgument) when an
// array's shape disagrees with the config (wrong rank, head or channel count, T).
std::vector<AttentionMapRef> enumerate_attention_maps(const ForwardTrace& trace);

// Position in `maps` of the first map of `layer`, or -1 when that layer has none.
int64_t first_map_of_layer(const std::vector<AttentionMapRef>& maps, int64_t layer);
// Position in `maps` of (layer, index, kind of that layer), or -1.
int64_t find_map(const std::vector<AttentionMapRef>& maps, int64_t layer, int64_t index);

// How many hidden-attention ids a Mamba layer offers: d_inner channels (Mamba-1, Jamba's Mamba
// layers) or ssm_heads heads (Mamba-2); 0 for attention layers. Throws for a layer out of range.
int64_t hidden_channel_count(const ModelConfig& config, int64_t layer);

// A map after a reduction: rows×cols floats, row-major, plus the colour range to draw it with.
struct MapValues {
  int64_t rows = 0, cols = 0;
  std::vector<float> values;  // [rows, cols]
  float lo = 0.f, hi = 1.f;   // colour range; symmetric (lo = −hi) when `diverging`
  bool diverging = false;     // signed values: draw with a diverging scale centred on 0

  // Value at (r, c); throws Error(InvalidArgument) when out of range.
  float at(int64_t r, int64_t c) const;
};

// map[T,S] -> values[T,S] in `mode` (formulas above). Colour range: Raw of a hidden map →
// diverging, [−m, m] with m = max |α| (1 when the map is all zero); every other case → [0, 1]
// (softmax maps are probabilities in every mode). Throws for T or S ≤ 0, S < T, or null data.
MapValues normalise_map(const float* map, int64_t T, int64_t S, MapKind kind, MapNorm mode);
MapValues normalise_map(const AttentionMapRef& ref, MapNorm mode);

// Thumbnail: values[rows,cols] -> at most max_cells × max_cells cells. Output row i covers input
// rows [⌊i·rows/R⌋, ⌊(i+1)·rows/R⌋) with R = min(rows, max_cells) (columns alike), and keeps the
// entry of largest magnitude in its block, with its sign ("block max |v|"; ties → positive): a thin
// diagonal or a single strong key stays visible, which a block mean would wash out. Maps already
// small enough come back unchanged. Colour range and `diverging` are kept. Throws for max_cells
// < 1.
MapValues downsample_map(const MapValues& in, int64_t max_cells);

// The thumbnail of a map in one go: equal to downsample_map(normalise_map(map, T, S, kind, mode),
// max_cells) (ties between +v and −v in a block go to +v), but it reads the map once and
// never materialises the T×S normalised map — a model view at T = 512 draws dozens of them.
MapValues thumbnail_map(const float* map, int64_t T, int64_t S, MapKind kind, MapNorm mode,
                        int64_t max_cells);
MapValues thumbnail_map(const AttentionMapRef& ref, MapNorm mode, int64_t max_cells);

// The thumbnails the model view draws for every map of one trace: softmax maps Raw (they are
// probabilities, drawn as they are in every mode), hidden maps in `hidden_mode`, the mode on
// screen. Computed on the worker with the trace, so that showing a new trace costs the GUI thread
// no pass over the maps.
struct AttentionThumbnails {
  std::shared_ptr<const ForwardTrace> trace;  // the trace they reduce
  int64_t cells = 0;                          // max_cells they were made with
  MapNorm hidden_mode = MapNorm::RowNormalised;
  struct Reduced {
    MapNorm mode = MapNorm::Raw;  // Raw for softmax maps, hidden_mode for hidden ones
    MapValues values;             // thumbnail_map(map, mode, cells)
  };
  std::vector<Reduced> maps;  // one per map of enumerate_attention_maps(*trace), in its order

  // The thumbnail of maps[map] in `mode`, or nullptr when it was reduced in another mode or
  // `map` is out of range.
  const MapValues* find(size_t map, MapNorm mode) const;
};
// Reduces every map of `trace` in parallel (call it inside the worker's task arena), each in one
// read of its causal part (Raw reads whole rows). Throws what enumerate_attention_maps and
// thumbnail_map throw.
AttentionThumbnails attention_thumbnails(std::shared_ptr<const ForwardTrace> trace,
                                         int64_t max_cells, MapNorm hidden_mode);

// The same thumbnails, reduced while the forward pass runs: `add` takes each map array as the
// recorder completes it (run_traced's map observer), while its values are still in cache, and
// `finish` returns, for the trace, exactly what attention_thumbnails would (it reduces any map
// `add` did not see). One reducer per pass; `add` and `finish` on the pass's worker, in its arena.
class ThumbnailReducer {
 public:
  ThumbnailReducer(int64_t max_cells, MapNorm hidden_mode);
  void add(const RecordedArray& maps);
  AttentionThumbnails finish(std::shared_ptr<const ForwardTrace> trace);
  size_t reduced() const { return done_.size(); }  // maps `add` has reduced since `finish`

 private:
  // The mode a map is reduced in: softmax maps Raw, hidden ones in hidden_mode_.
  MapNorm mode_of(MapKind kind) const {
    return kind == MapKind::Hidden ? hidden_mode_ : MapNorm::Raw;
  }
  int64_t cells_;
  MapNorm hidden_mode_;
  std::map<const float*, AttentionThumbnails::Reduced> done_;  // by the map's first value
};

// The value the head view shows at (query t, key s) in `mode` — the same number as
// normalise_map(ref, mode).at(t, s), computed from one row (or, for AbsMinMax, one pass over the
// causal entries). Throws Error(InvalidArgument) for t or s out of range.
float map_cell(const AttentionMapRef& ref, MapNorm mode, int64_t t, int64_t s);

}  // namespace seqlens::analysis
