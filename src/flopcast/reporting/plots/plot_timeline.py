"""Plot 1: training compute over time, with Epoch AI's models, the frontier and thresholds."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from flopcast.errors import FlopcastError, FlopcastTypeError, opt
from flopcast.reporting.given import given_label, is_given
from flopcast.reporting.names import _explicit, highlighted_models
from flopcast.reporting.plots.figure import (
    GREY,
    HIGHLIGHT,
    OKABE_ITO,
    _caption,
    _legend_above,
    _log_axis,
    _new_figure,
    _style,
    pow10,
)
from flopcast.reporting.plots.labels import _Label, _place_labels, _point_boxes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from flopcast.figures import Model


def _flop_label(flop: float) -> str:
    e = math.log10(flop)
    if abs(e - round(e)) < 1e-9:
        return f"{pow10(round(e))} FLOP"
    return f"{flop:.2g} FLOP"


#: The years a timeline can span (AI training runs; and margins that stay within Python's dates).
YEARS = (1950, 2100)


def _as_date(value: date | str | None, what: str) -> date | None:
    if value is None:
        return value
    if isinstance(value, date):
        day = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            day = (
                date(int(text), 1, 1)
                if len(text) == 4 and text.isdigit()
                else (date.fromisoformat(text))
            )
        except ValueError:
            raise FlopcastError(
                f"{what} {value[:40]!r}: write a date as YYYY-MM-DD or a year"
            ) from None
    else:
        raise FlopcastTypeError(f"{what} must be a date or YYYY-MM-DD, not {type(value).__name__}")
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise FlopcastError(f"{what} {day}: give a date from {YEARS[0]} to {YEARS[1]}")
    return day


def timeline(
    highlight: Sequence[str | Model] = (),
    *,
    start: date | str | None = None,
    end: date | str | None = None,
) -> Figure:
    """Training compute over time (log scale): the curated catalog, Epoch AI's language models
    (lighter), the highlighted models (emphasized and labelled), the regulatory thresholds, and
    90% intervals as whiskers. Highlights may be model or family names, or models given by
    numbers (:func:`flopcast.reporting.given.custom_model`)."""
    from flopcast.accounting import headline
    from flopcast.epoch import credit
    from flopcast.frontiers import Entry, candidates
    from flopcast.regulation import thresholds

    chosen = highlighted_models(highlight)
    entries = candidates()
    by_id = {e.model.id: e for e in entries}
    explicit = _explicit(highlight)
    hl_entries: list[Entry] = []
    for m in chosen:
        if m.id in by_id:
            hl_entries.append(by_id[m.id])
        elif is_given(m):  # a model given by numbers: its compute from them
            c = headline(m).compute
            if c is not None:
                hl_entries.append(Entry(m, c, "given", "given"))
        elif m.id in explicit:
            raise FlopcastError(
                f"{m.name}: no training compute is known, so it cannot be placed on the timeline"
            )
    hl_ids = {e.model.id for e in hl_entries}

    lo = _as_date(start, opt("start"))
    hi = _as_date(end, opt("end"))
    if lo is None:
        first = min(e.model.released for e in entries if e.origin == "catalog")
        first = min([first, *(e.model.released for e in hl_entries)])
        lo = date(first.year, 1, 1)
    if hi is None:
        hi = max(e.model.released for e in entries)
        hi = max([hi, *(e.model.released for e in hl_entries)])
    if hi <= lo:
        raise FlopcastError(f"{opt('end')} {hi} is not after {opt('start')} {lo}")
    span = (hi - lo).days
    x_lo, x_hi = lo - timedelta(days=span * 0.01), hi + timedelta(days=span * 0.03)
    shown = [e for e in entries if lo <= e.model.released <= hi]
    curated = [e for e in shown if e.origin == "catalog" and e.model.id not in hl_ids]
    epoch = [e for e in shown if e.origin != "catalog" and e.model.id not in hl_ids]
    hls = [e for e in hl_entries if lo <= e.model.released <= hi]
    if not curated and not hls:
        raise FlopcastError(f"no catalog model with a known training compute in {lo}–{hi}")

    focus = [e.compute.value for e in (*curated, *hls)]
    y_lo = 10.0 ** math.floor(math.log10(min(focus) / 1.5))
    top = max([*focus, *(e.compute.value for e in epoch), *(t.flop for t in thresholds())])
    y_hi = 10.0 ** math.ceil(math.log10(top * 4))

    n_hl = len(hls)
    title = "Training compute of AI language models over time"
    names = ", ".join(given_label(e.model) for e in hls)
    description = (
        f"Log-scale training compute in FLOP against release date, {lo.year}–{hi.year}: "
        f"{len(curated) + n_hl} curated catalog models and {len(epoch)} Epoch AI estimates"
        + (f"; highlighted: {names}" if names else "")
        + "; horizontal lines mark the regulatory thresholds."
    )
    with _style():
        fig = _new_figure(title, description, credit())
        ax = fig.add_axes((0.085, 0.2, 0.895, 0.665))
        fig.text(0.085, 0.965, title, fontsize=10.5, fontweight="bold", va="top", ha="left")
        ax.set_yscale("log")
        _log_axis(ax.yaxis)
        ax.set_xlim(_day(x_lo), _day(x_hi))
        ax.set_ylim(y_lo, y_hi)
        ax.set_xlabel("Release date")
        ax.set_ylabel("Training compute (FLOP, log scale)")
        _date_axis(ax, x_lo, x_hi)

        # thresholds, merged when several rules share a value
        rules: dict[float, list[str]] = {}
        for t in thresholds():
            rules.setdefault(t.flop, []).append(t.label)
        threshold_boxes = []
        for flop, rule_labels in sorted(rules.items()):
            if not y_lo < flop < y_hi:
                continue
            ax.axhline(flop, color=OKABE_ITO["reddish_purple"], lw=1.1, ls=(0, (5, 3)), zorder=1.5)
            note = ax.annotate(
                f"{_flop_label(flop)}: " + "; ".join(rule_labels),
                (0.006, flop),
                xycoords=("axes fraction", "data"),
                xytext=(0, 2),
                textcoords="offset points",
                fontsize=6.8,
                color="#7A3B63",
                va="bottom",
                ha="left",
                zorder=5,
                bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.75},
            )
            threshold_boxes.append(note)

        # Epoch AI's models: lighter, thin whiskers
        if epoch:
            _whiskers(ax, epoch, GREY, 0.7, 0.35, 1.0)
            ax.scatter(
                [_day(e.model.released) for e in epoch],
                [e.compute.value for e in epoch],
                s=9,
                color=GREY,
                alpha=0.6,
                lw=0,
                zorder=2,
                label="Epoch AI estimate",
            )
        # the frontier: the largest known run up to each date
        _frontier_line(ax, entries, x_lo, x_hi)
        # curated catalog
        _whiskers(ax, curated, OKABE_ITO["blue"], 0.8, 0.4, 2.0)
        ax.scatter(
            [_day(e.model.released) for e in curated],
            [e.compute.value for e in curated],
            s=20,
            color=OKABE_ITO["blue"],
            edgecolor="white",
            lw=0.5,
            zorder=3,
            label="flopcast catalog",
        )
        # highlighted
        if hls:
            _whiskers(ax, hls, HIGHLIGHT, 1.6, 0.9, 3.5)
            ax.scatter(
                [_day(e.model.released) for e in hls],
                [e.compute.value for e in hls],
                s=62,
                marker="D",
                color=HIGHLIGHT,
                edgecolor="black",
                lw=0.8,
                zorder=4,
                label="highlighted",
            )
        ax.plot([], [], color=GREY, lw=0.8, label="90% interval")
        _legend_above(ax, *ax.get_legend_handles_labels(), ncols=5)

        _caption(
            fig,
            ax,
            [
                "Dots: training compute as flopcast accounts it (curated catalog) and Epoch AI's"
                " estimates for language models the catalog lacks; whiskers: 90% intervals; "
                "dotted step: largest known run to date.",
                f"Data: {credit()}.",
            ],
        )
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        obstacles = [t.get_window_extent(renderer).padded(1) for t in threshold_boxes]
        pts = [*curated, *hls]
        obstacles += _point_boxes(
            ax, [_day(e.model.released) for e in pts], [e.compute.value for e in pts], 3.0
        )
        labels = [
            _Label(
                _day(e.model.released),
                e.compute.value,
                given_label(e.model),
                must=True,
                color=HIGHLIGHT,
                weight="bold",
                size=8,
            )
            for e in sorted(hls, key=lambda e: -e.compute.value)
        ]
        labels += [
            _Label(_day(e.model.released), e.compute.value, text, color="#1F4E79")
            for e, text in _grouped(sorted(curated, key=lambda e: -e.compute.value))
        ]
        _place_labels(ax, labels, obstacles)
        return fig


def _grouped(entries: Sequence[Any]) -> list[tuple[Any, str]]:
    """One label per point: models at the same date and compute share it."""
    seen: dict[tuple[Any, float], list[Any]] = {}
    for e in entries:
        key = (e.model.released, round(math.log10(e.compute.value), 3))
        seen.setdefault(key, []).append(e)
    return [(group[0], " / ".join(x.model.name for x in group)) for group in seen.values()]


def _whiskers(
    ax: Axes, entries: Sequence[Any], color: str, lw: float, alpha: float, cap: float
) -> None:
    xs, lows, highs = [], [], []
    for e in entries:
        q = e.compute
        if q.uncertain and q.low is not None and q.high is not None:
            xs.append(_day(e.model.released))
            lows.append(q.low)
            highs.append(q.high)
    if xs:
        ax.vlines(xs, lows, highs, color=color, lw=lw, alpha=alpha, zorder=2)


def _frontier_line(ax: Axes, entries: Sequence[Any], x_lo: date, x_hi: date) -> None:
    best = _before(entries, x_lo)
    xs: list[float] = [_day(x_lo)] if best > 0 else []
    ys: list[float] = [best] if best > 0 else []
    for e in sorted(entries, key=lambda e: e.model.released):
        if x_lo <= e.model.released <= x_hi and e.compute.value > best:
            best = e.compute.value
            xs.append(_day(e.model.released))
            ys.append(best)
    if xs:
        xs.append(_day(x_hi))
        ys.append(best)
        ax.step(
            xs,
            ys,
            where="post",
            color="#555555",
            lw=0.9,
            ls=":",
            zorder=2,
            label="largest known run to date",
        )


def _before(entries: Sequence[Any], when: date) -> float:
    return max((e.compute.value for e in entries if e.model.released < when), default=0.0)


def _day(d: date) -> float:
    """A date as matplotlib's date number (days since its epoch)."""
    import matplotlib.dates as mdates

    return float(mdates.date2num(d))  # type: ignore[no-untyped-call]


def _date_axis(ax: Axes, x_lo: date, x_hi: date) -> None:
    import matplotlib.dates as mdates

    years = (x_hi - x_lo).days / 365.25
    step = 1 if years <= 12 else 2 if years <= 24 else 5
    ax.xaxis.set_major_locator(mdates.YearLocator(step))  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))  # type: ignore[no-untyped-call]
    if years <= 12:
        ax.xaxis.set_minor_locator(mdates.MonthLocator((1, 4, 7, 10)))  # type: ignore[no-untyped-call]
