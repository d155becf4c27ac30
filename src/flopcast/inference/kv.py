"""The KV cache at a context: bytes stored for every sequence and bytes read per decoded token."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

from flopcast.errors import FlopcastError
from flopcast.inference.defaults import DEFAULT_KV_DTYPE, GIB
from flopcast.inference.spec import ModelSpec
from flopcast.inference.weight_bytes import _round
from flopcast.kvdtypes import kv_dtype
from flopcast.quantity import check_context


@dataclass(frozen=True)
class KVCache:
    """KV cache at a context: bytes stored (all sequences) and read per decoded token."""

    dtype: str
    bits_per_element: float
    context: int
    sequences: int
    bytes_per_token: int | None  # every layer holding the token (no window caps)
    bytes: int
    read_bytes_per_token: int  # one sequence, one new token at this context
    known: bool
    note: str = ""
    # recurrent (linear-attention / SSM) layers: their fixed state, all sequences; in ``bytes``
    fixed_bytes: int = 0
    fixed_state_dtype: str = ""

    @property
    def growing_bytes(self) -> int:
        """The attention KV cache alone, the part that grows with the context."""
        return self.bytes - self.fixed_bytes

    def to_dict(self) -> dict[str, Any]:
        return {
            "dtype": self.dtype,
            "bits_per_element": self.bits_per_element,
            "context": self.context,
            "sequences": self.sequences,
            "bytes_per_token": self.bytes_per_token,
            "bytes": self.bytes,
            "gib": self.bytes / GIB,
            "read_bytes_per_token": self.read_bytes_per_token,
            "known": self.known,
            "note": self.note,
            "growing_bytes": self.growing_bytes,
            "fixed_state_bytes": self.fixed_bytes,
            "fixed_state_dtype": self.fixed_state_dtype or None,
        }


def kv_cache(
    spec: ModelSpec, context: int, dtype: str = DEFAULT_KV_DTYPE, sequences: int = 1
) -> KVCache:
    """KV bytes for ``sequences`` sequences of ``context`` tokens: sliding/chunked layers hold at
    most their window, MLA its latent (flopcast.arch); elements x bits / 8."""
    check_context(context)
    if isinstance(sequences, bool) or not isinstance(sequences, int) or sequences < 1:
        raise FlopcastError(f"sequences must be a positive integer, got {sequences!r}")
    return _kv_cache(spec, int(context), kv_dtype(dtype).id, sequences)


@lru_cache(maxsize=1024)  # the fits and remedies of a report ask for the same few again
def _kv_cache(spec: ModelSpec, context: int, dtype: str, sequences: int) -> KVCache:
    dt = kv_dtype(dtype)
    if spec.arch is None:
        if spec.kv_bytes_per_token is None:
            return KVCache(
                dt.id,
                float(dt.bits),
                context,
                sequences,
                None,
                0,
                0,
                False,
                "KV cache not included: no config.json (give --kv-per-token)",
            )
        per = Fraction(spec.kv_bytes_per_token) * dt.bits / 16
        return KVCache(
            dt.id,
            float(dt.bits),
            context,
            sequences,
            _round(per),
            _round(per * context * sequences),
            _round(per * context),
            True,
            "estimate: given bytes per token x context, no window caps",
        )
    layers = spec.arch.layers
    # bytes = sum over layers of cached K/V elements (windows capped) x bits / 8 (arch.types)
    stored = sum(la.attention.kv_elements * la.attention.cached_tokens(context) for la in layers)
    read = sum(la.attention.kv_elements * la.attention.decode_keys(context) for la in layers)
    per_token = spec.arch.kv_elements_per_token * dt.bits / 8
    capped = any(la.attention.window for la in layers)
    fixed, state_dtype = _fixed_state(spec, dt.bits, dt.id)
    return KVCache(
        dt.id,
        float(dt.bits),
        context,
        sequences,
        _round(per_token),
        _round(stored * dt.bits / 8 * sequences + fixed * sequences),
        # decoding a token reads (and rewrites) the whole recurrent state of its sequence
        _round(read * dt.bits / 8 + fixed),
        True,
        "sliding/chunked layers capped at their window" if capped else "",
        _round(fixed * sequences),
        state_dtype,
    )


def _fixed_state(spec: ModelSpec, bits: Fraction, dtype: str) -> tuple[Fraction, str]:
    """Bytes of one sequence's recurrent state (flopcast.arch.types: conv windows of K - 1
    inputs at the cache dtype, recurrent/SSM states at the config's pinned dtype, else the
    cache dtype), and the dtype the states are held at; (0, "") for a model without them."""
    from flopcast.arch.types import kv_dtype_bits

    assert spec.arch is not None
    recurrent = [la.recurrent for la in spec.arch.layers if la.recurrent is not None]
    if not recurrent:
        return Fraction(0), ""
    conv = sum(r.conv_elements for r in recurrent)
    state = sum(r.state_elements for r in recurrent)
    pinned = spec.arch.state_dtype
    state_bits = kv_dtype_bits(pinned) if pinned else bits
    return (conv * bits + state * state_bits) / 8, pinned or dtype
