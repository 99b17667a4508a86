#include "core/analysis/attention_maps.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "core/common/error.h"
#include "core/instrument/sink.h"

namespace seqlens::analysis {

namespace {

Error bad(const std::string& message) {
  return Error(ErrorKind::InvalidArgument, message);
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

// Keys s < causal_end(t) are causal for query t (query t sits at absolute position t + S − T).
int64_t causal_end(int64_t t, int64_t T, int64_t S) {
  return std::min(S, t + (S - T) + 1);
}

void check_map(const float* map, int64_t T, int64_t S) {
  if (!map) throw bad("the attention map has no data");
  if (T <= 0 || S <= 0)
    throw bad("an attention map needs at least one query and one key (got " + std::to_string(T) +
              " x " + std::to_string(S) + ")");
  if (S < T)
    throw bad("an attention map has at least as many keys as queries (got " + std::to_string(T) +
              " x " + std::to_string(S) + ")");
}

// lo / hi of |α| over the causal entries (every map has at least one: s = 0 of query 0 when
// S = T).
void causal_abs_range(const float* map, int64_t T, int64_t S, float* lo, float* hi) {
  *lo = INFINITY;
  *hi = 0.f;
  for (int64_t t = 0; t < T; ++t)
    for (int64_t s = 0; s < causal_end(t, T, S); ++s) {
      const float a = std::fabs(map[t * S + s]);
      *lo = std::min(*lo, a);
      *hi = std::max(*hi, a);
    }
  if (!std::isfinite(*lo)) *lo = 0.f;
}

float minmax_value(float a, float lo, float hi) {
  if (hi > lo) return (a - lo) / (hi - lo);
  return hi > 0.f ? 1.f : 0.f;
}

// Σ_{s < end} |row[s]| in double, in four independent partial sums (so the loop vectorises).
double causal_row_abs_sum(const float* row, int64_t end) {
  // Eight float lanes (one AVX register: the thumbnails of a 512-token trace sum 4 M entries on
  // the GUI thread), combined in double. A row holds at most a few thousand non-negative terms,
  // so the float partial sums stay within a few ulps of the exact value.
  float part[8] = {};
  int64_t s = 0;
  for (; s + 8 <= end; s += 8)
    for (int k = 0; k < 8; ++k) part[k] += std::fabs(row[s + k]);
  for (int k = 0; s < end; ++s, ++k) part[k] += std::fabs(row[s]);
  double total = 0;
  for (float p : part) total += p;
  return total;
}

// The factor RowNormalised multiplies |α| of a row by: 1 / Σ|α| (0 for a zero row). Shared by
// normalise_map, thumbnail_map and map_cell so all three round alike.
float row_scale(const float* row, int64_t end) {
  const double sum = causal_row_abs_sum(row, end);
  return sum > 0 ? static_cast<float>(1.0 / sum) : 0.f;
}

}  // namespace

std::vector<AttentionMapRef> enumerate_attention_maps(const ForwardTrace& trace) {
  const ModelConfig& c = trace.config;
  const std::vector<LayerKind> kinds = c.layer_map();
  const int64_t T = static_cast<int64_t>(trace.tokens.size());
  std::vector<AttentionMapRef> maps;
  for (int64_t l = 0; l < static_cast<int64_t>(kinds.size()); ++l) {
    const MixerKind mixer = kinds[static_cast<size_t>(l)].mixer;
    const bool attention = mixer == MixerKind::Attention;
    const std::string name = array_name(attention ? Site::AttnPattern : Site::SsmHiddenAttn, l);
    const RecordedArray* a = trace.find(name);
    if (!a) continue;
    if (a->shape.size() != 3)
      throw bad(name + " should have 3 dimensions, not " + shape_text(a->shape));
    const int64_t n = a->shape[0], rows = a->shape[1], cols = a->shape[2];
    if (rows != T || (attention ? cols < T : cols != T))
      throw bad(name + " has shape " + shape_text(a->shape) + " but the trace has " +
                std::to_string(T) + " tokens");
    if (static_cast<int64_t>(a->f32.size()) != n * rows * cols)
      throw bad(name + " holds " + std::to_string(a->f32.size()) + " values, not the " +
                std::to_string(n * rows * cols) + " its shape " + shape_text(a->shape) + " needs");
    std::vector<int64_t> ids;
    if (attention) {
      if (n != c.n_heads)
        throw bad(name + " has " + std::to_string(n) + " heads but the model has " +
                  std::to_string(c.n_heads));
      for (int64_t h = 0; h < n; ++h) ids.push_back(h);
    } else {
      const int64_t count = hidden_channel_count(c, l);
      for (int64_t id : trace.hidden_channels)
        if (id >= 0 && id < count) ids.push_back(id);
      if (static_cast<int64_t>(ids.size()) != n)
        throw bad(name + " has " + std::to_string(n) + " maps but the trace lists " +
                  std::to_string(ids.size()) + " valid hidden-attention channels for it");
    }
    for (int64_t i = 0; i < n; ++i) {
      AttentionMapRef r;
      r.layer = l;
      r.index = ids[static_cast<size_t>(i)];
      r.kind = attention ? MapKind::Softmax : MapKind::Hidden;
      r.mixer = mixer;
      r.T = rows;
      r.S = cols;
      r.array = a;
      r.offset = i * rows * cols;
      r.data = a->f32.data() + r.offset;
      maps.push_back(r);
    }
  }
  return maps;
}

int64_t first_map_of_layer(const std::vector<AttentionMapRef>& maps, int64_t layer) {
  for (size_t i = 0; i < maps.size(); ++i)
    if (maps[i].layer == layer) return static_cast<int64_t>(i);
  return -1;
}

int64_t find_map(const std::vector<AttentionMapRef>& maps, int64_t layer, int64_t index) {
  for (size_t i = 0; i < maps.size(); ++i)
    if (maps[i].layer == layer && maps[i].index == index) return static_cast<int64_t>(i);
  return -1;
}

int64_t hidden_channel_count(const ModelConfig& config, int64_t layer) {
  const std::vector<LayerKind> kinds = config.layer_map();
  if (layer < 0 || layer >= static_cast<int64_t>(kinds.size()))
    throw bad("layer " + std::to_string(layer) + " is out of range: the model has " +
              std::to_string(kinds.size()) + " layers");
  switch (kinds[static_cast<size_t>(layer)].mixer) {
    case MixerKind::Mamba1:
      return config.d_inner;
    case MixerKind::Mamba2:
      return config.ssm_heads;
    case MixerKind::Attention:
      break;
  }
  return 0;
}

float MapValues::at(int64_t r, int64_t c) const {
  if (r < 0 || r >= rows || c < 0 || c >= cols)
    throw bad("cell (" + std::to_string(r) + ", " + std::to_string(c) + ") is outside the " +
              std::to_string(rows) + " x " + std::to_string(cols) + " map");
  return values[static_cast<size_t>(r * cols + c)];
}

MapValues normalise_map(const float* map, int64_t T, int64_t S, MapKind kind, MapNorm mode) {
  check_map(map, T, S);
  MapValues out;
  out.rows = T;
  out.cols = S;
  out.values.assign(static_cast<size_t>(T * S), 0.f);
  float* v = out.values.data();
  switch (mode) {
    case MapNorm::Raw: {
      float m = 0.f;
      for (int64_t i = 0; i < T * S; ++i) {
        v[i] = map[i];
        m = std::max(m, std::fabs(map[i]));
      }
      if (kind == MapKind::Hidden) {
        out.diverging = true;
        out.hi = m > 0.f ? m : 1.f;
        out.lo = -out.hi;
      }
      break;
    }
    case MapNorm::AbsMinMax: {
      float lo, hi;
      causal_abs_range(map, T, S, &lo, &hi);
      for (int64_t t = 0; t < T; ++t)
        for (int64_t s = 0; s < causal_end(t, T, S); ++s)
          v[t * S + s] = minmax_value(std::fabs(map[t * S + s]), lo, hi);
      break;
    }
    case MapNorm::RowNormalised: {
      for (int64_t t = 0; t < T; ++t) {
        const int64_t end = causal_end(t, T, S);
        const float scale = row_scale(map + t * S, end);
        for (int64_t s = 0; s < end; ++s) v[t * S + s] = std::fabs(map[t * S + s]) * scale;
      }
      break;
    }
  }
  return out;
}

MapValues normalise_map(const AttentionMapRef& ref, MapNorm mode) {
  return normalise_map(ref.data, ref.T, ref.S, ref.kind, mode);
}

MapValues downsample_map(const MapValues& in, int64_t max_cells) {
  if (max_cells < 1)
    throw bad("a thumbnail needs at least one cell per side, not " + std::to_string(max_cells));
  if (in.rows <= max_cells && in.cols <= max_cells) return in;
  MapValues out;
  out.rows = std::min(in.rows, max_cells);
  out.cols = std::min(in.cols, max_cells);
  out.lo = in.lo;
  out.hi = in.hi;
  out.diverging = in.diverging;
  out.values.assign(static_cast<size_t>(out.rows * out.cols), 0.f);
  for (int64_t i = 0; i < out.rows; ++i) {
    const int64_t r0 = i * in.rows / out.rows, r1 = (i + 1) * in.rows / out.rows;
    for (int64_t j = 0; j < out.cols; ++j) {
      const int64_t c0 = j * in.cols / out.cols, c1 = (j + 1) * in.cols / out.cols;
      float hi = 0.f, lo = 0.f;  // block max and min (0 included: an empty block gives 0)
      for (int64_t r = r0; r < r1; ++r) {
        const float* row = in.values.data() + r * in.cols;
        for (int64_t c = c0; c < c1; ++c) {
          hi = std::max(hi, row[c]);
          lo = std::min(lo, row[c]);
        }
      }
      out.values[static_cast<size_t>(i * out.cols + j)] = hi >= -lo ? hi : lo;
    }
  }
  return out;
}

MapValues thumbnail_map(const float* map, int64_t T, int64_t S, MapKind kind, MapNorm mode,
                        int64_t max_cells) {
  check_map(map, T, S);
  if (max_cells < 1)
    throw bad("a thumbnail needs at least one cell per side, not " + std::to_string(max_cells));
  if (T <= max_cells && S <= max_cells) return normalise_map(map, T, S, kind, mode);
  const bool raw = mode == MapNorm::Raw, abs = mode == MapNorm::AbsMinMax;
  MapValues out;
  out.rows = std::min(T, max_cells);
  out.cols = std::min(S, max_cells);
  out.values.assign(static_cast<size_t>(out.rows * out.cols), 0.f);
  // For each band of rows, fold the rows column by column into hi[S] (and lo[S]) — element-wise
  // max / min, which vectorise — then reduce each column block of the band to one cell.
  const size_t n = static_cast<size_t>(S);
  std::vector<float> hi(n), lo(raw ? n : 0);
  // AbsMinMax: lo / hi of |α| over the causal entries, per column, gathered in the same read.
  std::vector<float> min_abs(abs ? n : 0, INFINITY), max_abs(abs ? n : 0, 0.f);
  float m = 0.f;  // max |α| (Raw colour range)
  for (int64_t i = 0; i < out.rows; ++i) {
    // Raw: hi / lo start at 0 (an all-positive block keeps its max). Normalised modes: hi starts
    // below every |α| so that a block with no causal entry stays recognisable (and becomes 0).
    std::fill(hi.begin(), hi.end(), raw ? 0.f : -1.f);
    std::fill(lo.begin(), lo.end(), 0.f);
    float* h = hi.data();
    for (int64_t t = i * T / out.rows; t < (i + 1) * T / out.rows; ++t) {
      const float* row = map + t * S;
      const int64_t end = causal_end(t, T, S);
      if (!raw && t + 1 < T) {
        // Only the causal part of each row is read: short streams, which the hardware prefetcher
        // picks up late. Fetch the next row's while this one is folded (~20 % faster from DRAM).
        const char* next = reinterpret_cast<const char*>(row + S);
        const int64_t bytes = causal_end(t + 1, T, S) * static_cast<int64_t>(sizeof(float));
        for (int64_t b = 0; b < bytes; b += 64) __builtin_prefetch(next + b);
      }
      if (raw) {
        float* l = lo.data();
        for (int64_t s = 0; s < S; ++s) {
          h[s] = std::max(h[s], row[s]);
          l[s] = std::min(l[s], row[s]);
        }
      } else if (abs) {
        float* mn = min_abs.data();
        float* mx = max_abs.data();
        for (int64_t s = 0; s < end; ++s) {
          const float a = std::fabs(row[s]);
          h[s] = std::max(h[s], a);
          mn[s] = std::min(mn[s], a);
          mx[s] = std::max(mx[s], a);
        }
      } else {
        const float scale = row_scale(row, end);
        for (int64_t s = 0; s < end; ++s) h[s] = std::max(h[s], std::fabs(row[s]) * scale);
      }
    }
    float* o = out.values.data() + i * out.cols;
    for (int64_t j = 0; j < out.cols; ++j) {
      float bh = raw ? 0.f : -1.f, bl = 0.f;
      for (int64_t s = j * S / out.cols; s < (j + 1) * S / out.cols; ++s) {
        bh = std::max(bh, h[s]);
        if (raw) bl = std::min(bl, lo[s]);
      }
      if (raw) {
        o[j] = bh >= -bl ? bh : bl;
        m = std::max(m, std::max(bh, -bl));
      } else if (abs) {
        o[j] = bh;             // max |α| (or −1 for no causal entry) until the range is known
      } else if (bh >= 0.f) {  // the block has causal entries (monotone maps commute with max)
        o[j] = bh;
      }
    }
  }
  if (raw && kind == MapKind::Hidden) {
    out.diverging = true;
    out.hi = m > 0.f ? m : 1.f;
    out.lo = -out.hi;
  }
  if (abs) {
    float a_lo = INFINITY, a_hi = 0.f;
    for (size_t s = 0; s < n; ++s) {
      a_lo = std::min(a_lo, min_abs[s]);
      a_hi = std::max(a_hi, max_abs[s]);
    }
    if (!std::isfinite(a_lo)) a_lo = 0.f;
    for (float& v : out.values) v = v >= 0.f ? minmax_value(v, a_lo, a_hi) : 0.f;
  }
  return out;
}

MapValues thumbnail_map(const AttentionMapRef& ref, MapNorm mode, int64_t max_cells) {
  return thumbnail_map(ref.data, ref.T, ref.S, ref.kind, mode, max_cells);
}

const MapValues* AttentionThumbnails::find(size_t map, MapNorm mode) const {
  if (map >= maps.size() || maps[map].mode != mode) return nullptr;
  return &maps[map].values;
}

AttentionThumbnails attention_thumbnails(std::shared_ptr<const ForwardTrace> trace,
                                         int64_t max_cells, MapNorm hidden_mode) {
  return ThumbnailReducer(max_cells, hidden_mode).finish(std::move(trace));
}

ThumbnailReducer::ThumbnailReducer(int64_t max_cells, MapNorm hidden_mode)
    : cells_(max_cells), hidden_mode_(hidden_mode) {
  if (max_cells < 1)
    throw bad("a thumbnail needs at least one cell per side, not " + std::to_string(max_cells));
}

void ThumbnailReducer::add(const RecordedArray& maps) {
  const bool softmax = maps.site == Site::AttnPattern;
  if ((!softmax && maps.site != Site::SsmHiddenAttn) || maps.shape.size() != 3) return;
  const int64_t n = maps.shape[0], T = maps.shape[1], S = maps.shape[2];
  // A malformed array is left to finish, where enumerate_attention_maps names what is wrong.
  if (n < 1 || T < 1 || S < 1 || static_cast<int64_t>(maps.f32.size()) != n * T * S) return;
  const MapKind kind = softmax ? MapKind::Softmax : MapKind::Hidden;
  const MapNorm mode = mode_of(kind);
  std::vector<AttentionThumbnails::Reduced> out(static_cast<size_t>(n));
  oneapi::tbb::parallel_for(
      oneapi::tbb::blocked_range<int64_t>(0, n, 1),
      [&](const oneapi::tbb::blocked_range<int64_t>& r) {
        for (int64_t i = r.begin(); i < r.end(); ++i)
          out[static_cast<size_t>(i)] = {
              mode, thumbnail_map(maps.f32.data() + i * T * S, T, S, kind, mode, cells_)};
      },
      oneapi::tbb::simple_partitioner());
  for (int64_t i = 0; i < n; ++i)
    done_[maps.f32.data() + i * T * S] = std::move(out[static_cast<size_t>(i)]);
}

AttentionThumbnails ThumbnailReducer::finish(std::shared_ptr<const ForwardTrace> trace) {
  if (!trace) throw bad("attention thumbnails need a trace");
  AttentionThumbnails out;
  out.cells = cells_;
  out.hidden_mode = hidden_mode_;
  const std::vector<AttentionMapRef> refs = enumerate_attention_maps(*trace);
  out.maps.resize(refs.size());
  // The recorded arrays moved into the trace with their storage, so a map add saw is found by
  // its first value's address.
  oneapi::tbb::parallel_for(
      oneapi::tbb::blocked_range<size_t>(0, refs.size(), 1),
      [&](const oneapi::tbb::blocked_range<size_t>& r) {
        for (size_t i = r.begin(); i < r.end(); ++i) {
          const MapNorm mode = mode_of(refs[i].kind);
          const auto seen = done_.find(refs[i].data);
          if (seen != done_.end() && seen->second.mode == mode)
            out.maps[i] = seen->second;
          else
            out.maps[i] = {mode, thumbnail_map(refs[i], mode, cells_)};
        }
      },
      oneapi::tbb::simple_partitioner());
  done_.clear();
  out.trace = std::move(trace);
  return out;
}

float map_cell(const AttentionMapRef& ref, MapNorm mode, int64_t t, int64_t s) {
  check_map(ref.data, ref.T, ref.S);
  if (t < 0 || t >= ref.T || s < 0 || s >= ref.S)
    throw bad("cell (query " + std::to_string(t) + ", key " + std::to_string(s) +
              ") is outside the " + std::to_string(ref.T) + " x " + std::to_string(ref.S) +
              " map of layer " + std::to_string(ref.layer));
  const float* row = ref.data + t * ref.S;
  if (mode == MapNorm::Raw) return row[s];
  const int64_t end = causal_end(t, ref.T, ref.S);
  if (s >= end) return 0.f;
  if (mode == MapNorm::RowNormalised) return std::fabs(row[s]) * row_scale(row, end);
  float lo, hi;
  causal_abs_range(ref.data, ref.T, ref.S, &lo, &hi);
  return minmax_value(std::fabs(row[s]), lo, hi);
}

}  // namespace seqlens::analysis
