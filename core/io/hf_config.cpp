// config.json <-> ModelConfig. Each family follows its Hugging Face configuration class
// (transformers/models/<family>/configuration_<family>.py): the same JSON names and the same
// defaults for absent fields. Fields that only affect training (dropout, use_cache, ...) are
// ignored; fields that would change the forward pass to something we do not implement
// (activation functions, RoPE scaling, sliding windows, ...) are rejected with a clear message
// rather than silently ignored.
#include "core/io/hf_config.h"

#include <cmath>
#include <limits>
#include <optional>

#include "core/common/error.h"

namespace seqlens {

namespace {

using nlohmann::json;

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string brief(const json& v) {
  std::string s = v.dump(-1, ' ', true, json::error_handler_t::replace);
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

// Typed access to one config.json object. Every getter names the file and the field on error.
class Fields {
 public:
  Fields(const json& j, const std::string& source) : j_(j), source_(source) {}

  [[noreturn]] void fail(const std::string& key, const std::string& problem) const {
    throw Error(ErrorKind::Config, source_ + ": field '" + key + "' " + problem);
  }

  const json* find(const std::string& key) const {
    const auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }
  bool has(const std::string& key) const { return find(key) != nullptr; }
  bool is_null_or_absent(const std::string& key) const {
    const json* v = find(key);
    return !v || v->is_null();
  }

  int64_t integer_value(const std::string& key, const json& v) const {
    if (v.is_number_unsigned()) {
      const auto u = v.get<uint64_t>();
      if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        fail(key, "is " + brief(v) + ", too large");
      return static_cast<int64_t>(u);
    }
    if (v.is_number_integer()) return v.get<int64_t>();
    fail(key, "must be an integer, got " + brief(v));
  }

  int64_t integer(const std::string& key, int64_t def) const {
    const json* v = find(key);
    return v ? integer_value(key, *v) : def;
  }

  // Fields the HF class declares Optional[int]: null means "derive it".
  std::optional<int64_t> optional_integer(const std::string& key) const {
    const json* v = find(key);
    if (!v || v->is_null()) return std::nullopt;
    return integer_value(key, *v);
  }

  // An int or a float (JSON has no separate float syntax for 10000 vs 10000.0). Python's
  // Infinity / -Infinity / NaN literals arrive as strings (see safetensors::parse_json).
  double number_value(const std::string& key, const json& v) const {
    if (v.is_number()) return v.get<double>();
    if (v.is_string()) {
      const auto& s = v.get_ref<const std::string&>();
      if (s == "Infinity") return kInf;
      if (s == "-Infinity") return -kInf;
      if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
    }
    fail(key, "must be a number, got " + brief(v));
  }

  double number(const std::string& key, double def) const {
    const json* v = find(key);
    return v ? number_value(key, *v) : def;
  }

  bool boolean(const std::string& key, bool def) const {
    const json* v = find(key);
    if (!v) return def;
    if (!v->is_boolean()) fail(key, "must be true or false, got " + brief(*v));
    return v->get<bool>();
  }

  std::string string(const std::string& key, const std::string& def) const {
    const json* v = find(key);
    if (!v) return def;
    if (!v->is_string()) fail(key, "must be a string, got " + brief(*v));
    return v->get<std::string>();
  }

  // Token ids: an integer, null (none: stored as -1) or, as Llama-3 configs do for eos, a list
  // of integers (the first one is used).
  int64_t token_id(const std::string& key, int64_t def) const {
    const json* v = find(key);
    if (!v) return def;
    if (v->is_null()) return -1;
    if (v->is_array()) {
      if (v->empty()) return -1;
      return integer_value(key, v->front());
    }
    if (!v->is_number_integer())
      fail(key, "must be an integer, a list of integers or null, got " + brief(*v));
    return integer_value(key, *v);
  }

  // "auto" = ceil(hidden / 16), or an integer (MambaConfig.time_step_rank,
  // JambaConfig.mamba_dt_rank).
  int64_t rank(const std::string& key, int64_t hidden) const {
    const json* v = find(key);
    if (!v || (v->is_string() && v->get<std::string>() == "auto"))
      return hidden > 0 ? hidden / 16 + (hidden % 16 != 0) : 0;
    if (v->is_string()) fail(key, "must be \"auto\" or an integer, got " + brief(*v));
    return integer_value(key, *v);
  }

  // A string field whose only supported value is `expected`.
  void require_string(const std::string& key, const std::string& def, const std::string& expected,
                      const std::string& why) const {
    const std::string s = string(key, def);
    if (s != expected)
      fail(key, "is \"" + s + "\" but only \"" + expected + "\" is supported (" + why + ")");
  }

  // a * b for derived sizes, before validate() has bounded the factors (hostile input).
  int64_t product(const std::string& key, int64_t a, int64_t b) const {
    int64_t r = 0;
    if (__builtin_mul_overflow(a, b, &r)) fail(key, "gives a size that overflows 64 bits");
    return r;
  }

  void require_bool(const std::string& key, bool def, bool expected, const std::string& why) const {
    if (boolean(key, def) != expected)
      fail(key, std::string("must be ") + (expected ? "true" : "false") + " (" + why + ")");
  }

 private:
  const json& j_;
  const std::string& source_;
};

// Shared fields with per-class defaults.
void read_common(const Fields& f, ModelConfig& c, int64_t vocab, bool tie, double init, int64_t pad,
                 int64_t bos, int64_t eos) {
  c.vocab_size = f.integer("vocab_size", vocab);
  c.tie_word_embeddings = f.boolean("tie_word_embeddings", tie);
  c.initializer_range = f.number("initializer_range", init);
  c.pad_token_id = f.token_id("pad_token_id", pad);
  c.bos_token_id = f.token_id("bos_token_id", bos);
  c.eos_token_id = f.token_id("eos_token_id", eos);
}

// RoPE scaling types other than the plain one change the frequencies; we implement only "default".
void check_rope_scaling(const Fields& f, const json& scaling, const std::string& key) {
  if (scaling.is_null()) return;
  if (!scaling.is_object()) f.fail(key, "must be an object or null, got " + brief(scaling));
  std::string type = "default";
  for (const char* k : {"rope_type", "type"}) {
    const auto it = scaling.find(k);
    if (it == scaling.end()) continue;
    if (!it->is_string()) f.fail(key, std::string("has a non-string '") + k + "': " + brief(*it));
    type = it->get<std::string>();
    break;
  }
  if (type != "default")
    f.fail(key, "asks for RoPE scaling type \"" + type +
                    "\", which is not implemented (only plain RoPE, \"default\", is)");
}

ModelConfig gpt2_from(const Fields& f) {
  // GPT2Config defaults (transformers/models/gpt2/configuration_gpt2.py).
  ModelConfig c;
  c.family = Family::GPT2;
  read_common(f, c, 50257, true, 0.02, -1, 50256, 50256);
  c.d_model = f.integer("n_embd", 768);
  c.n_layers = f.integer("n_layer", 12);
  c.n_heads = f.integer("n_head", 12);
  c.n_kv_heads = c.n_heads;
  c.head_dim = c.n_heads > 0 ? c.d_model / c.n_heads : 0;
  c.intermediate_size = f.optional_integer("n_inner").value_or(f.product("n_embd", 4, c.d_model));
  c.max_position_embeddings = f.integer("n_positions", 1024);
  c.norm_eps = f.number("layer_norm_epsilon", 1e-5);
  c.attention_bias = true;
  c.mlp_bias = true;
  f.require_string("activation_function", "gelu_new", "gelu_new",
                   "the tanh-approximated GELU of GPT-2");
  f.require_bool("scale_attn_weights", true, true,
                 "attention scores are always scaled by 1/sqrt(head_dim)");
  f.require_bool("scale_attn_by_inverse_layer_idx", false, false,
                 "per-layer attention scaling is not implemented");
  return c;
}

ModelConfig llama_from(const Fields& f) {
  // LlamaConfig defaults (transformers/models/llama/configuration_llama.py).
  ModelConfig c;
  c.family = Family::Llama;
  read_common(f, c, 32000, false, 0.02, -1, 1, 2);
  c.d_model = f.integer("hidden_size", 4096);
  c.intermediate_size = f.integer("intermediate_size", 11008);
  c.n_layers = f.integer("num_hidden_layers", 32);
  c.n_heads = f.integer("num_attention_heads", 32);
  c.n_kv_heads = f.optional_integer("num_key_value_heads").value_or(c.n_heads);
  c.head_dim = f.optional_integer("head_dim").value_or(c.n_heads > 0 ? c.d_model / c.n_heads : 0);
  c.max_position_embeddings = f.integer("max_position_embeddings", 2048);
  c.norm_eps = f.number("rms_norm_eps", 1e-6);
  c.attention_bias = f.boolean("attention_bias", false);
  c.mlp_bias = f.boolean("mlp_bias", false);
  f.require_string("hidden_act", "silu", "silu", "the SwiGLU MLP of Llama");

  // RoPE: transformers < 5 keeps rope_theta at the top level and an optional rope_scaling dict;
  // transformers >= 5 moves both into "rope_parameters": {"rope_type": ..., "rope_theta": ...}.
  c.rope_theta = f.number("rope_theta", 10000.0);
  if (const json* rs = f.find("rope_scaling")) check_rope_scaling(f, *rs, "rope_scaling");
  if (const json* rp = f.find("rope_parameters"); rp && !rp->is_null()) {
    check_rope_scaling(f, *rp, "rope_parameters");
    if (const auto it = rp->find("rope_theta"); it != rp->end()) {
      const double theta = f.number_value("rope_parameters.rope_theta", *it);
      if (f.has("rope_theta") && theta != c.rope_theta)
        f.fail("rope_parameters.rope_theta", "disagrees with the top-level 'rope_theta'");
      c.rope_theta = theta;
    }
  }
  return c;
}

// The fields MambaConfig and Mamba2Config share, with the defaults both classes give them.
void read_ssm_common(const Fields& f, ModelConfig& c, int64_t hidden, int64_t state,
                     int64_t layers) {
  c.d_model = f.integer("hidden_size", hidden);
  c.d_state = f.integer("state_size", state);
  c.n_layers = f.integer("num_hidden_layers", layers);
  c.norm_eps = f.number("layer_norm_epsilon", 1e-5);
  c.expand = f.integer("expand", 2);
  c.d_conv = f.integer("conv_kernel", 4);
  c.proj_bias = f.boolean("use_bias", false);
  c.conv_bias = f.boolean("use_conv_bias", true);
  c.residual_in_fp32 = f.boolean("residual_in_fp32", true);
  c.time_step_min = f.number("time_step_min", 0.001);
  c.time_step_max = f.number("time_step_max", 0.1);
  c.time_step_floor = f.number("time_step_floor", 1e-4);
  c.rescale_prenorm_residual = f.boolean("rescale_prenorm_residual", false);
  f.require_string("hidden_act", "silu", "silu", "the Mamba mixer uses SiLU");
  c.dt_rank = f.rank("time_step_rank", c.d_model);  // Mamba-2 has none; type-checked there
  // HF derives intermediate_size = expand * hidden_size.
  c.d_inner = f.product("expand", c.expand, c.d_model);
}

ModelConfig mamba_from(const Fields& f) {
  // MambaConfig defaults (transformers/models/mamba/configuration_mamba.py). MambaConfig passes no
  // tie_word_embeddings to PretrainedConfig, so the base default, true, applies.
  ModelConfig c;
  c.family = Family::Mamba1;
  read_common(f, c, 50280, true, 0.1, 0, 0, 0);
  read_ssm_common(f, c, 768, 16, 32);
  f.number("time_step_scale", 1.0);  // init only; type-checked
  f.string("time_step_init_scheme", "random");
  // MambaConfig also saves intermediate_size; a different value would describe a model we cannot
  // build.
  c.intermediate_size = f.integer("intermediate_size", c.d_inner);
  if (c.intermediate_size != c.d_inner)
    f.fail("intermediate_size", "is " + std::to_string(c.intermediate_size) +
                                    " but expand * hidden_size = " + std::to_string(c.d_inner));
  return c;
}

ModelConfig mamba2_from(const Fields& f) {
  // Mamba2Config defaults (transformers/models/mamba2/configuration_mamba2.py); unlike
  // MambaConfig it declares tie_word_embeddings=False.
  ModelConfig c;
  c.family = Family::Mamba2;
  read_common(f, c, 32768, false, 0.1, 1, 0, 2);
  c.ssm_heads = f.integer("num_heads", 128);
  c.ssm_head_dim = f.integer("head_dim", 64);
  read_ssm_common(f, c, 4096, 128, 64);
  c.n_groups = f.integer("n_groups", 8);
  c.chunk_size = f.integer("chunk_size", 256);
  // HF's Mamba2 mixer always applies its gated RMSNorm; the flag is carried but not read.
  f.boolean("rms_norm", true);

  // time_step_limit: absent -> (0, inf). Python writes [0.0, Infinity]; a null bound means none.
  c.time_step_limit_min = 0.0;
  c.time_step_limit_max = kInf;
  if (const json* lim = f.find("time_step_limit"); lim && !lim->is_null()) {
    if (!lim->is_array() || lim->size() != 2)
      f.fail("time_step_limit", "must be a pair [min, max], got " + brief(*lim));
    if (!(*lim)[0].is_null()) c.time_step_limit_min = f.number_value("time_step_limit", (*lim)[0]);
    if (!(*lim)[1].is_null()) c.time_step_limit_max = f.number_value("time_step_limit", (*lim)[1]);
  }
  c.intermediate_size = c.d_inner;
  if (f.product("num_heads", c.ssm_heads, c.ssm_head_dim) != c.d_inner) {
    std::string why = "times head_dim is ";  // built stepwise: GCC 12 -Wrestrict false positive
    why += std::to_string(c.ssm_heads) + " * " + std::to_string(c.ssm_head_dim);
    why += " but must equal expand * hidden_size = " + std::to_string(c.d_inner);
    f.fail("num_heads", why);
  }
  return c;
}

ModelConfig jamba_from(const Fields& f) {
  // JambaConfig defaults (transformers/models/jamba/configuration_jamba.py).
  ModelConfig c;
  c.family = Family::Jamba;
  read_common(f, c, 65536, false, 0.02, 0, 1, 2);
  c.d_model = f.integer("hidden_size", 4096);
  c.intermediate_size = f.integer("intermediate_size", 14336);
  c.n_layers = f.integer("num_hidden_layers", 32);
  c.n_heads = f.integer("num_attention_heads", 32);
  c.n_kv_heads = f.optional_integer("num_key_value_heads").value_or(c.n_heads);
  if (!f.has("num_key_value_heads")) c.n_kv_heads = 8;  // absent: the class default, 8
  c.head_dim = c.n_heads > 0 ? c.d_model / c.n_heads : 0;
  c.norm_eps = f.number("rms_norm_eps", 1e-6);
  c.router_aux_loss_coef = f.number("router_aux_loss_coef", 0.001);
  c.max_position_embeddings = f.integer("max_position_embeddings", 262144);
  c.top_k = f.integer("num_experts_per_tok", 2);
  c.num_experts = f.integer("num_experts", 16);
  c.expert_layer_period = f.integer("expert_layer_period", 2);
  c.expert_layer_offset = f.integer("expert_layer_offset", 1);
  c.attn_layer_period = f.integer("attn_layer_period", 8);
  c.attn_layer_offset = f.integer("attn_layer_offset", 4);
  c.d_state = f.integer("mamba_d_state", 16);
  c.d_conv = f.integer("mamba_d_conv", 4);
  c.expand = f.integer("mamba_expand", 2);
  c.dt_rank = f.rank("mamba_dt_rank", c.d_model);
  c.conv_bias = f.boolean("mamba_conv_bias", true);
  c.proj_bias = f.boolean("mamba_proj_bias", false);
  c.d_inner = f.product("mamba_expand", c.expand, c.d_model);
  // Not an HF field: HF Jamba never renormalises the top-k router weights (models.md C.5);
  // true selects Mixtral-style renormalisation.
  c.router_renormalize = f.boolean("router_renormalize", false);
  f.require_string("hidden_act", "silu", "silu", "the SwiGLU MLP of Jamba");
  if (!f.is_null_or_absent("sliding_window"))
    f.fail("sliding_window", "is set, but sliding-window attention is not implemented");
  f.boolean("use_mamba_kernels", true);  // CUDA kernels switch; type-checked only
  return c;
}

void put_token(json& j, const char* key, int64_t id) {
  if (id < 0)
    j[key] = nullptr;
  else
    j[key] = id;
}

}  // namespace

ModelConfig config_from_hf_json(const json& j, const std::string& source) {
  if (!j.is_object())
    throw Error(ErrorKind::Config, source + ": config is not a JSON object (it is a " +
                                       std::string(j.type_name()) + ")");
  const Fields f(j, source);
  if (!f.has("model_type")) f.fail("model_type", "is missing");
  const std::string type = f.string("model_type", "");
  ModelConfig c;
  if (type == "gpt2")
    c = gpt2_from(f);
  else if (type == "llama")
    c = llama_from(f);
  else if (type == "mamba")
    c = mamba_from(f);
  else if (type == "mamba2")
    c = mamba2_from(f);
  else if (type == "jamba")
    c = jamba_from(f);
  else
    f.fail("model_type",
           "is \"" + type +
               "\", which is not supported (supported: gpt2, llama, mamba, mamba2, jamba)");
  try {
    validate(c);
  } catch (const Error& e) {
    throw Error(e.kind(), source + ": " + e.what());
  }
  return c;
}

// The fields MambaConfig and Mamba2Config share (the writer's half of read_ssm_common).
static void write_ssm_common(json& j, const ModelConfig& c) {
  j["hidden_size"] = c.d_model;
  j["state_size"] = c.d_state;
  j["num_hidden_layers"] = c.n_layers;
  j["layer_norm_epsilon"] = c.norm_eps;
  j["expand"] = c.expand;
  j["conv_kernel"] = c.d_conv;
  j["use_bias"] = c.proj_bias;
  j["use_conv_bias"] = c.conv_bias;
  j["hidden_act"] = "silu";
  j["residual_in_fp32"] = c.residual_in_fp32;
  j["time_step_rank"] = c.dt_rank;
  j["time_step_min"] = c.time_step_min;
  j["time_step_max"] = c.time_step_max;
  j["time_step_floor"] = c.time_step_floor;
  j["rescale_prenorm_residual"] = c.rescale_prenorm_residual;
}

json config_to_hf_json(const ModelConfig& c) {
  json j;
  j["model_type"] = family_name(c.family);
  j["vocab_size"] = c.vocab_size;
  j["tie_word_embeddings"] = c.tie_word_embeddings;
  j["initializer_range"] = c.initializer_range;
  put_token(j, "pad_token_id", c.pad_token_id);
  put_token(j, "bos_token_id", c.bos_token_id);
  put_token(j, "eos_token_id", c.eos_token_id);
  switch (c.family) {
    case Family::GPT2:
      j["architectures"] = {"GPT2LMHeadModel"};
      j["n_embd"] = c.d_model;
      j["n_layer"] = c.n_layers;
      j["n_head"] = c.n_heads;
      j["n_inner"] = c.intermediate_size;
      j["n_positions"] = c.max_position_embeddings;
      j["layer_norm_epsilon"] = c.norm_eps;
      j["activation_function"] = "gelu_new";
      j["scale_attn_weights"] = true;
      j["scale_attn_by_inverse_layer_idx"] = false;
      j["reorder_and_upcast_attn"] = false;
      break;
    case Family::Llama:
      j["architectures"] = {"LlamaForCausalLM"};
      j["hidden_size"] = c.d_model;
      j["intermediate_size"] = c.intermediate_size;
      j["num_hidden_layers"] = c.n_layers;
      j["num_attention_heads"] = c.n_heads;
      j["num_key_value_heads"] = c.n_kv_heads;
      j["head_dim"] = c.head_dim;
      j["max_position_embeddings"] = c.max_position_embeddings;
      j["rms_norm_eps"] = c.norm_eps;
      j["hidden_act"] = "silu";
      j["attention_bias"] = c.attention_bias;
      j["mlp_bias"] = c.mlp_bias;
      // Both spellings, so transformers 4.x (top level) and 5.x (rope_parameters) read it.
      j["rope_theta"] = c.rope_theta;
      j["rope_scaling"] = nullptr;
      j["rope_parameters"] = {{"rope_type", "default"}, {"rope_theta", c.rope_theta}};
      break;
    case Family::Mamba1:
      j["architectures"] = {"MambaForCausalLM"};
      write_ssm_common(j, c);
      j["intermediate_size"] = c.d_inner;
      j["time_step_scale"] = 1.0;
      j["time_step_init_scheme"] = "random";
      break;
    case Family::Mamba2:
      j["architectures"] = {"Mamba2ForCausalLM"};
      j["num_heads"] = c.ssm_heads;
      j["head_dim"] = c.ssm_head_dim;
      write_ssm_common(j, c);
      j["n_groups"] = c.n_groups;
      // An infinite bound is a non-finite double here; nlohmann dumps it as null (read back as
      // "no bound"), save_model_dir writes Python's Infinity as transformers does.
      j["time_step_limit"] = {c.time_step_limit_min, c.time_step_limit_max};
      j["rms_norm"] = true;
      j["chunk_size"] = c.chunk_size;
      break;
    case Family::Jamba:
      j["architectures"] = {"JambaForCausalLM"};
      j["hidden_size"] = c.d_model;
      j["intermediate_size"] = c.intermediate_size;
      j["num_hidden_layers"] = c.n_layers;
      j["num_attention_heads"] = c.n_heads;
      j["num_key_value_heads"] = c.n_kv_heads;
      j["hidden_act"] = "silu";
      j["rms_norm_eps"] = c.norm_eps;
      j["router_aux_loss_coef"] = c.router_aux_loss_coef;
      j["sliding_window"] = nullptr;
      j["max_position_embeddings"] = c.max_position_embeddings;
      j["num_experts_per_tok"] = c.top_k;
      j["num_experts"] = c.num_experts;
      j["expert_layer_period"] = c.expert_layer_period;
      j["expert_layer_offset"] = c.expert_layer_offset;
      j["attn_layer_period"] = c.attn_layer_period;
      j["attn_layer_offset"] = c.attn_layer_offset;
      j["use_mamba_kernels"] = false;
      j["mamba_d_state"] = c.d_state;
      j["mamba_d_conv"] = c.d_conv;
      j["mamba_expand"] = c.expand;
      j["mamba_dt_rank"] = c.dt_rank;
      j["mamba_conv_bias"] = c.conv_bias;
      j["mamba_proj_bias"] = c.proj_bias;
      j["router_renormalize"] = c.router_renormalize;
      break;
  }
  return j;
}

}  // namespace seqlens
