#include "app/gui/model_panel.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include "core/model/param_spec.h"
#include "core/model/presets.h"

namespace seqlens::app {

namespace {

QSpinBox* spin(int lo, int hi, int step = 1) {
  auto* s = new QSpinBox;
  s->setRange(lo, hi);
  s->setSingleStep(step);
  s->setKeyboardTracking(false);  // apply when typing is done, not on every digit
  return s;
}

}  // namespace

QString ModelPanel::presetSummary(const ModelConfig& c) {
  // Built here from the preset's config rather than taken from core's English description, so
  // it follows the interface language.
  const std::vector<LayerKind> kinds = c.layer_map();
  auto layers_where = [&](auto pred) {
    QStringList l;
    for (size_t i = 0; i < kinds.size(); ++i)
      if (pred(kinds[i])) l << QString::number(i);
    return l.join(QStringLiteral(", "));
  };
  const QString head = tr("%1 layers, d_model %2").arg(c.n_layers).arg(c.d_model);
  switch (c.family) {
    case Family::GPT2:
      return tr("GPT-2 style Transformer: %1, %2 heads, learned positions")
          .arg(head)
          .arg(c.n_heads);
    case Family::Llama:
      return tr("Llama style Transformer: %1, %2 heads / %3 KV heads, RoPE")
          .arg(head)
          .arg(c.n_heads)
          .arg(c.n_kv_heads);
    case Family::Mamba1:
      return tr("Mamba-1: %1, d_inner %2, d_state %3").arg(head).arg(c.d_inner).arg(c.d_state);
    case Family::Mamba2:
      return tr("Mamba-2 (SSD): %1, %2 heads × %3, d_state %4")
          .arg(head)
          .arg(c.ssm_heads)
          .arg(c.ssm_head_dim)
          .arg(c.d_state);
    case Family::Jamba:
      return tr("Jamba hybrid: %1, attention in layers %2, MoE (%3 experts, top-%4) in layers %5")
          .arg(head)
          .arg(layers_where([](const LayerKind& k) { return k.mixer == MixerKind::Attention; }))
          .arg(c.num_experts)
          .arg(c.top_k)
          .arg(layers_where([](const LayerKind& k) { return k.ffn == FfnKind::MoE; }));
  }
  return head;
}

ModelPanel::ModelPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  auto* form = new QFormLayout;
  preset_ = new QComboBox;
  preset_->addItem(tr("(custom)"), QString());
  for (const PresetInfo& p : preset_list()) {
    preset_->addItem(QString::fromStdString(p.name), QString::fromStdString(p.name));
    preset_->setItemData(preset_->count() - 1, presetSummary(preset_config(p.name)),
                         Qt::ToolTipRole);
  }
  form->addRow(tr("Preset"), preset_);
  family_ = new QComboBox;
  family_->addItem(tr("Transformer (GPT-2)"), int(Family::GPT2));
  family_->addItem(tr("Transformer (Llama)"), int(Family::Llama));
  family_->addItem(tr("Mamba-1"), int(Family::Mamba1));
  family_->addItem(tr("Mamba-2 (SSD)"), int(Family::Mamba2));
  family_->addItem(tr("Jamba hybrid"), int(Family::Jamba));
  form->addRow(tr("Family"), family_);
  layers_ = spin(1, 64);
  d_model_ = spin(16, 2048, 16);
  heads_ = spin(1, 64);
  kv_heads_ = spin(1, 64);
  d_state_ = spin(1, 256);
  expand_ = spin(1, 8);
  experts_ = spin(1, 64);
  top_k_ = spin(1, 8);
  attn_every_ = spin(1, 64);
  moe_every_ = spin(1, 64);
  seed_ = spin(0, 1 << 30);
  form->addRow(tr("Layers"), layers_);
  form->addRow(tr("d_model"), d_model_);
  form->addRow(tr("Heads"), heads_);
  form->addRow(tr("KV heads"), kv_heads_);
  form->addRow(tr("d_state"), d_state_);
  form->addRow(tr("Expand"), expand_);
  form->addRow(tr("Experts"), experts_);
  form->addRow(tr("Top-k"), top_k_);
  form->addRow(tr("1 attention layer in"), attn_every_);
  form->addRow(tr("1 MoE layer in"), moe_every_);
  form->addRow(tr("Seed"), seed_);
  layout->addLayout(form);
  reseed_ = new QPushButton(tr("Re-seed"));
  reseed_->setToolTip(tr("Initialise the same architecture from a new random seed"));
  auto* open = new QPushButton(tr("Open model directory…"));
  layout->addWidget(reseed_);
  layout->addWidget(open);
  summary_ = new QLabel;
  summary_->setWordWrap(true);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(summary_);
  layout->addStretch(1);

  connect(preset_, &QComboBox::currentIndexChanged, this, [this](int) {
    if (updating_) return;
    const QString p = preset_->currentData().toString();
    if (!p.isEmpty()) emit presetChosen(p);
  });
  connect(family_, &QComboBox::currentIndexChanged, this, [this](int) { edited(); });
  for (QSpinBox* s : {layers_, d_model_, heads_, kv_heads_, d_state_, expand_, experts_, top_k_,
                      attn_every_, moe_every_, seed_})
    connect(s, &QSpinBox::valueChanged, this, [this](int) { edited(); });
  connect(reseed_, &QPushButton::clicked, this,
          [this] { seed_->setValue(int(QRandomGenerator::global()->bounded(1 << 30))); });
  connect(open, &QPushButton::clicked, this, &ModelPanel::openDirectoryRequested);
  base_ = preset_config("llama-tiny");
}

QString ModelPanel::currentPreset() const {
  return preset_->currentData().toString();
}

HyperParams ModelPanel::values() const {
  HyperParams h;
  h.family = static_cast<Family>(family_->currentData().toInt());
  h.n_layers = layers_->value();
  h.d_model = d_model_->value();
  h.n_heads = heads_->value();
  h.n_kv_heads = kv_heads_->value();
  h.d_state = d_state_->value();
  h.expand = expand_->value();
  h.num_experts = experts_->value();
  h.top_k = top_k_->value();
  h.attn_every = attn_every_->value();
  h.moe_every = moe_every_->value();
  return h;
}

void ModelPanel::edited() {
  if (updating_) return;
  updateEnabled();
  {
    const QSignalBlocker block(preset_);
    preset_->setCurrentIndex(0);  // "(custom)"
  }
  HyperParams h = values();
  try {
    emit configEdited(make_config(base_, h), quint64(seed_->value()));
    summary_->setStyleSheet(QString());
  } catch (const std::exception& e) {
    summary_->setText(tr("Not applied: %1").arg(QString::fromUtf8(e.what())));
    summary_->setStyleSheet(QStringLiteral("color: #c0392b"));
  }
}

void ModelPanel::updateEnabled() {
  const auto f = static_cast<Family>(family_->currentData().toInt());
  const bool attn = f == Family::GPT2 || f == Family::Llama || f == Family::Jamba;
  const bool ssm = f == Family::Mamba1 || f == Family::Mamba2 || f == Family::Jamba;
  const bool jamba = f == Family::Jamba;
  heads_->setEnabled(attn);
  kv_heads_->setEnabled(attn && f != Family::GPT2);
  d_state_->setEnabled(ssm);
  expand_->setEnabled(ssm);
  experts_->setEnabled(jamba);
  top_k_->setEnabled(jamba);
  attn_every_->setEnabled(jamba);
  moe_every_->setEnabled(jamba);
}

void ModelPanel::showModel(const QString& name, const ModelConfig& config, uint64_t seed,
                           bool loaded) {
  updating_ = true;
  base_ = config;
  const HyperParams h = hyperparams_of(config);
  const int p = preset_->findData(name);
  preset_->setCurrentIndex(p >= 0 ? p : 0);
  family_->setCurrentIndex(std::max(0, family_->findData(int(h.family))));
  layers_->setValue(int(h.n_layers));
  d_model_->setValue(int(h.d_model));
  heads_->setValue(int(h.n_heads));
  kv_heads_->setValue(int(h.n_kv_heads));
  d_state_->setValue(int(h.d_state));
  expand_->setValue(int(h.expand));
  experts_->setValue(int(h.num_experts));
  top_k_->setValue(int(h.top_k));
  attn_every_->setValue(int(h.attn_every));
  moe_every_->setValue(int(h.moe_every));
  seed_->setValue(int(seed));
  updateEnabled();
  // A loaded checkpoint's weights are what they are: it can be inspected, not edited.
  for (QWidget* w : {static_cast<QWidget*>(family_), static_cast<QWidget*>(layers_),
                     static_cast<QWidget*>(d_model_), static_cast<QWidget*>(seed_),
                     static_cast<QWidget*>(reseed_)})
    w->setEnabled(!loaded);
  const ParamCount n = count_params(config);
  const QLocale locale;
  summary_->setStyleSheet(QString());
  summary_->setText(tr("<b>%1</b><br>%2 parameters, %3 active per token")
                        .arg(name.toHtmlEscaped(), locale.toString(qlonglong(n.total)),
                             locale.toString(qlonglong(n.active))));
  updating_ = false;
}

}  // namespace seqlens::app
