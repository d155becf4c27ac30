"""Jinja2 filters: the API's numbers written as the command line writes them.

A quantity in the JSON is ``{"value", "low_90", "high_90", "unit"}``; these filters turn it
back into a :class:`flopcast.quantity.Quantity` and format it with :func:`flopcast.quantity.fmt`,
so a page shows ``5.18e25 FLOP (90%: 5.18e25–6.91e25)`` exactly as ``flopcast compute`` does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

_KINDS = {
    "flop": "flop", "count": "count", "rate": "rate", "fraction": "fraction",
    "number": "number", "duration": "duration",
}  # fmt: skip

#: The kind of each input of an estimate, by its key in ``inputs``.
INPUT_KINDS = {
    "active_params": "count", "tokens": "count", "accelerators": "count",
    "accelerator_hours": "count", "duration": "duration", "utilization": "fraction",
    "peak": "rate", "achieved": "rate", "total_params": "count", "compute": "flop",
}  # fmt: skip


def _quantity(d: Any) -> Any:
    from flopcast.quantity import Quantity

    if isinstance(d, int | float):
        return Quantity(float(d))
    if not isinstance(d, Mapping) or "value" not in d:
        return None
    return Quantity(
        float(d["value"]),
        None if d.get("low_90") is None else float(d["low_90"]),
        None if d.get("high_90") is None else float(d["high_90"]),
        str(d.get("unit", "")),
    )


def q(d: Any, kind: str = "number", sig: int = 3) -> str:
    """A quantity dict (or a number) as text with its 90% interval: ``q('flop')``."""
    from flopcast.quantity import Kind, fmt

    quantity = _quantity(d)
    if quantity is None:
        return "–"
    if kind == "days":  # the JSON gives some durations in days; fmt reads seconds
        from flopcast.quantity import Quantity

        scale = 86400.0
        quantity = Quantity(
            quantity.value * scale,
            None if quantity.low is None else quantity.low * scale,
            None if quantity.high is None else quantity.high * scale,
        )
        kind = "duration"
    if kind == "flop":
        quantity = quantity.with_unit("FLOP")
    return fmt(quantity, Kind(_KINDS.get(kind, "number")), sig)


def input_q(d: Any, key: str) -> str:
    """An estimate's input, by its key (``tokens``), formatted for its kind."""
    return q(d, INPUT_KINDS.get(key, "number"))


def sci(x: Any, sig: int = 3) -> str:
    from flopcast.quantity import fmt_sci

    return "–" if x is None else fmt_sci(float(x), sig)


def si(x: Any, sig: int = 3) -> str:
    from flopcast.quantity import fmt_si

    return "–" if x is None else fmt_si(float(x), sig)


def plain(x: Any, sig: int = 3) -> str:
    from flopcast.quantity import fmt_plain

    return "–" if x is None else fmt_plain(float(x), sig)


def gb(n: Any) -> str:
    """Bytes as GB (decimal), the unit machines are sold in."""
    if n is None:
        return "–"
    value = float(n) / 1e9
    return f"{value:,.1f} GB" if value >= 0.1 or value == 0 else f"{float(n) / 1e6:,.1f} MB"


def pct(x: Any) -> str:
    return "–" if x is None else f"{float(x):.0%}" if float(x) >= 0.1 else f"{float(x):.1%}"


def watts(x: Any) -> str:
    if x is None:
        return "–"
    from flopcast.power import fmt_watts

    return str(fmt_watts(float(x), 3))


def usd(x: Any) -> str:
    if x is None:
        return "–"
    value = float(x)
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= scale:
            return f"${plain(value / scale)}{suffix}"
    return f"${value:,.2f}"


def range90(pair: Any, fn: Callable[[Any], str]) -> str:
    """``(90%: a–b)`` from a ``[low, high]`` list (nothing when there is none)."""
    if not isinstance(pair, list | tuple) or len(pair) != 2:
        return ""
    return f"(90%: {fn(pair[0])}–{fn(pair[1])})"


def mwh(x: Any) -> str:
    if x is None:
        return "–"
    value = float(x)
    return f"{plain(value / 1000)} GWh" if value >= 1000 else f"{plain(value)} MWh"


FILTERS: dict[str, Callable[..., str]] = {
    "q": q, "input_q": input_q, "sci": sci, "si": si, "plain": plain, "gb": gb, "pct": pct,
    "watts": watts, "usd": usd, "mwh": mwh,
    "range_usd": lambda pair: range90(pair, usd), "range_watts": lambda pair: range90(pair, watts),
    "range_mwh": lambda pair: range90(pair, mwh),
}  # fmt: skip
