"""The frontier: the largest known training runs up to a date.

Candidates are the curated catalog (each model's headline compute, see
:func:`flopcast.accounting.headline`) and Epoch AI's language models that the catalog lacks
(their compute estimates, with Epoch's confidence labels as ranges). Curated entries win on a
clash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from flopcast.accounting import headline
from flopcast.catalog import catalog, epoch_extras
from flopcast.errors import FlopcastError, FlopcastTypeError, opt
from flopcast.figures import Model
from flopcast.quantity import Quantity


@dataclass(frozen=True)
class Entry:
    """One model on the frontier list."""

    model: Model
    compute: Quantity
    basis: str
    origin: str  # "catalog" or "Epoch AI"

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model.id,
            "name": self.model.name,
            "developer": self.model.developer,
            "released": self.model.released.isoformat(),
            "training_compute_flop": self.compute.to_dict(),
            "basis": self.basis,
            "origin": self.origin,
        }


@cache
def candidates() -> tuple[Entry, ...]:
    """Every model with a training compute figure, curated first, largest first."""

    out = []
    for origin, models in (("catalog", catalog()), ("Epoch AI", epoch_extras())):
        for m in models:
            h = headline(m)
            if h.compute is not None:
                out.append(Entry(m, h.compute, h.label, origin))
    return tuple(sorted(out, key=lambda e: -e.compute.value))


@dataclass(frozen=True)
class Frontier:
    """The largest known training runs released up to a date."""

    at: date
    entries: tuple[Entry, ...]

    @property
    def top(self) -> Entry:
        if not self.entries:
            raise FlopcastError(f"no model with a known training compute before {self.at}")
        return self.entries[0]

    def to_dict(self) -> dict[str, Any]:
        from flopcast.epoch import credit

        return {
            "at": self.at.isoformat(),
            "entries": [e.to_dict() for e in self.entries],
            "credit": credit(),
        }


def frontier(at: date | str | None = None, top: int = 10) -> Frontier:
    """The ``top`` largest known training runs released on or before ``at`` (default: today)."""
    if isinstance(at, str):  # 2025-04-05, 2024-10 or 2024, as every other command reads dates
        from flopcast.dates import parse_date

        at = parse_date(at, opt("at"))
    if at is not None and not isinstance(at, date):
        raise FlopcastTypeError(f"{opt('at')} must be a date or YYYY-MM-DD, not {at!r}"[:120])
    at = at or date.today()
    if isinstance(top, bool) or not isinstance(top, int):
        raise FlopcastTypeError(f"{opt('top')} must be a whole number, not {top!r}"[:120])
    if top < 1:
        raise FlopcastError(f"{opt('top')} must be at least 1")
    entries = tuple(e for e in candidates() if e.model.released <= at)[:top]
    return Frontier(at, entries)
