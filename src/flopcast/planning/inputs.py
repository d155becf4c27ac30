"""The inputs of a training plan: what was given, what was assumed (and why), parsed and checked.

Every value a plan uses is a :class:`Setting` with its origin: ``given``, ``default`` (from
``data/defaults.toml``, section ``[plan]``), ``derived`` or from the model's config or catalog
entry; the answer prints them all, so a reader sees which defaults it used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from flopcast.datafiles import NameIndex
from flopcast.defaults import section
from flopcast.errors import FlopcastError, opt
from flopcast.quantity import Kind, QuantityLike, parse, parse_context

RECOMPUTE_NAMES = ("none", "selective", "full")
#: Sequences per step above this are refused (a billion: far beyond any published batch).
MAX_SEQUENCES = 1 << 30


@dataclass(frozen=True)
class Setting:
    """One input of a plan as shown to a reader: its value in words and where it came from."""

    name: str
    value: str
    origin: str  # given | default | derived | config | catalog
    note: str = ""
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "origin": self.origin}
        if self.note:
            out["note"] = self.note
        if self.source:
            out["source"] = self.source
        return out


@dataclass(frozen=True)
class Published:
    """A figure of the model's own training run (its catalog entry), used where not given."""

    value: int
    origin: str  # "catalog: Meta"
    source: str = ""


@dataclass(frozen=True)
class Optimizer:
    """An optimizer's state in bytes per parameter (ZeRO's K), with its source."""

    id: str
    bytes_per_param: float
    source: str
    note: str


def plan_defaults() -> dict[str, Any]:
    """The ``[plan]`` section of ``data/defaults.toml``."""
    return section("plan")


@cache
def _optimizers() -> NameIndex[Optimizer]:
    rows = plan_defaults()["optimizers"]
    entries = []
    for ident, row in rows.items():
        o = Optimizer(ident, float(row["bytes_per_param"]), str(row["source"]), row["note"])
        entries.append((ident, [ident, *row["aliases"]], o))
    return NameIndex(
        "data/defaults.toml [plan.optimizers]",
        "optimizer",
        entries,
        hint=lambda: (
            f"flopcast knows {', '.join(rows)}; or give {opt('optimizer_bytes')} K "
            "(bytes of state per parameter)"
        ),
    )


def optimizer(name: str) -> Optimizer:
    """An optimizer by name (``adam``, ``adamw``, ``sgd``, ``adam-8bit``)."""
    return _optimizers().get(name)


def positive_int(value: Any, name: str, *, maximum: int = 1 << 40) -> int:
    """A whole number >= 1 (``"8"``, ``8``, ``"16K"``), or a one-line error naming ``name``."""
    if isinstance(value, bool):
        raise FlopcastError(f"{opt(name)} must be a whole number, got {value!r}")
    if isinstance(value, str):
        value = parse(value, Kind.COUNT, what=opt(name)).value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or not 1 <= value <= maximum:
        big = isinstance(value, int | float) and abs(value) > maximum
        shown = "a larger number" if big else repr(value)[:40]
        raise FlopcastError(
            f"{opt(name)} must be a whole number from 1 to {maximum:,}, got {shown}"
        )
    return value


def sequence_length(value: int | str | None, published: Published | None = None) -> Setting:
    """The training sequence length (``8192``, ``8k``, ``128k``; k = 1,024 as contexts go);
    without a value, the model's published one where known, else flopcast's default."""
    if value is None and published is not None:
        return Setting(
            "sequence length", str(published.value), published.origin, "", published.source
        )
    if value is None:
        d = plan_defaults()
        return Setting(
            "sequence length",
            str(d["sequence_length"]),
            "default",
            d["sequence_note"],
            d["sequence_source"],
        )
    try:
        seq = parse_context(value)
    except FlopcastError as exc:
        raise FlopcastError(f"{opt('seq')}: {exc}") from None
    return Setting("sequence length", str(seq), "given")


def global_batch_sequences(
    value: int | str | None,
    seq: int,
    replicas: int,
    micro_batch: int,
    published: Published | None = None,
) -> tuple[int, Setting]:
    """Sequences per step, rounded up to whole micro-batches on every data-parallel replica.

    A number below the sequence length counts sequences, one at or above it counts tokens
    (``4M``, ``16M tokens``, ``1024 sequences``, ``2048 seqs`` say so explicitly). Without a
    value, the model's published batch (tokens) where known, else flopcast's default.
    """
    d = plan_defaults()
    origin, note, source = "given", "", ""
    if value is None and published is not None:
        value, origin, source = f"{published.value} tokens", published.origin, published.source
    if value is None:
        text = str(d["global_batch_tokens"])
        origin, note, source = "default", d["global_batch_note"], d["global_batch_source"]
    else:
        text = str(value)
    words = text.strip().lower()
    unit = None
    for suffix, u in (
        ("sequences", "seq"),
        ("seqs", "seq"),
        ("seq", "seq"),
        ("tokens", "tok"),
        ("tok", "tok"),
    ):
        if words.endswith(suffix):
            unit, words = u, words[: -len(suffix)].strip()
            break
    n = parse(words, Kind.COUNT, what=opt("global_batch")).value
    if not math.isfinite(n) or n < 1:
        raise FlopcastError(f"{opt('global_batch')} must be at least 1, got {value!r}")
    if unit is None:
        unit = "tok" if n >= seq else "seq"
    sequences = math.ceil(n / seq) if unit == "tok" else math.ceil(n)
    if sequences > MAX_SEQUENCES:
        raise FlopcastError(
            f"{opt('global_batch')} {text.strip()!r} is {sequences:.3g} sequences per step; "
            f"flopcast takes at most {MAX_SEQUENCES:,}"
        )
    step = replicas * micro_batch
    rounded = -(-sequences // step) * step
    if rounded != sequences and origin != "default":
        note = (
            f"{sequences:,} sequences rounded up to {rounded:,}, a whole number of "
            f"micro-batches on each of {replicas:,} data-parallel replicas"
        )
    shown = f"{rounded * seq:,} tokens ({rounded:,} × {seq:,})"
    return rounded, Setting("global batch", shown, origin, note, source)


def recompute_mode(value: str | None) -> tuple[str, Setting]:
    if value is None:
        mode = str(plan_defaults()["recompute"])
        return mode, Setting("recomputation", mode, "default")
    mode = value.strip().lower() if isinstance(value, str) else ""
    if mode not in RECOMPUTE_NAMES:
        raise FlopcastError(
            f"{opt('recompute')} {value!r}: use one of {', '.join(RECOMPUTE_NAMES)}"
        )
    return mode, Setting("recomputation", mode, "given")


def zero_stage(zero: int | None, fsdp: bool) -> tuple[int, Setting]:
    if not isinstance(fsdp, bool):
        raise FlopcastError(f"{opt('fsdp')} is True or False, not {fsdp!r}")
    if fsdp:
        if zero is not None and zero != 3:
            raise FlopcastError(
                f"{opt('fsdp')} is ZeRO-3 (full sharding); it contradicts {opt('zero')} {zero}"
            )
        return 3, Setting("ZeRO stage", "3 (FSDP full sharding)", "given")
    if zero is None:
        z = int(plan_defaults()["zero"])
        return z, Setting("ZeRO stage", str(z), "default")
    if isinstance(zero, bool) or not isinstance(zero, int) or not 0 <= zero <= 3:
        raise FlopcastError(f"{opt('zero')} must be 0, 1, 2 or 3, got {zero!r}")
    return zero, Setting("ZeRO stage", str(zero), "given")


def flag(value: bool | None, key: str, label: str) -> tuple[bool, Setting]:
    if value is None:
        v = bool(plan_defaults()[key])
        return v, Setting(label, "yes" if v else "no", "default")
    if not isinstance(value, bool):
        raise FlopcastError(f"{opt(key)} is True or False, not {value!r}")
    return value, Setting(label, "yes" if value else "no", "given")


def optimizer_state(name: str | None, bytes_per_param: float | None) -> tuple[float, Setting]:
    if bytes_per_param is not None:
        k = float(bytes_per_param)
        if not math.isfinite(k) or not 0 <= k <= 64:
            raise FlopcastError(f"{opt('optimizer_bytes')} must be 0 to 64 bytes per parameter")
        label = f"{name}, " if name else ""
        return k, Setting("optimizer", f"{label}{k:g} bytes per parameter", "given")
    o = optimizer(name or str(plan_defaults()["optimizer"]))
    origin = "given" if name else "default"
    shown = f"{o.id}, {o.bytes_per_param:g} bytes per parameter (K)"
    return o.bytes_per_param, Setting("optimizer", shown, origin, o.note, o.source)


def utilization_input(value: QuantityLike | None) -> Any:
    """The utilization, given or the one flopcast assumes (``training.default_utilization``)."""
    from flopcast.training import Input, default_utilization

    if value is None:
        return default_utilization()
    q = parse(value, Kind.FRACTION, what=opt("utilization"))
    return Input("utilization", q, Kind.FRACTION, "given")


def utilization_setting(u: Any, of: str) -> Setting:
    """The utilization as a setting: given, or assumed (a default, with its source)."""
    from flopcast.quantity import fmt

    what = "of the step" if of == "step" else "while computing"
    shown = f"{fmt(u.quantity, Kind.FRACTION)} {what}"
    if u.origin == "given":
        return Setting("utilization", shown, "given")
    return Setting("utilization", shown, "default", u.note, u.source)


def overhead_bytes(value: float | None) -> tuple[float, Setting]:
    d = plan_defaults()
    if value is None:
        gb = float(d["overhead_gb"])
        return gb * 1e9, Setting(
            "framework overhead",
            f"{gb:g} GB per GPU",
            "default",
            d["overhead_note"],
            d["overhead_source"],
        )
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1e4:
        raise FlopcastError(f"{opt('overhead_gb')} must be 0 to 10,000 GB, got {value!r}")
    return float(value) * 1e9, Setting("framework overhead", f"{value:g} GB per GPU", "given")
