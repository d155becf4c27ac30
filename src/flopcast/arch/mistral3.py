"""Mistral 3 (Mistral Small 3.x, Devstral Small 2, Ministral 3 with vision): a text model and
a Pixtral vision tower.

Mirrors transformers models/mistral3/modeling_mistral3.py (v5): ``Mistral3Model`` wraps the
text model named by ``text_config.model_type`` (``mistral``, ``ministral3``, ...), counted by
that type's own builder, plus ``PixtralVisionModel`` and ``Mistral3MultiModalProjector``,
reported as extras. Absent sub-configs take Mistral3Config's defaults.
"""

from __future__ import annotations

from flopcast.arch import common as c
from flopcast.arch import vision
from flopcast.arch.types import ArchBreakdown
from flopcast.errors import FlopcastError

# Mistral3Config's default text_config (Mistral Small 3.1 24B)
_TEXT_DEFAULTS = {
    "model_type": "mistral",
    "head_dim": 128,
    "hidden_size": 5120,
    "intermediate_size": 32768,
    "num_attention_heads": 32,
    "num_hidden_layers": 40,
    "num_key_value_heads": 8,
    "sliding_window": None,
    "vocab_size": 131072,
}


def build(cfg: c.Cfg, model_type: str) -> ArchBreakdown:
    from dataclasses import replace

    from flopcast.arch import builder

    sub = cfg.sub("text_config")
    given = dict(sub.data) if sub is not None else {}
    text = {**_TEXT_DEFAULTS, **given} if "model_type" not in given else given
    text_type = str(text.get("model_type") or "mistral")
    build = builder(text_type)
    if text_type == model_type or build is None:
        raise FlopcastError(
            f"text_config.model_type {text_type!r} of a mistral3 config is not supported"
        )
    # the top-level config decides tying (Mistral3Config.tie_word_embeddings, default true)
    text["tie_word_embeddings"] = cfg.flag("tie_word_embeddings", True)
    inner = build(c.Cfg(text, text_type, "text_config."), text_type)
    extras = inner.extras + tuple(vision.pixtral(cfg, inner.hidden_size))
    return replace(
        inner,
        model_type=model_type,
        modeling_file="models/mistral3/modeling_mistral3.py",
        extras=extras,
        notes=(*inner.notes, f"text model: {text_type} (counted as that model type)"),
    )
