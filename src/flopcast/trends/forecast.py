"""Reading a fitted trend: its value at a date, the date it reaches a compute level, and how far a
model sits from it. Intervals are 90% percentile intervals over the trend's bootstrap."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from flopcast.errors import FlopcastError
from flopcast.trends.data import Point, Selection, arg, selected, settings, snapshot_path
from flopcast.trends.dates import LAST_YEAR, decimal_year, month
from flopcast.trends.fit import Trend, fit_trend, interval


def _flop(log10: float) -> float:
    return float(10.0**log10)


@dataclass(frozen=True)
class AtDate:
    """The trend's training compute at a date, with its 90% interval."""

    at: date
    log10: float
    low: float
    high: float
    selection: str
    extrapolated: bool
    hinge: bool

    @property
    def flop(self) -> float:
        return _flop(self.log10)

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "decimal_year": decimal_year(self.at),
            "training_compute_flop": self.flop,
            "training_compute_flop_90": [_flop(self.low), _flop(self.high)],
            "selection": self.selection,
            "extrapolated": self.extrapolated,
            "line": "after the change of slope" if self.hinge else "single line",
        }


def at(trend: Trend, when: date) -> AtDate:
    """The trend's training compute at ``when`` (the hinge's, when one is warranted)."""
    line = trend.forecast_line
    t = decimal_year(when)
    lo, hi = interval(line.boot_log10_at(t))
    outside = not trend.first <= when <= trend.last
    return AtDate(
        when, line.log10_at(t), lo, hi, trend.selection.label(), outside, line.tau is not None
    )


@dataclass(frozen=True)
class Crossing:
    """When a compute level is reached: by a model in the data (a fact), or by the trend (a
    forecast with a 90% interval; None for "not before LAST_YEAR")."""

    level: float
    reached_by: Point | None
    t: float | None = None
    low: float | None = None
    high: float | None = None
    never: float = 0.0  # share of resamples whose trend never reaches it
    selection: str = ""

    @property
    def forecast(self) -> bool:
        return self.reached_by is None

    def to_dict(self) -> dict[str, Any]:
        def m(t: float | None) -> str | None:
            return month(t) if t is not None else None

        if self.reached_by is not None:
            return {
                "level_flop": self.level,
                "first_reached": self.reached_by.to_dict(),
                "date": self.reached_by.published.strftime("%Y-%m"),
                "forecast": False,
            }
        return {
            "level_flop": self.level,
            "date": m(self.t),
            "date_90": [m(self.low), m(self.high)],
            "decimal_year": self.t,
            "share_of_resamples_never": self.never,
            "selection": self.selection,
            "forecast": True,
        }


def _crossing_times(level: float, t0: float, tau: float | None, a: Any, b: Any, d: Any) -> Any:
    """Decimal years at which a + b(t − t0) + d·max(0, t − tau) reaches ``level`` (arrays);
    infinity where the trend never reaches it (a slope ≤ 0 where it would have to rise)."""
    import numpy as np

    with np.errstate(divide="ignore", invalid="ignore"):
        before = np.where(b > 0, t0 + (level - a) / b, np.inf)
        if tau is None:
            out = before
        else:
            at_tau = a + b * (tau - t0)
            after = np.where(b + d > 0, tau + (level - at_tau) / (b + d), np.inf)
            out = np.where(level <= at_tau, before, after)
    return np.where(np.isfinite(out) & (out < LAST_YEAR + 1), out, np.inf)


def when(trend: Trend, level: float) -> Crossing:
    """When ``level`` FLOP is first reached: the first model of the selection (up to the end of
    its window) at or above it, else the date the trend reaches it, with its interval."""
    import numpy as np

    if not math.isfinite(level) or level <= 0:
        raise FlopcastError(f"{arg('level')} {level!r}: give a compute level in FLOP, e.g. 1e27")
    sel = trend.selection
    history = [
        p
        for p in selected(sel, window=False)
        if (sel.end is None or p.published <= sel.end) and p.flop >= level
    ]
    if history:
        return Crossing(level, min(history, key=lambda p: (p.published, -p.flop)))
    line = trend.forecast_line
    lv = math.log10(level)
    central = float(_crossing_times(lv, line.t0, line.tau, line.a, line.b, line.d))
    boot = _crossing_times(
        lv, line.t0, line.tau, np.asarray(line.boot_a), np.asarray(line.boot_b),
        np.asarray(line.boot_d),
    )  # fmt: skip
    never = float(np.mean(~np.isfinite(boot)))
    capped = np.where(np.isfinite(boot), boot, LAST_YEAR + 1)
    lo, hi = interval(capped)

    def fin(t: float) -> float | None:
        return t if math.isfinite(t) and t < LAST_YEAR + 1 else None

    return Crossing(level, None, fin(central), fin(lo), fin(hi), never, sel.label())


# -- a model against the frontier trend ----------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """How far a model's training compute sits from a trend at its release date."""

    model: str
    released: date
    flop: float
    trend: AtDate
    residual_oom: float  # log10(model) − log10(trend)
    trend_label: str

    @property
    def ratio(self) -> float:
        return float(10.0**self.residual_oom)

    def sentence(self) -> str:
        """``Llama 4 Behemoth: 0.8 OOM below the frontier trend at 2025-04``."""
        return f"{self.model}: {self.distance()} the {self.trend_label} at {self.released:%Y-%m}"

    def distance(self) -> str:
        """``0.18 OOM below`` (two significant figures)."""
        r = self.residual_oom
        return f"{abs(r):.2g} OOM {'above' if r > 0 else 'below'}" if abs(r) >= 0.005 else "on"

    def ratio_words(self) -> str:
        r = self.ratio
        return f"{r:.2g}x the trend" if r >= 1 else f"{1 / r:.2g}x less than the trend"

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "released": self.released.isoformat(),
            "training_compute_flop": self.flop,
            "trend_at_release": self.trend.to_dict(),
            "residual_oom": self.residual_oom,
            "ratio_to_trend": self.ratio,
            "sentence": self.sentence(),
            "trend": self.trend_label,
        }


def placement_selection() -> Selection:
    cfg = settings()["placement"]
    return Selection(str(cfg["select"]), start=date.fromisoformat(str(cfg["from"])))


def placement_trend() -> Trend:
    """The trend models are placed against (frontier models since 2018, ``trends.toml``),
    fitted once and cached on disk by the content of the data and the code."""
    from flopcast import epoch
    from flopcast.datafiles import data_path, validated

    here = Path(__file__).parent
    inputs = [
        snapshot_path(), data_path("trends.toml"), data_path("epoch.toml"),
        *sorted(here.glob("*.py")), Path(epoch.__file__),
    ]  # fmt: skip
    return validated("trend-placement", inputs, lambda: fit_trend(placement_selection()))


def place(name: str, released: date, flop: float, trend: Trend | None = None) -> Placement:
    """``name`` (released on ``released``, trained with ``flop``) against the frontier trend."""
    if not math.isfinite(flop) or flop <= 0:
        raise FlopcastError(f"{name}: training compute must be a positive number of FLOP")
    tr = trend if trend is not None else placement_trend()
    point = at(tr, released)
    label = "frontier trend" if tr.selection.select == "frontier" else "trend"
    return Placement(name, released, flop, point, math.log10(flop) - point.log10, label)
