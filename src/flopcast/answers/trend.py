"""``flopcast trend``: how fast training compute grows, the trend at a date, when it reaches a
level, and how many models will be above a threshold; with ``systems``, how fast the largest AI
supercomputers grow."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flopcast.errors import FlopcastError, opt

if TYPE_CHECKING:
    from flopcast.trends import Selection, Trend
    from flopcast.trends.count import CountForecast
    from flopcast.trends.forecast import AtDate, Crossing
    from flopcast.trends.systems import SystemsTrends

#: The bootstrap's seed unless one is given (the same every run).
TREND_SEED = 20250405


@dataclass(frozen=True)
class TrendAnswer:
    """The fitted trend, and the forecasts asked of it."""

    trend: Trend
    at: tuple[AtDate, ...] = ()
    when: tuple[Crossing, ...] = ()
    count_above: tuple[CountForecast, ...] = ()

    @property
    def selection(self) -> Selection:
        return self.trend.selection

    def to_dict(self) -> dict[str, Any]:
        return {
            "trend": self.trend.to_dict(),
            "at": [a.to_dict() for a in self.at],
            "when": [w.to_dict() for w in self.when],
            "count_above": [c.to_dict() for c in self.count_above],
        }


def selection(
    select: str = "notable",
    start: str | None = None,
    end: str | None = None,
    speculative: str = "include",
    top: int | None = None,
    data: str | None = None,
) -> Selection:
    """A :class:`~flopcast.trends.Selection` from the command line's words (``--select``,
    ``--from``, ``--to``, ``--speculative``, ``--top``, ``--data``)."""
    from flopcast.answers._common import text
    from flopcast.trends import Selection, parse_period

    for name, value in (("start", start), ("end", end), ("data", data)):
        text(value, name)
    for name, value in (("select", select), ("speculative", speculative)):
        text(value, name, required=True)
    return Selection(
        select,
        parse_period(start, opt("start", "--from"))[0] if start else None,
        parse_period(end, opt("end", "--to"))[1] if end else None,
        speculative.strip().lower(),
        top,
        data,
    )


def _flop(text: str, what: str) -> float:
    from flopcast.quantity import Kind, parse

    return parse(text, Kind.FLOP, what=what).value


def trend_answer(
    *,
    select: str | None = None,
    start: str | None = None,
    end: str | None = None,
    speculative: str | None = None,
    top: int | None = None,
    breakpoint: bool = False,
    break_at: str | None = None,
    at: Sequence[str] | None = None,
    when: Sequence[str] | None = None,
    count_above: Sequence[str] | None = None,
    until: int = 2028,
    simulations: int | None = None,
    resamples: int = 1000,
    seed: int = TREND_SEED,
    data: str | None = None,
    systems: bool = False,
    metric: Sequence[str] | None = None,
) -> TrendAnswer | SystemsTrends:
    """``flopcast trend [--select S] [--from D] [--to D] ... [--at D]... [--when FLOP]...
    [--count-above FLOP]...`` (``start``/``end`` are ``--from``/``--to``); with ``systems``
    the growth of the largest AI supercomputers (``metric``: performance, h100e, chips, power,
    cost; default all)."""
    from flopcast.answers._common import several, text
    from flopcast.trends import fit_trend, midpoint, parse_period
    from flopcast.trends.count import count_above as count
    from flopcast.trends.forecast import at as at_date
    from flopcast.trends.forecast import when as when_level

    metrics = several(metric, "metric")
    if systems:
        others = {
            "speculative": speculative is not None,
            "breakpoint": breakpoint,
            "break_at": break_at is not None,
            "at": bool(several(at, "at")),
            "when": bool(several(when, "when")),
            "count_above": bool(several(count_above, "count_above")),
            "simulations": simulations is not None,
        }
        given = [k for k, v in others.items() if v]
        if given:
            flag = opt("at", "--at") if given[0] == "at" else opt(given[0])
            usable = ", ".join(
                opt(k, f) for k, f in (("select", None), ("start", "--from"), ("end", "--to"),
                                       ("top", None), ("metric", None), ("data", None))
            )  # fmt: skip
            raise FlopcastError(
                f"{flag} is for trends of training compute, not with {opt('systems')}: use {usable}"
            )
        return _systems(select, start, end, top, data, metrics, resamples, seed)
    if metrics:
        raise FlopcastError(
            f"{opt('metric')} is for {opt('systems')}: add {opt('systems')}, or leave "
            f"{opt('metric')} out"
        )
    sel = selection(select or "notable", start, end, speculative or "include", top, data)
    text(break_at, "break_at")
    fixed = parse_period(break_at, opt("break_at"))[0] if break_at else None
    ats = [midpoint(d, opt("at", "--at")) for d in several(at, "at")]
    whens = [_flop(v, opt("when")) for v in several(when, "when")]
    counts = [_flop(v, opt("count_above")) for v in several(count_above, "count_above")]
    trend = fit_trend(sel, breakpoint=breakpoint, break_at=fixed, resamples=resamples, seed=seed)
    sims = {} if simulations is None else {"simulations": simulations}
    return TrendAnswer(
        trend,
        tuple(at_date(trend, d) for d in ats),
        tuple(when_level(trend, v) for v in whens),
        tuple(count(v, until, sel, seed=seed, **sims) for v in counts),
    )


def _systems(
    select: str | None, start: str | None, end: str | None, top: int | None, data: str | None,
    metrics: list[str], resamples: int, seed: int,
) -> SystemsTrends:  # fmt: skip
    from flopcast.answers._common import text
    from flopcast.trends import parse_period
    from flopcast.trends.systems import SystemsSelection, systems_trends

    for name, value in (("select", select), ("start", start), ("end", end), ("data", data)):
        text(value, name)

    sel = SystemsSelection(
        (select or "leading").strip().lower(),
        parse_period(start, opt("start", "--from"))[0] if start else None,
        parse_period(end, opt("end", "--to"))[1] if end else None,
        top,
        data,
    )
    keys = [str(text(m, "metric", required=True)).strip().lower() for m in metrics] or None
    return systems_trends(keys, sel, resamples=resamples, seed=seed)
