"""The memory a model needs: weights + KV cache + runtime overhead, each its own line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flopcast.errors import FlopcastError
from flopcast.inference.defaults import DEFAULT_CONTEXT, DEFAULT_KV_DTYPE, DEFAULT_OVERHEAD_GB, GB
from flopcast.inference.kv import KVCache, kv_cache
from flopcast.inference.quantization import WeightFormat
from flopcast.inference.spec import ModelSpec, model_spec
from flopcast.inference.weight_bytes import Weights, weights
from flopcast.quantity import parse_context


@dataclass(frozen=True)
class MemoryEstimate:
    """Weights + KV cache + overhead of one model at one format and context."""

    model: ModelSpec
    weights: Weights
    kv: KVCache
    overhead_per_device: int
    context: int
    sequences: int

    def need(self, devices: int = 1) -> int:
        """Bytes needed on a machine with ``devices`` GPUs (the overhead is per device)."""
        return self.weights.bytes + self.kv.bytes + devices * self.overhead_per_device

    @property
    def total(self) -> int:
        return self.need(1)

    @property
    def decode_bytes_per_token(self) -> int:
        """Bytes one decoded token reads: active weights + the KV cache at this context."""
        return self.weights.read_bytes_per_token + self.kv.read_bytes_per_token

    @property
    def estimate(self) -> bool:
        return self.model.estimate

    @property
    def warnings(self) -> tuple[str, ...]:
        """What a reader of the figures must know: an estimate without a config.json, a
        context beyond the model's maximum."""
        out = []
        if self.model.estimate:
            out.append(
                "estimate: no config.json, so no per-tensor mix"
                + ("" if self.kv.known else " and no KV cache")
            )
        mx = self.model.max_context
        if mx is not None and self.context > mx:
            out.append(f"context {self.context:,} is above the model's maximum of {mx:,} tokens")
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model.to_dict(),
            "context": self.context,
            "sequences": self.sequences,
            "weights": self.weights.to_dict(),
            "kv_cache": self.kv.to_dict(),
            "overhead_per_device_bytes": self.overhead_per_device,
            "overhead_note": f"runtime context + compute buffers, {DEFAULT_OVERHEAD_GB:g} GB per "
            "device by default (--overhead)",
            "total_bytes_one_device": self.total,
            "total_gb_one_device": self.total / GB,
            "decode_bytes_per_token": self.decode_bytes_per_token,
            "estimate": self.estimate,
            "warnings": list(self.warnings),
        }


def memory(
    model: ModelSpec | str | Path | Mapping[str, Any],
    quant: str | WeightFormat | None = None,
    context: int | str = DEFAULT_CONTEXT,
    kv_dtype: str = DEFAULT_KV_DTYPE,
    sequences: int = 1,
    overhead_gb: float = DEFAULT_OVERHEAD_GB,
) -> MemoryEstimate:
    """The memory a model needs: weights at ``quant`` + KV cache + overhead.

    ``model`` is a catalog name, a config.json (path, repo id or dict) or a
    :class:`ModelSpec`; ``context`` a number of tokens or ``"32k"`` (k = 1,024).

    >>> est = memory("llama-3.1-8b", "q4_k_m", "8k")
    >>> round(est.total / 1e9, 1), est.context
    (7.0, 8192)
    """
    spec = model if isinstance(model, ModelSpec) else model_spec(model)
    context = parse_context(context)
    if not 0 <= overhead_gb <= 1000:
        raise FlopcastError(f"overhead must be between 0 and 1000 GB, got {overhead_gb:g}")
    w = weights(spec, quant)
    kv = kv_cache(spec, context, kv_dtype, sequences)
    return MemoryEstimate(spec, w, kv, round(overhead_gb * GB), context, sequences)
