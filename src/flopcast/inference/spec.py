"""What is known about a model: a config.json (exact architecture) or catalog/given totals."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flopcast.catalog import model
from flopcast.configs import config_for_model, resolve_config
from flopcast.errors import FlopcastError, FlopcastTypeError, opt
from flopcast.figures import Model
from flopcast.sanitize import short
from flopcast.store import exists

if TYPE_CHECKING:
    from flopcast.arch import ArchBreakdown


@dataclass(frozen=True, eq=False)  # compared and hashed by identity (results are cached)
class ModelSpec:
    """What is known about a model: an exact architecture, or catalog/given totals."""

    name: str
    source: str
    arch: ArchBreakdown | None
    config: Mapping[str, Any] | None
    total_params: int  # every parameter that is loaded, extras included
    active_params: int  # per token, the convention of ``active_params`` (input embedding in)
    native_format: str
    estimate: bool
    max_context: int | None = None
    kv_bytes_per_token: int | None = None  # bf16, for estimates without a config
    extras: tuple[str, ...] = ()  # extra modules loaded with the text model (vision tower)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "estimate": self.estimate,
            "total_params": self.total_params,
            "active_params": self.active_params,
            "native_format": self.native_format,
            "max_context": self.max_context,
            "extras_loaded": list(self.extras),
            "notes": list(self.notes),
        }


def _text_config(config: Mapping[str, Any]) -> Mapping[str, Any]:
    tc = config.get("text_config")
    return tc if isinstance(tc, Mapping) else config


def _native_format(config: Mapping[str, Any]) -> str:
    """The format a checkpoint ships in, from its quantization_config or torch_dtype."""
    qc = config.get("quantization_config")
    if isinstance(qc, Mapping):
        method = str(qc.get("quant_method", "")).lower()
        if method == "mxfp4":
            return "mxfp4"
        if method == "fp8":
            return "fp8"
        if method in ("gptq", "awq") and qc.get("bits", 4) == 4:
            return "int4"
        if method == "bitsandbytes":
            return "nf4" if qc.get("load_in_4bit") else "int8"
    dtype = str(config.get("torch_dtype") or _text_config(config).get("torch_dtype") or "")
    return {"float32": "fp32", "float16": "fp16"}.get(dtype, "bf16")


def _spec_from_config(
    config: Mapping[str, Any], name: str, source: str, text_only: bool, notes: tuple[str, ...]
) -> ModelSpec:
    from flopcast.arch import from_config

    arch = from_config(config)
    loaded = () if text_only else tuple(e for e in arch.extras if e.name != "mtp")
    skipped = [e for e in arch.extras if e not in loaded]
    extra_notes = [
        f"{e.name} ({e.params:,} params) not loaded: "
        + ("--text-only" if e.name != "mtp" else "MTP head, used only for speculative decoding")
        for e in skipped
    ]
    max_ctx = _text_config(config).get("max_position_embeddings")
    return ModelSpec(
        name=name,
        source=source,
        arch=arch,
        config=config,
        total_params=arch.total_params + sum(e.params for e in loaded),
        active_params=arch.active_params,
        native_format=_native_format(config),
        estimate=False,
        max_context=int(max_ctx) if isinstance(max_ctx, int) and max_ctx > 0 else None,
        extras=tuple(e.name for e in loaded),
        notes=notes + tuple(extra_notes),
    )


#: The most parameters a model may have here (10^16: far beyond any that runs).
MAX_PARAMS = 1e16
#: The most KV-cache bytes per token (10^9: a thousand times the largest models').
MAX_KV_BYTES_PER_TOKEN = 10**9


def model_spec(
    model: str | Path | Mapping[str, Any] | Model | None = None,
    *,
    total: Any = None,
    active: Any = None,
    kv_bytes_per_token: int | None = None,
    text_only: bool = False,
) -> ModelSpec:
    """Resolve a model: a catalog name or :class:`~flopcast.figures.Model` (never read as a
    path), a config.json path/dir/repo id or dict, or numbers.

    ``total``/``active`` (``"109B"``, ``17e9``) make an estimate without a config, labelled as
    such; they win over a name. ``text_only`` leaves a vision tower out.
    """
    from flopcast.quantity import Kind, parse

    if kv_bytes_per_token is not None and (
        isinstance(kv_bytes_per_token, bool)
        or not isinstance(kv_bytes_per_token, int)
        or not 1 <= kv_bytes_per_token <= MAX_KV_BYTES_PER_TOKEN
    ):
        raise FlopcastError(
            f"{opt('kv_bytes_per_token')} must be a whole number of bytes from 1 to "
            f"{MAX_KV_BYTES_PER_TOKEN:,}, got {short(kv_bytes_per_token)}"
        )
    if total is not None or active is not None:
        if total is None:
            raise FlopcastError(
                f"{opt('active')} needs {opt('total')} (memory needs every parameter)"
            )
        n = parse(total, Kind.COUNT, what=opt("total")).value
        a = parse(active, Kind.COUNT, what=opt("active")).value if active is not None else n
        if a > n:
            raise FlopcastError(f"{opt('active')} cannot exceed {opt('total')}")
        if n > MAX_PARAMS:
            raise FlopcastError(
                f"{opt('total')} {n:.3g} parameters is beyond anything that runs "
                f"(flopcast stops at {MAX_PARAMS:.0e})"
            )
        if a < 1:
            raise FlopcastError(f"{opt('active')} {a:g}: a model has at least one parameter")
        label = "given parameters" if model is None else _label(model)
        return ModelSpec(
            name=label,
            source="given --total/--active",
            arch=None,
            config=None,
            total_params=round(n),
            active_params=round(a),
            native_format="bf16",
            estimate=True,
            kv_bytes_per_token=kv_bytes_per_token,
            notes=("estimate from the given totals: no per-tensor mix, no architecture",),
        )
    if model is None:
        raise FlopcastError(
            f"name a model, give a config.json, or give {opt('total')} (and {opt('active')})"
        )
    if isinstance(model, Model):
        return _spec_from_catalog(model.id, kv_bytes_per_token, text_only)
    if isinstance(model, Mapping):
        return _spec_from_config(
            model, str(model.get("model_type", "config")), "config dict", text_only, ()
        )
    if not isinstance(model, str | Path):
        raise FlopcastTypeError(
            f"a model is a name, a config path or dict, not {type(model).__name__}"
        )
    text = str(model)
    if isinstance(model, Path) or "/" in text or exists(Path(text).expanduser()):
        resolved = resolve_config(model)
        notes = (resolved.why,) if resolved.origin in ("twin", "derived") else ()
        return _spec_from_config(resolved.config, text, resolved.describe, text_only, notes)
    return _spec_from_catalog(text, kv_bytes_per_token, text_only)


def _label(model: str | Path | Mapping[str, Any] | Model) -> str:
    return model.id if isinstance(model, Model) else str(model)


def _spec_from_catalog(name: str, kv_bytes_per_token: int | None, text_only: bool) -> ModelSpec:
    m = model(name)
    resolved = config_for_model(m)
    if resolved is not None:
        notes = (resolved.why,) if resolved.origin in ("twin", "derived") else ()
        return _spec_from_config(resolved.config, m.name, resolved.describe, text_only, notes)
    total, active = m.value("total_params"), m.value("active_params")
    if total is None:
        raise FlopcastError(
            f"{m.name} has no parameter count in the catalog; pass {opt('total')} (and "
            f"{opt('active')})"
        )
    ctx = m.value("context_length")
    a = active.value if active is not None else total.value
    return ModelSpec(
        name=m.name,
        source=f"catalog: {m.name}",
        arch=None,
        config=None,
        total_params=round(total.value),
        active_params=round(a),
        native_format="bf16",
        estimate=True,
        max_context=None if ctx is None else round(ctx.value),
        kv_bytes_per_token=kv_bytes_per_token,
        notes=(
            "estimate from catalog figures (no config.json): total parameters x the format's "
            "nominal bits per weight",
        ),
    )
