"""Plot 4: the trend of training compute against date (log scale) for a selection of Epoch AI's
notable models, the fitted trend and its 90% band, the forecast cone beyond the data, the
regulatory thresholds, and highlighted models with their distance from the trend."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from flopcast.errors import FlopcastError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from flopcast.figures import Model
    from flopcast.trends import Trend

#: gid of the artists a test or a reader may look up in the figure.
FIT_GID, FORECAST_GID, BAND_GID, CONE_GID = (
    "trend-fit",
    "trend-forecast",
    "trend-band",
    "trend-cone",
)
#: Decimal-year steps the trend line is drawn at.
STEPS = 200


def trend(
    fit: Trend, highlight: Sequence[str | Model] = (), *, until: float | None = None
) -> Figure:
    """Draw ``fit`` (a :class:`~flopcast.trends.Trend`) with its forecast to ``until``
    (a decimal year; default three years past the data) and the ``highlight`` models."""
    import numpy as np

    from flopcast.accounting import headline
    from flopcast.regulation import thresholds
    from flopcast.reporting.given import given_label
    from flopcast.reporting.names import highlighted_models
    from flopcast.reporting.plots.figure import (
        GREY,
        HIGHLIGHT,
        OKABE_ITO,
        _caption,
        _legend_above,
        _log_axis,
        _new_figure,
        _style,
    )
    from flopcast.reporting.plots.labels import _Label, _place_labels, _point_boxes
    from flopcast.trends import decimal_year
    from flopcast.trends.forecast import place

    first, last = fit.points[0].t, fit.points[-1].t
    end = until if until is not None else last + 3
    if not last < end <= last + 30:
        raise FlopcastError(
            f"--until: give a year after the data ({math.floor(last)}) and within 30"
        )
    line = fit.forecast_line
    hl = []
    for m in highlighted_models(highlight):
        c = headline(m).compute
        if c is None:
            raise FlopcastError(f"{m.name}: no training compute is known, so it cannot be placed")
        name = given_label(m)
        hl.append((name, decimal_year(m.released), c.value, place(name, m.released, c.value, fit)))

    fit_t = np.linspace(first, last, STEPS)
    cast_t = np.linspace(last, end, STEPS // 2)
    band = np.array([_band(line, float(t)) for t in fit_t])
    cone = np.array([_band(line, float(t)) for t in cast_t])
    sel = fit.selection
    title = f"Training compute of {sel.label()}: {10**fit.oom_per_year:.3g}x/yr"
    description = (
        f"Log-scale training compute against publication date for {fit.n} {sel.label()} "
        f"({sel.window(fit.points)}), the least-squares trend ({fit.oom_per_year:.2f} "
        f"orders of magnitude per year) with its 90% bootstrap band, and its extrapolation to "
        f"{math.floor(end)} as a widening cone; horizontal lines mark the regulatory thresholds."
    )
    with _style():
        fig = _new_figure(title, description, fit.credit)
        ax = fig.add_axes((0.085, 0.2, 0.895, 0.665))
        fig.text(0.085, 0.965, title, fontsize=10.5, fontweight="bold", va="top", ha="left")
        ax.set_yscale("log")
        _log_axis(ax.yaxis)
        ax.set_xlabel("Publication date (year)")
        ax.set_ylabel("Training compute (FLOP, log scale)")
        ax.set_xlim(first - 0.3, end + 0.2)
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(nbins=10, integer=True))
        speculative = [p for p in fit.points if p.confidence.lower() == "speculative"]
        others = [p for p in fit.points if p.confidence.lower() != "speculative"]
        ax.scatter([p.t for p in others], [p.flop for p in others], s=9, color=GREY, alpha=0.7,
                   lw=0, zorder=2, label="Epoch AI estimate")  # fmt: skip
        if speculative:
            ax.scatter([p.t for p in speculative], [p.flop for p in speculative], s=11,
                       facecolor="none", edgecolor=GREY, lw=0.7, zorder=2,
                       label="Speculative estimate")  # fmt: skip
        blue = OKABE_ITO["blue"]
        ax.fill_between(fit_t, 10 ** band[:, 0], 10 ** band[:, 1], color=blue, alpha=0.25,
                        lw=0, zorder=2.5, label="90% band", gid=BAND_GID)  # fmt: skip
        ax.fill_between(cast_t, 10 ** cone[:, 0], 10 ** cone[:, 1], color=blue, alpha=0.12,
                        lw=0, zorder=2.5, label="forecast, 90%", gid=CONE_GID)  # fmt: skip
        fit_y = 10.0 ** np.array([line.log10_at(float(t)) for t in fit_t])
        cast_y = 10.0 ** np.array([line.log10_at(float(t)) for t in cast_t])
        ax.plot(fit_t, fit_y, color=blue, lw=1.8, zorder=3, label="trend", gid=FIT_GID)
        ax.plot(cast_t, cast_y, color=blue, lw=1.6, ls=(0, (5, 3)), zorder=3, gid=FORECAST_GID)
        y_lo = min(p.flop for p in fit.points) / 3
        y_hi = max(10 ** cone[-1, 1], *(p.flop for p in fit.points)) * 3
        rules: dict[float, list[str]] = {}
        for th in thresholds():
            rules.setdefault(th.flop, []).append(th.label)
        notes = []
        for level, names in sorted(rules.items()):
            if y_lo < level < y_hi:
                ax.axhline(level, color=OKABE_ITO["reddish_purple"], lw=1.0, ls=(0, (2, 2)),
                           zorder=1.5)  # fmt: skip
                note = ax.annotate(f"{level:.0e}".replace("e+", "e") + ": " + "; ".join(names),
                            (0.006, level), xycoords=("axes fraction", "data"), xytext=(0, 2),
                            textcoords="offset points", fontsize=6.5, color="#7A3B63",
                            va="bottom")  # fmt: skip
                notes.append(note)
        for _, when, flop, _ in hl:
            ax.scatter([when], [flop], s=60, marker="D", color=HIGHLIGHT, edgecolor="black", lw=0.8,
                       zorder=4)  # fmt: skip
        ax.set_ylim(y_lo, y_hi)
        _legend_above(ax, *ax.get_legend_handles_labels(), ncols=5)
        lo, hi = fit.slope_interval()
        _caption(
            fig,
            ax,
            [
                f"Trend: least squares of log10(FLOP) on date, {fit.n} models, "
                f"{sel.labels_note()}; {10**fit.oom_per_year:.3g}x/yr (90%: {10**lo:.3g}–"
                f"{10**hi:.3g}x/yr, {fit.resamples:,} bootstrap resamples); band and cone: 90% "
                "of the bootstrap's trend lines, not of single models.",
                f"Data: {fit.credit}.",
            ],
        )
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        obstacles = [t.get_window_extent(renderer).padded(1) for t in notes]
        obstacles += _point_boxes(ax, [h[1] for h in hl], [h[2] for h in hl], 4.0)
        obstacles += _point_boxes(ax, [p.t for p in fit.points], [p.flop for p in fit.points], 2.0)
        labels = [
            _Label(
                when,
                flop,
                f"{name}: {p.distance()} the trend",
                must=True,
                color=HIGHLIGHT,
                weight="bold",
                size=7.5,
            )
            for name, when, flop, p in sorted(hl, key=lambda h: -h[2])
        ]
        _place_labels(ax, labels, obstacles)
        return fig


def _band(line: object, t: float) -> tuple[float, float]:
    from flopcast.trends.fit import Line, interval

    assert isinstance(line, Line)
    return interval(line.boot_log10_at(t))
