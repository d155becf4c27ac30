"""The frontier: the largest known training runs up to a date, and regulatory thresholds.

Candidates are the curated catalog (its headline compute, see :mod:`flopcast.accounting`)
and Epoch AI's language models that the catalog lacks (their compute estimates, with
Epoch's confidence labels as ranges). Curated entries win on a clash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from flopcast.accounting import model_compute
from flopcast.catalog import Model, catalog
from flopcast.datafiles import load_toml
from flopcast.errors import FlopcastError
from flopcast.quantity import Quantity
from flopcast.uncertainty import Sampling

#: Frontier listings show many models at once: fewer Monte Carlo samples per model suffice.
LISTING_SAMPLING = Sampling(samples=4_000)


@dataclass(frozen=True)
class Threshold:
    id: str
    flop: float
    label: str
    rule: str
    source: str
    status: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@cache
def thresholds() -> tuple[Threshold, ...]:
    """The regulatory compute thresholds of ``data/thresholds.toml``."""
    return tuple(Threshold(**row) for row in load_toml("thresholds.toml")["threshold"])


def thresholds_crossed(flop: float) -> list[Threshold]:
    """The thresholds a training compute is above."""
    return [t for t in thresholds() if flop > t.flop]


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
    from flopcast.epoch import epoch_index

    out = []
    for m in catalog():
        try:
            res = model_compute(m, sampling=LISTING_SAMPLING)
        except FlopcastError:
            continue
        out.append(Entry(m, res.headline, res.basis, "catalog"))
    for models in epoch_index().values():
        for m in models:
            c = m.value("training_compute")
            fig = m.figure("training_compute")
            if c is None or fig is None:
                continue
            basis = f"estimated by Epoch AI ({fig.confidence or 'no confidence label'})"
            out.append(Entry(m, c, basis, "Epoch AI"))
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
    if isinstance(at, str):
        try:
            at = date.fromisoformat(at)
        except ValueError:
            raise FlopcastError(f"--date {at!r}: write a date as YYYY-MM-DD") from None
    at = at or date.today()
    if top < 1:
        raise FlopcastError("--top must be at least 1")
    entries = tuple(e for e in candidates() if e.model.released <= at)[:top]
    return Frontier(at, entries)
