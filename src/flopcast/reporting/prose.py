"""Formatting helpers for the report's prose (FLOP, SI counts, footnote marks, lists) and the
report settings (``data/defaults.toml``, the sampling of per-law intervals)."""

from __future__ import annotations

from typing import Any

from flopcast.datafiles import load_toml
from flopcast.figures import Figure
from flopcast.quantity import Quantity, fmt_sci
from flopcast.reporting.document import Sources
from flopcast.training import Input
from flopcast.uncertainty import Sampling

#: Monte Carlo samples for a report's over-training and predecessor intervals (printed to two
#: significant figures, which 500 Latin hypercube samples settle; fewer draws, a faster report).
REPORT_SAMPLING = Sampling(samples=500)

#: Significant figures in prose ("5.2e25 FLOP", as analysts write it); tables use more.
PROSE_SIG = 2


def settings() -> dict[str, Any]:
    return dict(load_toml("defaults.toml")["report"])


def flop(x: float) -> str:
    return f"{fmt_sci(x, PROSE_SIG)} FLOP"


def flop_q(q: Quantity) -> str:
    """``5.2e25 FLOP`` or ``5.2e25 FLOP (90%: 5.2e25–6.9e25)``."""
    if q.uncertain and q.low is not None and q.high is not None:
        return f"{flop(q.value)} (90%: {fmt_sci(q.low, PROSE_SIG)}–{fmt_sci(q.high, PROSE_SIG)})"
    return flop(q.value)


def si(x: float) -> str:
    from flopcast.quantity import fmt_si

    return fmt_si(x, 3)


def cite(sources: Sources, item: Input | Figure | None) -> str:
    """`` [n]`` for an input with a source, else an empty string."""
    if item is None:
        return ""
    if isinstance(item, Figure):
        if not item.source:
            return ""
        return f" [{sources.cite(item.provenance, item.source)}]"
    if not item.source:
        return ""
    return f" [{sources.cite(item.origin, item.source)}]"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
