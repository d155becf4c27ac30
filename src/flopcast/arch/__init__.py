"""Exact parameters, FLOPs per token and KV cache from a Hugging Face config.json.

``from_config`` reads the config (a dict, a path, a directory holding config.json, a shipped
config's repo id, or a Hub repo id) and returns an ``ArchBreakdown``: no torch, no weights.
Every family module mirrors one transformers modeling file; tests prove the counts equal the
real model classes exactly. Conventions are in ``flopcast.arch.types``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flopcast.arch import (
    deepseek,
    deepseek_v4,
    dense,
    falcon_h1,
    gemma,
    gemma3n,
    gemma4,
    gpt_oss,
    granite_hybrid,
    jamba,
    lfm2,
    llama4,
    mistral3,
    mixtral,
    moe,
    nemotron_h,
    olmo_hybrid,
    qwen3_next,
    qwen_moe,
)
from flopcast.arch.common import Cfg
from flopcast.arch.types import (
    CONVENTIONS,
    GROUPS,
    ArchBreakdown,
    Attention,
    ExtraModule,
    FlopsPerToken,
    Layer,
    ParamGroups,
    Part,
    Recurrent,
)
from flopcast.errors import FlopcastError, FlopcastTypeError

Builder = Callable[[Cfg, str], ArchBreakdown]

BUILDERS: dict[str, Builder] = {
    "llama": dense.build,
    "mistral": dense.build,
    "qwen2": dense.build,
    "qwen3": dense.build,
    "ministral3": dense.build,
    "phi3": dense.build,
    "smollm3": dense.build,
    "seed_oss": dense.build,
    "olmo2": dense.build,
    "olmo3": dense.build,
    "exaone4": dense.build,
    "mistral3": mistral3.build,
    "mixtral": mixtral.build,
    "qwen2_moe": qwen_moe.build,
    "qwen3_moe": qwen_moe.build,
    "deepseek_v3": deepseek.build,
    "kimi_k2": deepseek.build,
    "kimi_k25": deepseek.build,
    "deepseek_v32": deepseek.build,
    "glm_moe_dsa": deepseek.build,
    "glm4_moe_lite": deepseek.build,
    "deepseek_v4": deepseek_v4.build,
    "llama4": llama4.build,
    "llama4_text": llama4.build,
    "gpt_oss": gpt_oss.build,
    "gemma": gemma.build,
    "gemma2": gemma.build,
    "gemma3": gemma.build,
    "gemma3_text": gemma.build,
    "glm4_moe": moe.build,
    "dots1": moe.build,
    "minimax_m2": moe.build,
    "mimo_v2_flash": moe.build,
    "ernie4_5_moe": moe.build,
    "hunyuan_v1_moe": moe.build,
    "granitemoe": moe.build,
    # hybrids: recurrent (linear-attention / SSM) layers with a fixed state
    "qwen3_next": qwen3_next.build,
    "qwen3_5": qwen3_next.build,
    "qwen3_5_text": qwen3_next.build,
    "qwen3_5_moe": qwen3_next.build,
    "qwen3_5_moe_text": qwen3_next.build,
    "nemotron_h": nemotron_h.build,
    "gemma4": gemma4.build,
    "gemma4_text": gemma4.build,
    "granitemoehybrid": granite_hybrid.build,
    "lfm2": lfm2.build,
    "falcon_h1": falcon_h1.build,
    "jamba": jamba.build,
    "olmo_hybrid": olmo_hybrid.build,
    "gemma3n": gemma3n.build,
    "gemma3n_text": gemma3n.build,
}
SUPPORTED_MODEL_TYPES: tuple[str, ...] = tuple(sorted(BUILDERS))


def model_type_families() -> dict[str, str]:
    """Each supported ``model_type`` -> the flopcast family module that counts it."""
    return {t: BUILDERS[t].__module__.rsplit(".", 1)[-1] for t in SUPPORTED_MODEL_TYPES}


__all__ = [
    "CONVENTIONS",
    "GROUPS",
    "SUPPORTED_MODEL_TYPES",
    "ArchBreakdown",
    "Attention",
    "ExtraModule",
    "FlopsPerToken",
    "Layer",
    "ParamGroups",
    "Part",
    "Recurrent",
    "from_config",
    "model_type_families",
]


def from_config(config: Mapping[str, Any] | str | Path) -> ArchBreakdown:
    """Count an architecture from a config dict, a config path/directory or a repo id.

    Raises ``FlopcastError`` (one line) for unreadable or inconsistent configs and for a
    ``model_type`` flopcast does not support.
    """
    if config is None:
        raise FlopcastTypeError("from_config needs a config: a dict, a path or a repo id, not None")
    if not isinstance(config, Mapping):
        from flopcast.arch.hub import load_config

        config = load_config(config)
    model_type = config.get("model_type")
    if not isinstance(model_type, str) or not model_type:
        raise FlopcastError(
            "config.json has no 'model_type'; supported: " + ", ".join(SUPPORTED_MODEL_TYPES)
        )
    builder = BUILDERS.get(model_type)
    if builder is None:
        raise FlopcastError(
            f"model_type {model_type[:60]!r} is not supported; supported: "
            + ", ".join(SUPPORTED_MODEL_TYPES)
        )
    return builder(Cfg(config, model_type), model_type)
