"""The "In context" sentence on where a model sits against the frontier trend (the cached fit of
:func:`flopcast.trends.forecast.placement_trend`: no refit per report)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flopcast.quantity import fmt_sci


def trend_context(
    name: str,
    released: date,
    flop: float,
    cite: Callable[[str, str], int],
    *,
    unreleased: bool = False,
) -> tuple[str, dict[str, Any], tuple[str, ...]]:
    """``Against the trend of frontier models ..., it sits 0.18 OOM below ...``, its data, and
    a row for the "Compared with" table; ``cite(text, url)`` numbers a source (the report's
    ``Sources.cite``)."""
    from flopcast.comparison import ratio_words
    from flopcast.trends import settings
    from flopcast.trends.forecast import place, placement_trend

    trend = placement_trend()
    p = place(name, released, flop, trend)
    cfg = settings()
    n = cite(
        f"Epoch AI, frontier models (in the top {trend.selection.n_top} by training compute at "
        "release), trend fitted by flopcast",
        str(cfg["frontier"]["source"]),
    )
    start = trend.selection.first_date or trend.first
    where = p.distance()
    ratio = f"{p.ratio:.2g}x the trend" if p.ratio >= 1 else f"{1 / p.ratio:.2g}x less"
    extrapolated = ", extrapolated" if p.trend.extrapolated else ""
    when = f"on {released.isoformat()}" if unreleased else "at its release"
    sentence = (
        f"Against the trend of frontier models since {start.year} ({10**trend.oom_per_year:.3g}x "
        f"per year, {trend.n} models [{n}]), which stood at {fmt_sci(p.trend.flop)} FLOP {when}"
        f"{extrapolated}, it sits {where} ({ratio})."
    )
    data = {
        **p.to_dict(),
        "trend_growth_per_year": trend.growth,
        "trend_models": trend.n,
        "trend_selection": trend.selection.to_dict(),
    }
    row = (
        f"frontier trend ({10**trend.oom_per_year:.3g}x/yr)",
        f"trend, {released:%Y-%m}",
        fmt_sci(p.trend.flop) + " FLOP",
        f"{p.ratio:.3g}x",
        ratio_words(p.ratio),
    )
    return sentence, data, row
