"""Figures for reports: training compute over time, tokens per parameter, memory by format,
the trend of training compute.

Each plot is a pure function of flopcast's data returning a matplotlib ``Figure`` drawn with
the Agg canvas (no pyplot, no global backend switch, no window). :func:`save` writes PNG or
SVG by the file's suffix; :func:`to_png_bytes` and :func:`to_svg_text` give the bytes to embed
in HTML; :func:`alt_text` gives a one-paragraph description for an ``alt`` attribute.

Output is deterministic: fixed fonts (DejaVu Sans, shipped with matplotlib) and sizes, a fixed
SVG hash salt, no dates in the file metadata. Colours are the Okabe-Ito palette, which stays
distinguishable with the common colour-vision deficiencies. matplotlib is imported only when
a figure is built or written.

Where things live (every public name is re-exported here):

* :mod:`~flopcast.reporting.plots.figure`: palette, style, a new figure, captions, alt text, and
  ``save`` / ``to_png_bytes`` / ``to_svg_text`` / ``check_path``.
* :mod:`~flopcast.reporting.plots.labels`: placing point labels without overlaps, line-end labels.
* :mod:`~flopcast.reporting.names` (shared with the report): ``highlighted_models`` (family
  names expand).
* :mod:`~flopcast.reporting.plots.plot_timeline`: ``timeline``.
* :mod:`~flopcast.reporting.plots.plot_tokens_per_param`: ``tokens_per_param``.
* :mod:`~flopcast.reporting.plots.plot_memory`: ``memory`` (``DEFAULT_MACHINES``).
* :mod:`~flopcast.reporting.plots.plot_trend`: ``trend`` (a fitted trend, its band and forecast).
* :mod:`~flopcast.reporting.plots.plot_systems_trend`: ``systems_trend`` (the growth of a metric
  of the largest AI supercomputers beside the published growth).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

from flopcast.reporting.names import highlighted_models
from flopcast.reporting.plots.figure import (
    CAPTION_WIDTH,
    DPI,
    FIGSIZE,
    GREY,
    HIGHLIGHT,
    OKABE_ITO,
    SUFFIXES,
    alt_text,
    check_path,
    save,
    to_png_bytes,
    to_svg_text,
)
from flopcast.reporting.plots.plot_memory import DEFAULT_MACHINES, memory
from flopcast.reporting.plots.plot_systems_trend import systems_trend
from flopcast.reporting.plots.plot_timeline import timeline
from flopcast.reporting.plots.plot_tokens_per_param import tokens_per_param
from flopcast.reporting.plots.plot_trend import trend

__all__ = [
    "CAPTION_WIDTH",
    "DEFAULT_MACHINES",
    "DPI",
    "FIGSIZE",
    "GREY",
    "HIGHLIGHT",
    "OKABE_ITO",
    "SUFFIXES",
    "alt_text",
    "check_path",
    "highlighted_models",
    "memory",
    "plot",
    "save",
    "systems_trend",
    "timeline",
    "to_png_bytes",
    "to_svg_text",
    "tokens_per_param",
    "trend",
]


def plot(kind: str, *args: Any, **kwargs: Any) -> Figure:
    """A plot by kind, as ``flopcast plot KIND`` draws it: ``timeline``, ``tokens-per-param``,
    ``memory`` (a model name first), ``trend`` (a fitted :class:`flopcast.Trend` first) or
    ``systems-trend`` (a fitted :class:`flopcast.SystemsTrend` first).
    Save it with :func:`save` (``.png`` or ``.svg``)."""
    from flopcast.datafiles import lenient_key
    from flopcast.errors import FlopcastError

    kinds: dict[str, Any] = {
        "timeline": timeline,
        "tokensperparam": tokens_per_param,
        "memory": memory,
        "trend": trend,
        "systemstrend": systems_trend,
    }
    draw = kinds.get(lenient_key(kind))
    if draw is None:
        raise FlopcastError(
            f"unknown plot {kind!r}: use timeline, tokens-per-param, memory, trend or systems-trend"
        )
    figure: Figure = draw(*args, **kwargs)
    return figure
