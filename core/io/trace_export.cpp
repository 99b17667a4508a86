#include "core/io/trace_export.h"

#include <algorithm>
#include <cstring>

#include "core/common/error.h"

namespace seqlens {

namespace fs = std::filesystem;

namespace {

struct SiteDoc {
  const char* meaning;
  const char* units;
};

SiteDoc site_doc(Site site, MixerKind mixer) {
  const bool m2 = mixer == MixerKind::Mamba2;
  switch (site) {
    case Site::AttnPattern:
      return {
          "attention probabilities softmax(q·k/√d_head) of each query head; row t is the "
          "distribution of query t over keys s ≤ t",
          "probability"};
    case Site::SsmDelta:
      return {m2 ? "discretisation step Δ_t per SSM head, after softplus(dt + dt_bias) and clamp"
                 : "discretisation step Δ_t per inner channel, after softplus(dt_proj(x) + bias)",
              "time step Δ (dimensionless)"};
    case Site::SsmB:
      return {
          m2 ? "input matrix B_t (input → state) per group" : "input matrix B_t (input → state)",
          "SSM input coefficient"};
    case Site::SsmC:
      return {m2 ? "output matrix C_t (state → output) per group"
                 : "output matrix C_t (state → output)",
              "SSM output coefficient"};
    case Site::SsmState:
      return {"SSM hidden state h_t after step t (h_t = exp(Δ_t A) h_{t-1} + Δ_t B_t x_t)",
              "SSM state value"};
    case Site::SsmHiddenAttn:
      return {m2 ? "hidden attention L∘(C Bᵀ) of the chosen heads: weight of input s in output t"
                 : "hidden attention α of the chosen channels: weight of input s in output t",
              "attention weight (unnormalised)"};
    case Site::RouterProbs:
      return {"router softmax over experts for each token", "probability"};
    case Site::TopkIdx:
      return {"experts selected for each token, best first", "expert index"};
    case Site::TopkWeight:
      return {"mixture weight of each selected expert", "mixture weight"};
    case Site::ResidPost:
      return {"residual stream after the block (before the final norm)",
              "activation (model units)"};
    case Site::Logits:
      return {"next-token logits at each position", "logit (nats, unnormalised)"};
  }
  return {"", ""};
}

std::vector<std::string> site_axes(Site site, MixerKind mixer, size_t rank) {
  const bool m2 = mixer == MixerKind::Mamba2;
  std::vector<std::string> axes;
  switch (site) {
    case Site::AttnPattern:
      axes = {"head", "query t", "key s"};
      break;
    case Site::SsmDelta:
      axes = m2 ? std::vector<std::string>{"t", "ssm head"}
                : std::vector<std::string>{"t", "inner channel"};
      break;
    case Site::SsmB:
    case Site::SsmC:
      axes = m2 ? std::vector<std::string>{"t", "group", "state n"}
                : std::vector<std::string>{"t", "state n"};
      break;
    case Site::SsmState:
      axes = m2 ? std::vector<std::string>{"t", "ssm head", "head dim p", "state n"}
                : std::vector<std::string>{"t", "inner channel", "state n"};
      break;
    case Site::SsmHiddenAttn:
      axes = {m2 ? "chosen ssm head" : "chosen channel", "output t", "input s"};
      break;
    case Site::RouterProbs:
      axes = {"t", "expert"};
      break;
    case Site::TopkIdx:
    case Site::TopkWeight:
      axes = {"t", "rank"};
      break;
    case Site::ResidPost:
      axes = {"t", "d_model"};
      break;
    case Site::Logits:
      axes = {"t", "vocab"};
      break;
  }
  if (axes.size() != rank) {  // a shape we do not know: name the axes generically
    axes.clear();
    for (size_t i = 0; i < rank; ++i) axes.push_back("dim" + std::to_string(i));
  }
  return axes;
}

void remove_quietly(const fs::path& p) {
  std::error_code ec;
  fs::remove(p, ec);
}

}  // namespace

Json describe_array(const std::string& name, Site site, int64_t layer,
                    const std::vector<int64_t>& shape, bool is_int32, MixerKind mixer) {
  const SiteDoc doc = site_doc(site, mixer);
  Json j = {{"name", name},
            {"shape", shape},
            {"dtype", is_int32 ? "int32" : "float32"},
            {"site", site_name(site)},
            {"meaning", doc.meaning},
            {"units", doc.units},
            {"axes", site_axes(site, mixer, shape.size())}};
  if (layer >= 0) j["layer"] = layer;
  return j;
}

Json describe_tokens(int64_t T) {
  return {{"name", "tokens"},    {"shape", {T}}, {"dtype", "int32"}, {"meaning", "input token ids"},
          {"units", "token id"}, {"axes", {"t"}}};
}

Json describe_logits(int64_t T, int64_t V) {
  Json j = describe_array("logits", Site::Logits, -1, {T, V}, false, MixerKind::Attention);
  j.erase("site");
  return j;
}

bool is_int32(const RecordedArray& r) {
  return r.site == Site::TopkIdx || !r.i32.empty();
}

std::vector<NpyArray> to_npy(std::vector<RecordedArray>&& recorded) {
  std::vector<NpyArray> out;
  out.reserve(recorded.size());
  for (RecordedArray& r : recorded) {
    const bool i32 = is_int32(r);
    const size_t have = i32 ? r.i32.size() : r.f32.size();
    int64_t numel = 1;
    for (int64_t d : r.shape) numel *= d;
    if (static_cast<int64_t>(have) != numel) {
      throw Error(ErrorKind::InvalidArgument,
                  "recorded array '" + r.name + "' holds " + std::to_string(have) +
                      " values but its shape needs " + std::to_string(numel));
    }
    if (i32) {
      out.push_back(npy_i32(r.name, r.shape, r.i32.data()));
    } else {
      out.push_back(npy_f32(r.name, r.shape, r.f32.data()));
    }
    FloatArray().swap(r.f32);
    std::vector<int32_t>().swap(r.i32);
  }
  return out;
}

fs::path sidecar_path(const fs::path& npz) {
  if (npz.extension() != ".npz" || npz.stem().empty()) {
    throw Error(ErrorKind::InvalidArgument,
                "a trace export must name a .npz file, got '" + npz.string() + "'");
  }
  fs::path json_path = npz;
  json_path.replace_extension(".json");
  return json_path;
}

TraceExport export_arrays(const ModelConfig& c, const std::vector<int32_t>& tokens, Tensor logits,
                          std::vector<RecordedArray> recorded,
                          const std::vector<int64_t>& hidden_channels) {
  TraceExport e;
  const int64_t T = static_cast<int64_t>(tokens.size());
  e.arrays.push_back(npy_i32("tokens", {T}, tokens.data()));
  e.docs.push_back(describe_tokens(T));
  if (logits.numel() > 0) {
    const int64_t V = c.vocab_size;
    if (logits.shape != std::vector<int64_t>{T, V})
      throw Error(ErrorKind::InvalidArgument,
                  "the logits to export have " + std::to_string(logits.numel()) +
                      " values, not the [" + std::to_string(T) + ", " + std::to_string(V) +
                      "] of the trace's tokens and vocabulary");
    e.arrays.push_back(npy_f32("logits", {T, V}, logits.ptr()));
    e.docs.push_back(describe_logits(T, V));
    std::vector<float>().swap(logits.data);
  }

  const std::vector<LayerKind> map = c.layer_map();
  for (const RecordedArray& r : recorded) {
    const MixerKind mixer = r.layer >= 0 && r.layer < static_cast<int64_t>(map.size())
                                ? map[static_cast<size_t>(r.layer)].mixer
                                : MixerKind::Attention;
    Json d = describe_array(r.name, r.site, r.layer, r.shape, is_int32(r), mixer);
    if (r.time_stride > 1) {
      d["time_stride"] = r.time_stride;
      d["meaning"] = d["meaning"].get<std::string>() + "; kept every " +
                     std::to_string(r.time_stride) + "-th step (row i is step i·time_stride)";
      e.time_stride = std::max(e.time_stride, r.time_stride);
    }
    if (r.site == Site::SsmHiddenAttn) d["channels"] = hidden_channels;
    e.docs.push_back(std::move(d));
  }
  for (NpyArray& a : to_npy(std::move(recorded))) e.arrays.push_back(std::move(a));
  return e;
}

Json trace_sidecar(const ModelConfig& c, int64_t T, double forward_ms, int64_t peak_bytes,
                   int64_t time_stride, Json docs) {
  Json side;
  side["format"] = "seqlens-run/1";
  side["family"] = family_name(c.family);
  side["vocab_size"] = c.vocab_size;
  side["n_layers"] = c.n_layers;
  Json layers = Json::array();
  for (const LayerKind& k : c.layer_map())
    layers.push_back({{"mixer", mixer_name(k.mixer)}, {"ffn", ffn_name(k.ffn)}});
  side["layer_map"] = std::move(layers);
  side["tokens"] = T;
  side["forward_ms"] = forward_ms;
  side["peak_working_bytes"] = peak_bytes;
  if (time_stride > 1) side["time_stride"] = time_stride;
  side["arrays"] = std::move(docs);
  return side;
}

void write_trace(const ForwardTrace& trace, const fs::path& npz, const Json& extra,
                 const CancelToken* cancel) {
  sidecar_path(npz);  // validates the name before copying anything
  TraceExport e =
      export_arrays(trace.config, trace.tokens, trace.logits, trace.arrays, trace.hidden_channels);
  Json side = trace_sidecar(trace.config, static_cast<int64_t>(trace.tokens.size()),
                            trace.forward_ms, trace.peak_bytes, e.time_stride, std::move(e.docs));
  Json arrays = std::move(side["arrays"]);
  side.erase("arrays");
  for (const auto& [key, value] : extra.items()) side[key] = value;
  side["arrays"] = std::move(arrays);  // last, after the run's description
  write_run_outputs(npz, e.arrays, side, cancel);
}

void write_run_outputs(const fs::path& npz, const std::vector<NpyArray>& arrays,
                       const Json& sidecar, const CancelToken* cancel) {
  const fs::path side = sidecar_path(npz);
  const std::string text = sidecar.dump(2) + "\n";
  write_npz(npz, arrays);
  try {
    throw_if_cancelled(cancel);
    write_file_atomic(side, text);
  } catch (...) {
    remove_quietly(npz);
    throw;
  }
}

}  // namespace seqlens
