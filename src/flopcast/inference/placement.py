"""A memory estimate on a machine: the verdict, headroom, speed bounds and remedies; the table
over machines, the longest context that fits and the best format that fits."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flopcast.errors import FlopcastError
from flopcast.inference.defaults import (
    DEFAULT_CONTEXT,
    DEFAULT_KV_DTYPE,
    DEFAULT_OVERHEAD_GB,
    GB,
    VERDICT_LABELS,
    Verdict,
    offload_format,
)
from flopcast.inference.devices import Machine, machine, machines
from flopcast.inference.estimate import MemoryEstimate, memory
from flopcast.inference.kv import kv_cache
from flopcast.inference.quantization import WeightFormat, ladder
from flopcast.inference.spec import ModelSpec
from flopcast.quantity import MAX_CONTEXT


@dataclass(frozen=True)
class Fit:
    """A model at a format on a machine: the verdict, the margin and the speed bounds."""

    machine: Machine
    estimate: MemoryEstimate
    verdict: Verdict
    need_bytes: int
    limit_bytes: int  # usable without changing settings
    max_bytes: int  # usable once a unified-memory GPU limit is raised (or with offload)
    headroom_bytes: int  # against the capacity of the verdict (negative: short by)
    offloaded_bytes: int
    decode_tokens_per_s: float | None  # upper bound
    prefill_tokens_per_s: float | None  # upper bound
    os_reserve_gb: float
    remedies: tuple[str, ...] = ()
    smaller_format: str | None = None
    required_limit_bytes: int | None = None
    longest_context: int | None = None

    @property
    def fits(self) -> bool:
        return self.verdict != "does_not_fit"

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    def to_dict(self) -> dict[str, Any]:
        return {
            "machine": self.machine.id,
            "machine_name": self.machine.name,
            "category": self.machine.category,
            "format": self.estimate.weights.format.id,
            "verdict": self.verdict,
            "need_bytes": self.need_bytes,
            "need_gb": self.need_bytes / GB,
            "gpu_limit_gb": self.limit_bytes / GB,
            "max_gb": self.max_bytes / GB,
            "headroom_gb": self.headroom_bytes / GB,
            "offloaded_gb": self.offloaded_bytes / GB,
            "decode_tokens_per_s_upper_bound": self.decode_tokens_per_s,
            "prefill_tokens_per_s_upper_bound": self.prefill_tokens_per_s,
            "os_reserve_gb": self.os_reserve_gb,
            "remedies": list(self.remedies),
            "smaller_format": self.smaller_format,
            "required_gpu_limit_gb": None
            if self.required_limit_bytes is None
            else self.required_limit_bytes / GB,
            "longest_context": self.longest_context,
        }


def _verdict(
    est: MemoryEstimate, m: Machine, os_reserve_gb: float | None, host_ram_gb: float | None
) -> tuple[Verdict, int, int, int, int, int]:
    """(verdict, need, limit, max, headroom, offloaded bytes)."""
    os_reserve_gb = m.reserve(os_reserve_gb)
    need = est.need(m.devices)
    limit = m.gpu_limit_bytes(os_reserve_gb)
    top = m.gpu_max_bytes(os_reserve_gb)
    if need <= limit:
        return "fits", need, limit, top, limit - need, 0
    if m.kind == "unified":
        if need <= top:
            return "fits_if_limit_raised", need, limit, top, top - need, 0
        return "does_not_fit", need, limit, top, top - need, 0
    host = host_ram_gb if host_ram_gb is not None else m.host_ram_gb
    if m.kind == "gpu" and host:
        spare = int(max(0.0, (host - os_reserve_gb) * GB))
        if need <= limit + spare:
            return (
                "fits_with_offload",
                need,
                limit,
                limit + spare,
                limit + spare - need,
                need - limit,
            )
        return "does_not_fit", need, limit, limit + spare, limit + spare - need, 0
    return "does_not_fit", need, limit, top, limit - need, 0


def _speeds(
    est: MemoryEstimate, m: Machine, verdict: Verdict, offloaded: int, host_bw: float | None
) -> tuple[float | None, float | None]:
    if verdict == "does_not_fit":
        return None, None
    w_read, kv_read = est.weights.read_bytes_per_token, est.kv.read_bytes_per_token
    bw = m.aggregate_bandwidth_gbs * GB
    if verdict == "fits_with_offload":
        if not host_bw:
            return None, None
        # the offloaded share of the weights is read from host RAM at host bandwidth
        share = min(1.0, offloaded / est.weights.bytes) if est.weights.bytes else 0.0
        seconds = (w_read * (1 - share) + kv_read) / bw + w_read * share / (host_bw * GB)
        return 1 / seconds, None
    # decode: tokens/s <= bandwidth / bytes read per token (active weights + KV at context)
    decode = bw / (w_read + kv_read) if w_read + kv_read else None
    prefill = None
    if m.peak_flops:
        # prefill: tokens/s <= peak FLOP/s / forward FLOP per token (causal average at context)
        arch = est.model.arch
        per_token = (
            arch.flops_per_token(est.context).forward
            if arch is not None
            else 2.0 * est.model.active_params
        )
        prefill = m.devices * m.peak_flops / per_token
    return decode, prefill


def fit(
    est: MemoryEstimate,
    m: Machine | str,
    *,
    os_reserve_gb: float | None = None,
    host_ram_gb: float | None = None,
    remedies: bool = True,
) -> Fit:
    """Whether ``est`` fits ``m``, with its headroom, speed bounds and (when it does not fit
    as is) what would make it fit: a smaller format, a raised GPU limit, a shorter context."""
    mach = machine(m) if isinstance(m, str) else m
    if os_reserve_gb is not None and not 0 <= os_reserve_gb <= 1e4:
        raise FlopcastError(f"OS reserve must be between 0 and 10,000 GB, got {os_reserve_gb:g}")
    os_reserve_gb = mach.reserve(os_reserve_gb)
    verdict, need, limit, top, headroom, off = _verdict(est, mach, os_reserve_gb, host_ram_gb)
    decode, prefill = _speeds(est, mach, verdict, off, mach.host_bandwidth_gbs)
    result = Fit(
        mach, est, verdict, need, limit, top, headroom, off, decode, prefill, os_reserve_gb
    )
    if not remedies or verdict == "fits":
        return result
    return _with_remedies(result, os_reserve_gb, host_ram_gb)


def _with_remedies(r: Fit, os_reserve_gb: float, host_ram_gb: float | None) -> Fit:
    import dataclasses

    est, m = r.estimate, r.machine
    notes: list[str] = []
    smaller = None
    current = est.weights.bytes
    for fid in ladder():
        try:
            alt = memory(
                est.model,
                fid,
                est.context,
                est.kv.dtype,
                est.sequences,
                est.overhead_per_device / GB,
            )
        except FlopcastError:
            continue
        if alt.weights.bytes >= current:
            continue
        if _verdict(alt, m, os_reserve_gb, host_ram_gb)[0] == "fits":
            smaller = fid
            limit_word = "the default GPU limit" if m.kind == "unified" else "GPU memory"
            notes.append(
                f"a smaller format fits within {limit_word}: {fid} "
                f"({alt.weights.bytes / GB:.1f} GB of weights, {alt.need(m.devices) / GB:.1f} GB "
                "in all)"
            )
            offload = _offload_option(est, m, os_reserve_gb, host_ram_gb, alt.weights.bytes)
            if offload is not None:
                notes.append(f"or {offload_words(offload)}")
            break
    required = None
    if m.kind == "unified":
        required = r.need_bytes
        mb = math.ceil(required / 2**20)
        hint = m.limit_hint.format(mb=mb) if m.limit_hint else "raise the GPU memory limit"
        left = m.memory_gb - required / GB
        if r.verdict == "fits_if_limit_raised":
            notes.append(
                f"or raise the GPU memory limit to {required / GB:.1f} GB ({hint}), leaving "
                f"{left:.1f} GB for the OS"
            )
        elif left > 0:
            notes.append(
                f"raising the GPU memory limit to {required / GB:.1f} GB ({hint}) would leave "
                f"the OS only {left:.1f} GB, under the {os_reserve_gb:g} GB flopcast keeps "
                "(--os-reserve to change)"
            )
        else:
            notes.append(
                f"no GPU limit helps: it needs {required / GB:.1f} GB, more than the "
                f"{m.memory_gb:g} GB of memory"
            )
    if r.verdict == "fits_with_offload":
        notes.append(
            f"{r.offloaded_bytes / GB:.1f} GB of weights in host RAM: the decode bound includes "
            "reading them at host bandwidth"
        )
    longest = None
    if est.kv.known and est.model.arch is not None:
        longest = longest_context(
            est.model,
            est.weights.format,
            m,
            kv_dtype=est.kv.dtype,
            sequences=est.sequences,
            overhead_gb=est.overhead_per_device / GB,
            os_reserve_gb=os_reserve_gb,
        )
        if longest is not None and longest < est.context:
            notes.append(f"or keep this format with a context of at most {longest:,} tokens")
    return dataclasses.replace(
        r,
        remedies=tuple(notes),
        smaller_format=smaller,
        required_limit_bytes=required,
        longest_context=longest,
    )


def _offload_option(
    est: MemoryEstimate,
    m: Machine,
    os_reserve_gb: float | None,
    host_ram_gb: float | None,
    smaller_bytes: int,
) -> Fit | None:
    """The offload format (``offload_format()``, Q4_K_M) on ``m`` with CPU offload or a
    raised GPU limit, when it is bigger (better) than the smaller format that fits and
    smaller than the format asked for; else None."""
    fid = offload_format()
    try:
        alt = memory(
            est.model, fid, est.context, est.kv.dtype, est.sequences, est.overhead_per_device / GB
        )
    except FlopcastError:
        return None
    if not smaller_bytes < alt.weights.bytes < est.weights.bytes:
        return None
    f = fit(alt, m, os_reserve_gb=os_reserve_gb, host_ram_gb=host_ram_gb, remedies=False)
    return f if f.verdict in ("fits_with_offload", "fits_if_limit_raised") else None


def offload_words(f: Fit) -> str:
    """``q4_k_m with CPU offload (42.5 GB, 18.5 GB of it in host RAM): decode ≤ 3.8
    tokens/s``: an offload option in words."""
    fid = f.estimate.weights.format.id
    speed = f.decode_tokens_per_s
    bound = "decode speed unknown" if speed is None else f"decode <= {_rate(speed)} tokens/s"
    if f.verdict == "fits_if_limit_raised":
        return f"{fid} with the GPU limit raised ({f.need_bytes / GB:.1f} GB): {bound}"
    return (
        f"{fid} with CPU offload ({f.need_bytes / GB:.1f} GB, {f.offloaded_bytes / GB:.1f} GB "
        f"of it in host RAM): {bound}"
    )


def _rate(x: float) -> str:
    return f"{x:,.0f}" if x >= 10 else f"{x:.1f}"


def default_machines() -> tuple[Machine, ...]:
    """The machines of the ``flopcast local`` table."""
    return machines()


def fit_table(
    est: MemoryEstimate,
    machine_list: Iterable[Machine] | None = None,
    *,
    os_reserve_gb: float | None = None,
    host_ram_gb: float | None = None,
) -> tuple[Fit, ...]:
    """``est`` on every machine (default: the machines table)."""
    rows = default_machines() if machine_list is None else tuple(machine_list)
    return tuple(fit(est, m, os_reserve_gb=os_reserve_gb, host_ram_gb=host_ram_gb) for m in rows)


def longest_context(
    spec: ModelSpec,
    fmt: str | WeightFormat | None,
    m: Machine | str,
    *,
    kv_dtype: str = DEFAULT_KV_DTYPE,
    sequences: int = 1,
    overhead_gb: float = DEFAULT_OVERHEAD_GB,
    os_reserve_gb: float | None = None,
) -> int | None:
    """The longest context that fits within the default GPU limit (no offload, no raised
    limit), up to the model's maximum; None if not even one token fits or the KV cache is
    unknown (no config)."""
    mach = machine(m) if isinstance(m, str) else m
    est = memory(spec, fmt, 1, kv_dtype, sequences, overhead_gb)
    if not est.kv.known:
        return None
    limit = mach.gpu_limit_bytes(os_reserve_gb)
    fixed = est.weights.bytes + mach.devices * est.overhead_per_device

    def fits(ctx: int) -> bool:
        return fixed + kv_cache(spec, ctx, kv_dtype, sequences).bytes <= limit

    if not fits(1):
        return None
    top = min(spec.max_context or MAX_CONTEXT, MAX_CONTEXT)
    if fits(top):
        return top
    lo, hi = 1, top  # fits(lo), not fits(hi): the KV cache grows with the context
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if fits(mid) else (lo, mid)
    return lo


@dataclass(frozen=True)
class Choice:
    """The best format that fits a machine, and the longest context at it."""

    machine: Machine
    fit: Fit | None  # at the best format that fits within the default limit
    longest_context: int | None
    tried: tuple[Fit, ...]
    relaxed: Fit | None = None  # the best that fits with a raised limit or CPU offload
    offload: Fit | None = None  # offload_format() with offload, beside a smaller fit

    def to_dict(self) -> dict[str, Any]:
        return {
            "machine": self.machine.to_dict(),
            "best": None if self.fit is None else self.fit.to_dict(),
            "best_format": None if self.fit is None else self.fit.estimate.weights.format.id,
            "longest_context_at_best": self.longest_context,
            "best_with_raised_limit_or_offload": None
            if self.relaxed is None
            else self.relaxed.to_dict(),
            "offload_option": None if self.offload is None else self.offload.to_dict(),
            "tried": [
                {
                    "format": t.estimate.weights.format.id,
                    "verdict": t.verdict,
                    "need_gb": t.need_bytes / GB,
                }
                for t in self.tried
            ],
        }


def best_format(
    spec: ModelSpec,
    m: Machine | str,
    context: int = DEFAULT_CONTEXT,
    *,
    kv_dtype: str = DEFAULT_KV_DTYPE,
    sequences: int = 1,
    overhead_gb: float = DEFAULT_OVERHEAD_GB,
    os_reserve_gb: float | None = None,
    host_ram_gb: float | None = None,
    candidates: Iterable[str] | None = None,
) -> Choice:
    """The highest-quality format (the checkpoint's own first, then ``ladder()``) that fits
    ``m`` within its default GPU limit at ``context``; when none does, ``relaxed`` is the best
    that fits once the GPU limit is raised or with CPU offload."""
    mach = machine(m) if isinstance(m, str) else m
    order = list(candidates) if candidates is not None else [spec.native_format, *ladder()]
    tried: list[Fit] = []
    relaxed: Fit | None = None
    seen: set[str] = set()
    for fid in order:
        if fid in seen:
            continue
        seen.add(fid)
        try:
            est = memory(spec, fid, context, kv_dtype, sequences, overhead_gb)
        except FlopcastError:
            continue
        f = fit(est, mach, os_reserve_gb=os_reserve_gb, host_ram_gb=host_ram_gb, remedies=False)
        tried.append(f)
        if f.verdict == "fits":
            longest = longest_context(
                spec,
                fid,
                mach,
                kv_dtype=kv_dtype,
                sequences=sequences,
                overhead_gb=overhead_gb,
                os_reserve_gb=os_reserve_gb,
            )
            return Choice(mach, f, longest, tuple(tried), None, _tried_offload(tried, f))
        if relaxed is None and f.fits:
            relaxed = f
    offload = _tried_offload(tried, relaxed) if relaxed is not None else None
    return Choice(mach, None, None, tuple(tried), relaxed, offload)


def _tried_offload(tried: list[Fit], chosen: Fit) -> Fit | None:
    """The offload format among the formats tried before ``chosen``, if it fits with CPU
    offload or a raised limit and is not ``chosen`` itself."""
    fid = offload_format()
    for t in tried:
        if (
            t is not chosen
            and t.estimate.weights.format.id == fid
            and t.fits
            and t.verdict != "fits"
        ):
            return t
    return None


def local(
    model: ModelSpec | str | Path | Mapping[str, Any],
    on: str | Machine | Iterable[str | Machine] | None = None,
    *,
    quant: str | None = None,
    context: int | str = DEFAULT_CONTEXT,
    kv_dtype: str = DEFAULT_KV_DTYPE,
    overhead_gb: float = DEFAULT_OVERHEAD_GB,
    os_reserve_gb: float | None = None,
) -> tuple[Fit, ...]:
    """Can I run it? A model at a format (default: the checkpoint's own) against machines
    (names such as ``"rtx 4090"``, ``"8x h100"``; default: a spread of common ones).

    >>> [f.verdict for f in local("llama-3.1-8b", "rtx 4090", quant="q4_k_m")]
    ['fits']
    """
    est = memory(model, quant, context, kv_dtype, overhead_gb=overhead_gb)
    if on is None:
        rows: Iterable[Machine | str] | None = None
    elif isinstance(on, str | Machine):
        rows = (on,)
    else:
        rows = tuple(on)
    resolved = None if rows is None else [machine(r) if isinstance(r, str) else r for r in rows]
    return fit_table(est, resolved, os_reserve_gb=os_reserve_gb)
