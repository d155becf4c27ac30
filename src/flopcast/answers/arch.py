"""``flopcast arch``: exact parameters, FLOPs per token and KV cache from a config.json."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flopcast.arch import ArchBreakdown
    from flopcast.configs import ResolvedConfig

#: What an uploaded config.json is called in messages and in the answer.
UPLOADED = "uploaded config.json"


@dataclass(frozen=True)
class ArchAnswer:
    """A config's exact counts at a context and KV-cache type, and where the config came from."""

    breakdown: ArchBreakdown
    resolved: ResolvedConfig
    label: str  # the config as the answer names it: its repo id, path, or "uploaded config.json"
    context: int
    kv_dtype: str = "bf16"
    layers: bool = False  # include the per-layer table

    def to_dict(self) -> dict[str, Any]:
        data = self.breakdown.to_dict(context=self.context, kv_dtype=self.kv_dtype,
                                      layers=self.layers)  # fmt: skip
        data["config"] = self.label
        data["config_origin"] = self.resolved.to_dict()
        return data


@dataclass(frozen=True)
class ModelTypes:
    """The config.json ``model_type``s counted exactly, each with its family module."""

    families: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        rows = [{"model_type": t, "family": f} for t, f in self.families.items()]
        return {"count": len(rows), "model_types": rows}


def parse_uploaded_config(body: bytes) -> dict[str, Any]:
    """The bytes of an uploaded config.json as a dict, parsed in memory (its size is the
    caller's to bound; its depth and numbers are bounded here, its sizes where read)."""
    from flopcast.errors import FlopcastError
    from flopcast.store import decode_text, parse_json

    what = f"the {UPLOADED}"
    if not body.strip():
        raise FlopcastError(f"{what} is empty: choose a model's config.json")
    config = parse_json(decode_text(body, what), what)
    if not isinstance(config, dict):
        raise FlopcastError(f"{what} is not a JSON object: a config.json starts with {{")
    return config


def arch_answer(
    config: str | Path | bytes | Mapping[str, Any] | ResolvedConfig | None = None,
    *,
    context: str | int = "8192",
    layers: bool = False,
    kv_dtype: str = "bf16",
    types: bool = False,
) -> ArchAnswer | ModelTypes:
    """``flopcast arch CONFIG [--context T] [--layers] [--kv-dtype D]`` (``types``: the
    supported model_types). ``config``: a catalog model, a config.json path or directory, a Hub
    repo id, a config dict, the bytes of an uploaded config.json, or a resolved config."""
    from flopcast.arch import from_config, model_type_families
    from flopcast.configs import ResolvedConfig, resolve_config
    from flopcast.errors import FlopcastError, opt
    from flopcast.quantity import parse_context

    if types:
        return ModelTypes(model_type_families())
    if config is None:
        raise FlopcastError(
            f"give a CONFIG (config.json path, repo id or model name), or {opt('types')}"
        )
    tokens = parse_context(context)
    if isinstance(config, bytes):
        resolved = resolve_config(parse_uploaded_config(config))
        label = UPLOADED
    elif isinstance(config, ResolvedConfig):
        resolved = config
        label = resolved.repo or resolved.path or "config"
    else:
        resolved = resolve_config(config)
        label = resolved.repo or resolved.path or (config if isinstance(config, str) else "config")
    breakdown = from_config(resolved.config)
    breakdown.kv_cache_bytes_per_token(kv_dtype)  # validates the dtype before anything is shown
    return ArchAnswer(breakdown, resolved, label, tokens, kv_dtype, layers)
