"""Trends in the largest AI supercomputers: how fast their performance, chips, power and
hardware cost grow, after Pilz, Sanders, Rahman & Heim 2025, "Trends in AI Supercomputers"
(arXiv:2504.16026), on Epoch AI's GPU Clusters data (the shipped snapshot, an import, or a CSV).

A trend is a least-squares line of log10(metric) against the date a system was first
operational (decimal years), with a seeded bootstrap over systems for its 90% interval; the
same machinery as the trends of training compute (:func:`flopcast.trends.fit.fit_line`).

Selections, both within a date window (from 2019-01-01 by default, as Pilz et al.):

* ``leading`` (the default, Pilz et al.'s): systems that were in the top 10 by 16-bit FLOP/s
  when they first became operational, among the systems of Epoch AI's standard analysis with a
  16-bit figure (every earlier system of that set counts, whatever the window);
* ``all``: every system of Epoch AI's standard analysis with the metric.

A dataset without Epoch AI's "Include in Standard Analysis" column (an older download) uses
the existing systems instead, less those rated Unlikely or marked as possible duplicates, and
says so.

Credit: Epoch AI, "GPU Clusters" dataset, https://epoch.ai/data/gpu-clusters (CC BY 4.0).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flopcast.errors import FlopcastError
from flopcast.trends.data import arg
from flopcast.trends.dates import decimal_year
from flopcast.trends.fit import (
    MIN_POINTS,
    RESAMPLES,
    SEED,
    Growth,
    Line,
    finite,
    fit_line,
    growth_summary,
)

if TYPE_CHECKING:
    from flopcast.systems import System

SYSTEM_SELECTIONS = ("leading", "all")


def _chips(s: System) -> float | None:
    return s.total_chips or ((s.chips or 0) + (s.chips2 or 0)) or None


@dataclass(frozen=True)
class Metric:
    """A quantity of a system whose growth is fitted."""

    key: str
    label: str
    unit: str
    value: Callable[[System], float | None]


#: The metrics, in the order they are shown. Power is Epoch AI's (reported, else estimated as
#: chips × TDP × server overhead × PUE); cost is their hardware acquisition cost.
METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric("performance", "16-bit performance", "FLOP/s", lambda s: s.flops16),
        Metric("h100e", "H100-equivalents", "H100e", lambda s: s.h100e),
        Metric("chips", "AI chips", "chips", _chips),
        Metric("power", "power", "MW", lambda s: s.power_mw),
        Metric("cost", "hardware cost", "USD", lambda s: s.cost_usd),
    )
}


def _schema() -> Any:
    from pydantic import BaseModel, ConfigDict, Field, HttpUrl

    class Strict(BaseModel):
        model_config = ConfigDict(extra="forbid")

    class Published(Strict):
        growth: float = Field(gt=1, lt=100)
        doubling_months: float | None = Field(default=None, gt=0, lt=120)
        quote: str
        source: HttpUrl

    class Systems(Strict):
        paper: str
        source: HttpUrl
        top: int = Field(ge=1, le=1000)
        from_: str = Field(alias="from", pattern=r"^\d{4}-\d{2}-\d{2}$")
        leading_systems: int = Field(gt=0)
        selection_source: HttpUrl
        published: dict[str, Published]

    class File(BaseModel):  # the other sections of trends.toml are read by trends.data
        model_config = ConfigDict(extra="ignore")
        systems: Systems

    return File


@cache
def settings() -> dict[str, Any]:
    """The ``[systems]`` section of ``data/trends.toml``, validated (cached on disk)."""
    from flopcast.datafiles import load_validated

    out = dict(load_validated("trends.toml", _schema, Path(__file__))["systems"])
    unknown = set(out["published"]) - set(METRICS)
    if unknown:
        raise FlopcastError(f"data/trends.toml: systems.published has unknown metrics {unknown}")
    return out


def _start_default() -> date:
    return date.fromisoformat(str(settings()["from_"]))


@dataclass(frozen=True)
class SystemPoint:
    """One system with a first-operational date and a value of the metric."""

    name: str
    owner: str
    first_operational: date
    value: float
    rank: int | None  # by 16-bit FLOP/s among the systems operational by its date (1 = top)

    @property
    def t(self) -> float:
        return decimal_year(self.first_operational)

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.name,
            "owner": self.owner,
            "first_operational": self.first_operational.isoformat(),
            "value": self.value,
            "rank_when_first_operational": self.rank,
        }


@dataclass(frozen=True)
class SystemsSelection:
    """Which systems a trend is fitted to. ``start`` None is Pilz et al.'s 2019-01-01; ``top``
    None is their 10; ``data`` a GPU Clusters CSV instead of the active dataset."""

    select: str = "leading"
    start: date | None = None
    end: date | None = None
    top: int | None = None
    data: str | None = None

    @property
    def first(self) -> date:
        return self.start if self.start is not None else _start_default()

    @property
    def n_top(self) -> int:
        return self.top if self.top is not None else int(settings()["top"])

    def label(self) -> str:
        if self.select == "leading":
            return f"leading AI supercomputers (top {self.n_top} when first operational)"
        return "AI supercomputers"

    def window(self) -> str:
        to = f" to {self.end.isoformat()}" if self.end else ""
        return f"from {self.first.isoformat()}{to}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "select": self.select,
            "from": self.first.isoformat(),
            "to": self.end.isoformat() if self.end else None,
            "top": self.n_top if self.select == "leading" else None,
            "data": self.data,
            "label": self.label(),
        }


@dataclass(frozen=True)
class Published:
    """A growth figure Pilz et al. (or Epoch AI's data insights on their data) published."""

    paper: str
    growth: float
    doubling_months: float | None
    quote: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "by": self.paper,
            "growth_per_year": self.growth,
            "doubling_months": self.doubling_months,
            "quote": self.quote,
            "source": self.source,
        }


@dataclass(frozen=True)
class SystemsTrend(Growth):
    """The fitted growth of one metric over a selection of systems, with its bootstrap."""

    metric: str
    selection: SystemsSelection
    points: tuple[SystemPoint, ...]
    line: Line
    r2: float
    resid_sd: float
    resamples: int
    seed: int
    pool: str  # which systems are ranked and selected from
    published: Published | None
    credit: str

    @property
    def ratio(self) -> float | None:
        """This growth ÷ the published growth (None without a published figure)."""
        return None if self.published is None else self.growth / self.published.growth

    @property
    def published_inside(self) -> bool | None:
        """Whether the published growth lies inside this fit's 90% interval."""
        if self.published is None:
            return None
        lo, hi = self.growth_interval()
        return lo <= self.published.growth <= hi

    @property
    def first(self) -> date:
        return self.points[0].first_operational

    @property
    def last(self) -> date:
        return self.points[-1].first_operational

    def describe(self) -> str:
        m = METRICS[self.metric]
        return (
            f"{self.selection.label()} first operational {self.first.isoformat()} to "
            f"{self.last.isoformat()} with a {m.label} figure, of {self.pool}: {self.n} systems"
        )

    def to_dict(self) -> dict[str, Any]:
        m = METRICS[self.metric]
        return {
            "metric": self.metric,
            "label": m.label,
            "unit": m.unit,
            "selection": {**self.selection.to_dict(), "description": self.describe()},
            "systems": self.n,
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "method": f"least squares of log10({m.unit}) on the first-operational date",
            **growth_summary(self.line),
            "t0": self.line.t0,
            "intercept_log10": self.line.a,
            "r2": finite(self.r2),
            "residual_sd_oom": finite(self.resid_sd),
            "bootstrap": {"resamples": self.resamples, "seed": self.seed, "interval": "90%"},
            "published": None if self.published is None else self.published.to_dict(),
            "ratio_to_published": self.ratio,
            "published_inside_90": self.published_inside,
            "points": [p.to_dict() for p in self.points],
            "credit": self.credit,
        }


@dataclass(frozen=True)
class SystemsTrends:
    """The growth of several metrics over one selection of systems."""

    selection: SystemsSelection
    trends: tuple[SystemsTrend, ...]
    paper: str
    paper_source: str
    paper_selection: str
    paper_top: int
    paper_count: int
    credit: str

    def __iter__(self) -> Iterator[SystemsTrend]:
        return iter(self.trends)

    def __getitem__(self, metric: str) -> SystemsTrend:
        for t in self.trends:
            if t.metric == metric:
                return t
        raise KeyError(metric)

    def to_dict(self) -> dict[str, Any]:
        return {
            "selection": self.selection.to_dict(),
            "trends": [t.to_dict() for t in self.trends],
            "compared_with": {
                "paper": self.paper,
                "source": self.paper_source,
                "selection": self.paper_selection,
                "leading_systems": self.paper_count,
            },
            "credit": self.credit,
        }


# -- the systems --------------------------------------------------------------------------


def _systems(data: str | None) -> tuple[tuple[System, ...], str]:
    """The systems (active dataset, or a CSV at ``data``) and their credit line."""
    from flopcast.systems import all_systems, credit, read_systems_csv

    if data:
        return read_systems_csv(data).systems, (
            f"Epoch AI's GPU Clusters data, read from {Path(data).name}, CC BY 4.0"
        )
    return all_systems(), credit()


def _pool(systems: Iterable[System]) -> tuple[list[System], str]:
    """The systems ranked and selected from: Epoch AI's standard analysis, else (a dataset
    without that column) existing ones not rated Unlikely nor marked as possible duplicates."""
    dated = [s for s in systems if s.first_operational is not None]
    standard = [s for s in dated if s.standard]
    if standard:
        return standard, "Epoch AI's standard analysis"
    return [
        s
        for s in dated
        if s.status != "Planned" and s.certainty.lower() != "unlikely" and not s.possible_duplicate
    ], "existing systems (the data has no standard-analysis column)"


def ranks(systems: Iterable[System]) -> dict[str, int]:
    """Each system's rank by 16-bit FLOP/s among the systems first operational on or before its
    date, itself included (1 = the most powerful); systems without a 16-bit figure or a date
    are not ranked."""
    import numpy as np

    ranked = [s for s in systems if s.flops16 and s.first_operational is not None]
    day = np.array([s.first_operational.toordinal() for s in ranked if s.first_operational])
    perf = np.array([s.flops16 or 0.0 for s in ranked])
    # above[i] = systems operational by system i's date with more 16-bit FLOP/s than it
    above = ((day[None, :] <= day[:, None]) & (perf[None, :] > perf[:, None])).sum(axis=1)
    return {s.name: int(k) + 1 for s, k in zip(ranked, above, strict=True)}


def _published(metric: str) -> Published | None:
    s = settings()
    p = s["published"].get(metric)
    if p is None:
        return None
    return Published(
        str(s["paper"]), float(p["growth"]), p.get("doubling_months"), p["quote"], p["source"]
    )


def _check(sel: SystemsSelection, metric: str) -> None:
    if metric not in METRICS:
        raise FlopcastError(f"unknown {arg('metric')} {metric!r}: use {', '.join(METRICS)}")
    if sel.select not in SYSTEM_SELECTIONS:
        raise FlopcastError(
            f"{arg('select')} {sel.select!r} for systems: use {' or '.join(SYSTEM_SELECTIONS)}"
        )
    if sel.top is not None and not 1 <= sel.top <= 1000:
        raise FlopcastError(f"{arg('top')} {sel.top}: use 1 to 1000")
    if sel.end is not None and sel.first > sel.end:
        raise FlopcastError(
            f"{arg('start')} {sel.first} is after {arg('end')} {sel.end}: "
            "give the earlier date first"
        )


def selected_systems(
    metric: str = "performance", selection: SystemsSelection | None = None
) -> tuple[tuple[SystemPoint, ...], str, str]:
    """The systems of a selection with a value of ``metric``, oldest first, within the window:
    (points, the pool they come from, the data's credit)."""
    sel = selection or SystemsSelection()
    _check(sel, metric)
    systems, credit = _systems(sel.data)
    pool, pool_note = _pool(systems)
    rank = ranks(pool)
    value = METRICS[metric].value
    chosen = [
        s
        for s in pool
        if (sel.select == "all" or rank.get(s.name, sel.n_top + 1) <= sel.n_top)
        and s.first_operational is not None
        and sel.first <= s.first_operational
        and (sel.end is None or s.first_operational <= sel.end)
    ]
    pts = []
    for s in chosen:
        v = value(s)
        if v is not None and math.isfinite(v) and v > 0 and s.first_operational is not None:
            pts.append(SystemPoint(s.name, s.owner, s.first_operational, v, rank.get(s.name)))
    pts.sort(key=lambda p: (p.first_operational, p.name))
    return tuple(pts), pool_note, credit


def fit_systems_trend(
    metric: str = "performance",
    selection: SystemsSelection | None = None,
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> SystemsTrend:
    """Fit log10(``metric``) against the first-operational date over a selection of systems
    (Pilz et al.'s leading systems from 2019 by default), with a seeded bootstrap."""
    import numpy as np

    sel = selection or SystemsSelection()
    pts, pool, credit = selected_systems(metric, sel)
    if len(pts) < MIN_POINTS or len({p.first_operational for p in pts}) < 3:
        raise FlopcastError(
            f"{metric} of {sel.label()} {sel.window()}: {len(pts)} "
            f"system{'' if len(pts) == 1 else 's'} with a "
            f"{METRICS[metric].label} figure, a trend needs at least {MIN_POINTS} (on 3 dates "
            f"or more); widen {arg('start')}/{arg('end')}"
        )
    t = np.array([p.t for p in pts])
    y = np.log10([p.value for p in pts])
    line, r2, resid_sd = fit_line(t, y, resamples=resamples, seed=seed)
    return SystemsTrend(
        metric, sel, pts, line, r2, resid_sd, resamples, seed, pool, _published(metric), credit
    )


def systems_trends(
    metrics: Iterable[str] | None = None,
    selection: SystemsSelection | None = None,
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> SystemsTrends:
    """The growth of each metric (default: every one) over one selection of systems, each
    beside Pilz et al.'s published figure where they give one."""
    sel = selection or SystemsSelection()
    keys = list(dict.fromkeys(metrics)) if metrics is not None else list(METRICS)
    if not keys:
        raise FlopcastError(f"no {arg('metric')} given: use {', '.join(METRICS)}")
    fits = tuple(fit_systems_trend(k, sel, resamples=resamples, seed=seed) for k in keys)
    s = settings()
    paper_selection = (
        f"systems of Epoch AI's standard analysis in the top {s['top']} by 16-bit FLOP/s when "
        f"first operational, from {s['from_']} ({s['leading_systems']} systems in their data)"
    )
    return SystemsTrends(
        sel, fits, str(s["paper"]), str(s["source"]), paper_selection, int(s["top"]),
        int(s["leading_systems"]), fits[0].credit,
    )  # fmt: skip
