"""Parameter counts equal the real transformers classes exactly (built on the meta device)."""

from __future__ import annotations

from typing import Any

import pytest

from flopcast.arch import from_config

from . import hf
from .tiny import TINY

pytestmark = pytest.mark.slow  # builds real models or figures: run by CI, skipped by -m 'not slow'

torch = hf.torch


@pytest.mark.parametrize("name", sorted(TINY))
def test_total_and_groups_equal_transformers(name: str) -> None:
    config = TINY[name]
    model = hf.build_model(config)
    real = hf.param_groups(model)
    real_extra = real.pop("extra", 0)
    got = from_config(config)

    assert got.total_params == sum(real.values())
    assert {g: n for g, n in got.groups.to_dict().items() if n} == real
    # vision towers/projectors are built by the multimodal classes; DeepSeek's MTP is not
    built = sum(e.params for e in got.extras if e.name != "mtp")
    assert built == real_extra
    assert got.total_params + built == sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize("name", sorted(TINY))
def test_active_params_from_expert_tensor_shapes(name: str) -> None:
    """Active = total minus the unused (E - k) / E share of every expert tensor."""
    config = TINY[name]
    model = hf.build_model(config)
    text = hf.hf_config(config).get_text_config()
    # Gemma 4 calls it top_k_experts
    top_k_cfg = getattr(text, "num_experts_per_tok", 0) or getattr(text, "top_k_experts", 0) or 0
    inactive = 0
    for pname, p in model.named_parameters():
        if ".experts." in pname and hf.group_of(pname) != "extra":
            experts = int(p.shape[0])
            top_k = top_k_cfg  # Hunyuan: one top-k per layer
            if isinstance(top_k_cfg, list):
                top_k = top_k_cfg[int(pname.split(".layers.")[1].split(".")[0])]
            assert p.numel() % experts == 0
            inactive += p.numel() // experts * (experts - top_k)
    got = from_config(config)
    text_total = sum(n for g, n in hf.param_groups(model).items() if g != "extra")
    assert got.active_params == text_total - inactive
    embedding = 0 if got.tied_embeddings else got.groups.embedding
    assert got.active_params_without_embedding == got.active_params - embedding


def test_deepseek_mtp_module_is_one_moe_layer_plus_projection() -> None:
    """MTP extra = a transformers DeepseekV3DecoderLayer past the last layer + eh_proj + norms."""
    from transformers.models.deepseek_v3.modeling_deepseek_v3 import DeepseekV3DecoderLayer

    config: dict[str, Any] = TINY["deepseek_v3-lora"]
    cfg = hf.hf_config(config)
    with torch.device("meta"):
        layer = DeepseekV3DecoderLayer(cfg, layer_idx=cfg.num_hidden_layers)
    h = cfg.hidden_size
    expected = sum(p.numel() for p in layer.parameters()) + 2 * h * h + 3 * h
    (mtp,) = [e for e in from_config(config).extras if e.name == "mtp"]
    assert mtp.params == expected


def test_every_supported_model_type_has_a_tiny_config() -> None:
    from flopcast.arch import SUPPORTED_MODEL_TYPES

    assert {c["model_type"] for c in TINY.values()} == set(SUPPORTED_MODEL_TYPES)
