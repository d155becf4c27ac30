"""The growth of one metric of the largest AI supercomputers (performance, chips, power, cost)
against the date each was first operational (log scale): the systems, the fitted trend and its
90% band, and the growth Pilz et al. 2025 publish drawn through the same centre."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from flopcast.trends.systems import SystemsTrend

#: gid of the artists a test or a reader may look up in the figure.
SYSTEMS_FIT_GID, SYSTEMS_BAND_GID, PUBLISHED_GID = (
    "systems-fit",
    "systems-band",
    "systems-published",
)
#: Decimal-year steps the trend line is drawn at.
STEPS = 200


def systems_trend(fit: SystemsTrend) -> Figure:
    """Draw ``fit`` (a :class:`~flopcast.trends.systems.SystemsTrend`): its systems, the trend
    and its 90% band, and the published growth (a line of that slope through the fit's centre,
    log10 y = a + b_pub·(t − t0)) where Pilz et al. give one."""
    import math

    import numpy as np
    from matplotlib.ticker import MaxNLocator

    from flopcast.reporting.plots.figure import (
        GREY,
        OKABE_ITO,
        _caption,
        _legend_above,
        _log_axis,
        _new_figure,
        _style,
    )
    from flopcast.trends.fit import interval
    from flopcast.trends.systems import METRICS

    m = METRICS[fit.metric]
    line = fit.line
    first, last = fit.points[0].t, fit.points[-1].t
    t = np.linspace(first, last, STEPS)
    band = np.array([interval(line.boot_log10_at(float(x))) for x in t])
    which = (
        "leading AI supercomputers" if fit.selection.select == "leading" else "AI supercomputers"
    )
    pub = fit.published
    theirs = f" ({pub.paper}: {pub.growth:.1f}x/yr)" if pub else ""
    title = f"{m.label[0].upper()}{m.label[1:]} of {which}: {fit.growth:.3g}x/yr{theirs}"
    lo, hi = fit.growth_interval()
    description = (
        f"Log-scale {m.label} ({m.unit}) against the date first operational for {fit.n} "
        f"{which} ({fit.first.isoformat()} to {fit.last.isoformat()}), the least-squares trend "
        f"({fit.oom_per_year:.2f} orders of magnitude per year, {fit.growth:.3g}x/yr) with its "
        "90% bootstrap band"
        + (f", and the growth {pub.paper} publish ({pub.growth:.1f}x/yr) for comparison." if pub
           else ".")
    )  # fmt: skip
    with _style():
        fig = _new_figure(title, description, fit.credit)
        ax = fig.add_axes((0.085, 0.2, 0.895, 0.665))
        fig.text(0.085, 0.965, title, fontsize=10.5, fontweight="bold", va="top", ha="left")
        ax.set_yscale("log")
        _log_axis(ax.yaxis)
        ax.set_xlabel("First operational (year)")
        ax.set_ylabel(f"{m.label[0].upper()}{m.label[1:]} ({m.unit}, log scale)")
        ax.set_xlim(first - 0.3, last + 0.3)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=10, integer=True))
        ax.scatter([p.t for p in fit.points], [p.value for p in fit.points], s=14, color=GREY,
                   alpha=0.8, lw=0, zorder=2, label="system (Epoch AI)")  # fmt: skip
        blue = OKABE_ITO["blue"]
        ax.fill_between(t, 10 ** band[:, 0], 10 ** band[:, 1], color=blue, alpha=0.25, lw=0,
                        zorder=2.5, label="90% band", gid=SYSTEMS_BAND_GID)  # fmt: skip
        y = 10.0 ** np.array([line.log10_at(float(x)) for x in t])
        ax.plot(t, y, color=blue, lw=1.8, zorder=3, label=f"trend, {fit.growth:.3g}x/yr",
                gid=SYSTEMS_FIT_GID)  # fmt: skip
        if pub is not None:
            b = math.log10(pub.growth)
            lead = "" if fit.selection.select == "leading" else " (leading systems)"
            y_pub = 10.0 ** (line.a + b * (t - line.t0))
            label = f"{pub.paper}{lead}, {pub.growth:.1f}x/yr"
            ax.plot(t, y_pub, color=OKABE_ITO["vermillion"], lw=1.4, ls=(0, (5, 3)), zorder=3,
                    label=label, gid=PUBLISHED_GID)  # fmt: skip
        _legend_above(ax, *ax.get_legend_handles_labels(), ncols=4)
        sel = "; ".join(
            [
                f"Trend: least squares of log10({m.unit}) on the date first operational over "
                f"{fit.describe()}; {fit.growth:.3g}x/yr (90%: {lo:.3g}–"
                f"{hi:.3g}x/yr, {fit.resamples:,} bootstrap resamples)",
                "band: 90% of the bootstrap's trend lines, not of single systems.",
            ]
        )
        _caption(fig, ax, [sel, f"Data: {fit.credit}."])
        return fig
