"""Multi-token-prediction extras equal a transformers decoder layer plus the MTP head pieces.

transformers does not build MTP modules, so the layer is built on its own (meta device) and
the head pieces are added from the developers' layouts: DeepSeek-V3 README_WEIGHTS.md
(eh_proj [h, 2h], enorm, hnorm, shared_head.norm; GLM-4.5 uses the same layout) and
DeepSeek-V4 inference/model.py MTPBlock (e_proj, h_proj, enorm, hnorm, norm, hc_head).
"""

from __future__ import annotations

import pytest

from flopcast.arch import from_config

from . import hf
from .tiny import TINY

pytestmark = pytest.mark.slow  # builds real models or figures: run by CI, skipped by -m 'not slow'

torch = hf.torch


def _mtp(name: str) -> int:
    (mtp,) = [e for e in from_config(TINY[name]).extras if e.name == "mtp"]
    return mtp.params


def test_glm4_moe_mtp_is_a_moe_layer_plus_projection() -> None:
    from transformers.models.glm4_moe.modeling_glm4_moe import Glm4MoeDecoderLayer

    cfg = hf.hf_config(TINY["glm4_moe-qknorm-headdim"])
    with torch.device("meta"):
        layer = Glm4MoeDecoderLayer(cfg, layer_idx=cfg.num_hidden_layers)
    h = cfg.hidden_size
    expected = sum(p.numel() for p in layer.parameters()) + 2 * h * h + 3 * h
    assert _mtp("glm4_moe-qknorm-headdim") == expected


def test_deepseek_v32_mtp_layer_has_an_indexer() -> None:
    from transformers.models.deepseek_v32.modeling_deepseek_v32 import DeepseekV32DecoderLayer

    cfg = hf.hf_config(TINY["deepseek_v32-dsa"])
    with torch.device("meta"):
        layer = DeepseekV32DecoderLayer(cfg, layer_idx=cfg.num_hidden_layers - 1)  # MoE layer
    h = cfg.hidden_size
    expected = sum(p.numel() for p in layer.parameters()) + 2 * h * h + 3 * h
    assert _mtp("deepseek_v32-dsa") == expected


def test_deepseek_v4_mtp_is_a_block_plus_projections_and_hc_head() -> None:
    from transformers.models.deepseek_v4.modeling_deepseek_v4 import DeepseekV4DecoderLayer

    name = "deepseek_v4-legacy-ratios"  # compress_ratios[3] = 4: the MTP block is CSA
    cfg = hf.hf_config(TINY[name])
    assert cfg.layer_types[1] == "compressed_sparse_attention"
    with torch.device("meta"):
        layer = DeepseekV4DecoderLayer(cfg, layer_idx=1)
    h, n = cfg.hidden_size, cfg.hc_mult
    # e_proj + h_proj (h x h each), enorm + hnorm + norm, hc_head fn [n, n h], base [n], scale
    expected = sum(p.numel() for p in layer.parameters()) + 2 * h * h + 3 * h + n * n * h + n + 1
    assert _mtp(name) == expected
