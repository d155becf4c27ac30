"""Regulatory training-compute thresholds, and where a training compute stands against them.

The thresholds are ``data/thresholds.toml`` (each with its rule, source and status). A verdict
takes the figure's uncertainty into account, from its central value and 90% interval:

* **above**: the whole 90% interval is above the threshold (an exact figure above it);
* **likely above**: the central value is above, the interval's low end is not;
* **possibly above**: the central value is not above, the interval's high end is;
* **below**: the whole interval is at or below the threshold.

The rules say "more than 10^N operations", so a figure equal to a threshold is not above it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from flopcast.datafiles import NameIndex, load_validated
from flopcast.errors import FlopcastError
from flopcast.quantity import Quantity, QuantityLike

Verdict = Literal["above", "likely above", "possibly above", "below"]
VERDICTS: tuple[Verdict, ...] = ("above", "likely above", "possibly above", "below")


@dataclass(frozen=True)
class Threshold:
    """A regulatory compute threshold: the FLOP above which a rule applies, and its source."""

    id: str
    flop: float
    label: str
    rule: str
    source: str
    status: str
    notes: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _schema() -> Any:
    from pydantic import BaseModel, ConfigDict, Field, HttpUrl

    class Row(BaseModel):
        model_config = ConfigDict(extra="forbid")
        id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
        flop: float = Field(gt=0, allow_inf_nan=False)
        label: str = Field(min_length=1)
        rule: str = Field(min_length=1)
        source: HttpUrl
        status: str
        notes: str = ""

    class Table(BaseModel):
        model_config = ConfigDict(extra="forbid")
        threshold: list[Row]

    return Table


@cache
def thresholds() -> tuple[Threshold, ...]:
    """The regulatory compute thresholds flopcast tracks, lowest first.

    >>> [t.id for t in thresholds()][:1]
    ['eu-ai-act']
    """
    rows = load_validated("thresholds.toml", _schema, Path(__file__))["threshold"]
    out = tuple(sorted((Threshold(**row) for row in rows), key=lambda t: t.flop))
    _index(out)  # ids are unique
    return out


def _index(table: tuple[Threshold, ...]) -> NameIndex[Threshold]:
    return NameIndex("data/thresholds.toml", "threshold", ((t.id, (), t) for t in table))


def threshold(name: str) -> Threshold:
    """A threshold by id (``eu-ai-act``)."""
    return _index(thresholds()).get(name)


@dataclass(frozen=True)
class ThresholdVerdict:
    """Where a training compute stands against one threshold."""

    threshold: Threshold
    verdict: Verdict
    ratio: float  # central compute / threshold

    @property
    def crossed(self) -> bool:
        """Above or likely above: the central value is over the threshold."""
        return self.verdict in ("above", "likely above")

    def to_dict(self) -> dict[str, Any]:
        t = self.threshold
        return {
            "threshold": t.id,
            "flop": t.flop,
            "label": t.label,
            "verdict": self.verdict,
            "ratio": self.ratio,
            "source": t.source,
            "status": t.status,
        }


def verdict(compute: Quantity, flop: float) -> Verdict:
    """The verdict of a training compute (central value and 90% interval) against ``flop``.

    >>> verdict(Quantity(2.1e25, 2.1e24, 2.1e26), 1e25)  # GPT-4, Epoch AI's "Likely" band
    'likely above'
    >>> verdict(Quantity(5e24, 1.6e24, 1.5e25), 1e25)
    'possibly above'
    """
    low = compute.value if compute.low is None else compute.low
    high = compute.value if compute.high is None else compute.high
    if low > flop:
        return "above"
    if compute.value > flop:
        return "likely above"
    if high > flop:
        return "possibly above"
    return "below"


def threshold_verdicts(compute: QuantityLike) -> tuple[ThresholdVerdict, ...]:
    """The verdict of a training compute against every threshold, lowest threshold first.

    >>> [v.verdict for v in threshold_verdicts("5.18e25")][:2]
    ['above', 'below']
    """
    from flopcast.quantity import Kind, parse

    q = parse(compute, Kind.FLOP, what="training compute", unit="FLOP")
    if q.value <= 0:
        raise FlopcastError("a training compute is positive")
    return tuple(ThresholdVerdict(t, verdict(q, t.flop), q.value / t.flop) for t in thresholds())


def crossed(compute: QuantityLike) -> tuple[Threshold, ...]:
    """The thresholds a training compute's central value is above."""
    return tuple(v.threshold for v in threshold_verdicts(compute) if v.crossed)
