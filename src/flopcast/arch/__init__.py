"""Exact parameters, FLOPs per token and KV cache from a Hugging Face config.json.

``from_config`` reads the config (a dict, a path, a directory holding config.json, a shipped
config's repo id, or a Hub repo id) and returns an ``ArchBreakdown``: no torch, no weights.
Every family module mirrors one transformers modeling file; tests prove the counts equal the
real model classes exactly. Conventions are in ``flopcast.arch.types``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

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

#: Each supported ``model_type`` -> the family module of ``flopcast.arch`` that counts it (its
#: ``build``), imported when a config of that type is first counted.
FAMILIES: dict[str, str] = {
    "llama": "dense",
    "mistral": "dense",
    "qwen2": "dense",
    "qwen3": "dense",
    "ministral3": "dense",
    "phi3": "dense",
    "smollm3": "dense",
    "seed_oss": "dense",
    "olmo2": "dense",
    "olmo3": "dense",
    "exaone4": "dense",
    "mistral3": "mistral3",
    "mixtral": "mixtral",
    "qwen2_moe": "qwen_moe",
    "qwen3_moe": "qwen_moe",
    "deepseek_v3": "deepseek",
    "kimi_k2": "deepseek",
    "kimi_k25": "deepseek",
    "deepseek_v32": "deepseek",
    "glm_moe_dsa": "deepseek",
    "glm4_moe_lite": "deepseek",
    "deepseek_v4": "deepseek_v4",
    "llama4": "llama4",
    "llama4_text": "llama4",
    "gpt_oss": "gpt_oss",
    "gemma": "gemma",
    "gemma2": "gemma",
    "gemma3": "gemma",
    "gemma3_text": "gemma",
    "glm4_moe": "moe",
    "dots1": "moe",
    "minimax_m2": "moe",
    "mimo_v2_flash": "moe",
    "ernie4_5_moe": "moe",
    "hunyuan_v1_moe": "moe",
    "granitemoe": "moe",
    # hybrids: recurrent (linear-attention / SSM) layers with a fixed state
    "qwen3_next": "qwen3_next",
    "qwen3_5": "qwen3_next",
    "qwen3_5_text": "qwen3_next",
    "qwen3_5_moe": "qwen3_next",
    "qwen3_5_moe_text": "qwen3_next",
    "nemotron_h": "nemotron_h",
    "gemma4": "gemma4",
    "gemma4_text": "gemma4",
    "granitemoehybrid": "granite_hybrid",
    "lfm2": "lfm2",
    "falcon_h1": "falcon_h1",
    "jamba": "jamba",
    "olmo_hybrid": "olmo_hybrid",
    "gemma3n": "gemma3n",
    "gemma3n_text": "gemma3n",
}
SUPPORTED_MODEL_TYPES: tuple[str, ...] = tuple(sorted(FAMILIES))


def builder(model_type: str) -> Builder | None:
    """The ``build`` of the family module that counts ``model_type``, or None if unsupported."""
    family = FAMILIES.get(model_type)
    if family is None:
        return None
    build: Builder = importlib.import_module(f"flopcast.arch.{family}").build
    return build


def model_type_families() -> dict[str, str]:
    """Each supported ``model_type`` -> the flopcast family module that counts it."""
    return {t: FAMILIES[t] for t in SUPPORTED_MODEL_TYPES}


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
    build = builder(model_type)
    if build is None:
        raise FlopcastError(
            f"model_type {model_type[:60]!r} is not supported; supported: "
            + ", ".join(SUPPORTED_MODEL_TYPES)
        )
    return build(Cfg(config, model_type), model_type)
