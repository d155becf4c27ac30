"""Vision towers and projectors of multimodal configs, reported as extras.

Each function mirrors one transformers vision model (v5) and returns ``ExtraModule`` rows;
values absent from ``vision_config`` take that config class's defaults.
"""

from __future__ import annotations

from flopcast.arch import common as c
from flopcast.arch.types import ExtraModule
from flopcast.errors import FlopcastError


def _sub(cfg: c.Cfg, key: str) -> c.Cfg:
    return cfg.sub(key) or c.Cfg({}, cfg.model_type, f"{key}.")


def moonvit(cfg: c.Cfg, text_hidden: int) -> list[ExtraModule]:
    """Kimi K2.5's MoonViT + patch-merger projector (models/kimi_k25/modeling_kimi_k25.py).

    Kimi_K25VisionConfig defaults; released configs also spell the sizes ``vt_*``.
    """
    v = _sub(cfg, "vision_config")

    def size(key: str, default: int) -> int:
        return v.int_or(key, v.int_or(f"vt_{key}", default))

    vh = size("hidden_size", 1152)
    vi = size("intermediate_size", 4304)
    layers = size("num_hidden_layers", 27)
    patch = v.int_or("patch_size", 14)
    pos_h = v.int_or("pos_emb_height", v.int_or("init_pos_emb_height", 64))
    pos_w = v.int_or("pos_emb_width", v.int_or("init_pos_emb_width", 64))
    merge = v.int_list("merge_kernel_size") or [2, 2]
    if len(merge) != 2 or min(merge) < 1:
        raise FlopcastError("vision_config.merge_kernel_size must be two positive integers")
    per_layer = (
        4 * (vh * vh + vh)  # q/k/v and proj, with biases
        + (vh * vi + vi)
        + (vi * vh + vh)  # fc1, fc2 with biases
        + 2 * 2 * vh  # norm1, norm2 (LayerNorm)
    )
    tower = (
        3 * patch * patch * vh + vh  # patch Conv2d with bias
        + pos_h * pos_w * vh  # learned position grid
        + layers * per_layer
        + 2 * vh  # final_layernorm
    )  # fmt: skip
    merged = vh * merge[0] * merge[1]
    pre_norm = cfg.int_or("projection_hidden_size", 1152)
    projector = 2 * pre_norm + (merged * merged + merged) + (merged * text_hidden + text_hidden)
    return [
        ExtraModule("vision_tower", tower, f"MoonViT, {layers} layers of width {vh}"),
        ExtraModule("mm_projector", projector, "LayerNorm + 2-layer MLP over 2 x 2 patches"),
    ]


def pixtral(cfg: c.Cfg, text_hidden: int) -> list[ExtraModule]:
    """Pixtral vision encoder + Mistral3MultiModalProjector (models/mistral3, models/pixtral).

    Mistral3Config's default vision_config (Pixtral, 24 layers of width 1024, patch 14).
    """
    v = _sub(cfg, "vision_config")
    vh = v.int_or("hidden_size", 1024)
    vi = v.int_or("intermediate_size", 4096)
    layers = v.int_or("num_hidden_layers", 24)
    channels = v.int_or("num_channels", 3)
    patch = v.int_or("patch_size", 14)
    per_layer = 4 * vh * vh + 3 * vh * vi + 2 * vh  # q/k/v/o, gated MLP, 2 RMSNorms (no biases)
    tower = channels * patch * patch * vh + vh + layers * per_layer  # patch_conv, ln_pre
    merge = cfg.int_or("spatial_merge_size", 2)
    feature = cfg.data.get("vision_feature_layer", -1)
    n_features = len(feature) if isinstance(feature, list) else 1
    bias = cfg.flag("multimodal_projector_bias", False)
    projector = (
        vh  # norm
        + vh * merge * merge * vh  # patch_merger.merging_layer
        + vh * n_features * text_hidden
        + text_hidden * text_hidden  # linear_1, linear_2
        + (2 * text_hidden if bias else 0)
    )
    return [
        ExtraModule("vision_tower", tower, f"Pixtral, {layers} layers of width {vh}"),
        ExtraModule("multi_modal_projector", projector, "norm + patch merger + 2-layer MLP"),
    ]
