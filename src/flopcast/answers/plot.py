"""``flopcast plot``: the report's figures (a timeline, tokens per parameter, memory by format,
the trend), drawn from the same options as the command line; saved as PNG or SVG by the
command line, sent as SVG by the web app."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from flopcast.figures import Model

#: The kinds of plot, as ``flopcast plot KIND`` names them.
PLOT_KINDS = ("timeline", "tokens-per-param", "memory", "trend")


@dataclass(frozen=True)
class PlotAnswer:
    """A drawn figure: ``.svg()`` and ``.png()`` its bytes, ``.to_dict()`` what it shows."""

    kind: str
    figure: Figure

    def svg(self) -> str:
        from flopcast.reporting.plots import to_svg_text

        return to_svg_text(self.figure)

    def png(self) -> bytes:
        from flopcast.reporting.plots import to_png_bytes

        return to_png_bytes(self.figure)

    def to_dict(self) -> dict[str, Any]:
        from flopcast.reporting.plots import alt_text

        return {"plot": self.kind, "alt": alt_text(self.figure)}


def plot_answer(
    kind: str,
    model: str | Path | Model | None = None,
    *,
    highlight: Sequence[str] | None = None,
    start: str | None = None,
    end: str | None = None,
    law: str = "fixed:40",
    sparsity: Sequence[float] | None = None,
    moe: str = "default",
    context: str | None = None,
    kv_dtype: str | None = None,
    formats: Sequence[str] | None = None,
    machines: Sequence[str] | None = None,
    overhead: float | None = None,
    select: str | None = None,
    speculative: str = "include",
    until: str | None = None,
    systems: bool = False,
    metric: str = "performance",
    top: int | None = None,
) -> PlotAnswer:
    """``flopcast plot KIND ...``: ``timeline`` (``highlight``, ``start``, ``end``),
    ``tokens-per-param`` (``highlight``, ``law``, ``sparsity``, ``moe``), ``memory`` (``model``,
    ``context``, ``kv_dtype``, ``formats``, ``machines``, ``overhead``) or ``trend``
    (``select``, ``start``/``end`` as ``--from``/``--to``, ``speculative``, ``until``,
    ``highlight``; with ``systems``, a ``metric`` of the largest AI supercomputers, ``top``)."""
    from flopcast.answers._common import several
    from flopcast.errors import FlopcastError, opt
    from flopcast.reporting import plots

    marked = several(highlight, "highlight")
    if kind == "timeline":
        figure = plots.timeline(marked, start=start, end=end)
    elif kind == "tokens-per-param":
        chosen = tuple(several(sparsity, "sparsity")) or (1, 8, 32)
        figure = plots.tokens_per_param(marked, law=law, sparsities=chosen, moe=moe)
    elif kind == "memory":
        if model is None:
            raise FlopcastError(f"the memory plot needs a model: give {opt('model', 'MODEL')}")
        figure = plots.memory(
            str(model) if isinstance(model, Path) else model,
            context=context, kv_dtype=kv_dtype, formats=several(formats, "formats") or None,
            machines=several(machines, "machines") or None, overhead_gb=overhead,
        )  # fmt: skip
    elif kind == "trend" and systems:
        figure = _systems_figure(select, start, end, top, metric, until, marked)
    elif kind == "trend":
        from flopcast.answers.trend import selection
        from flopcast.trends import decimal_year, fit_trend, parse_period

        fit = fit_trend(selection(select or "notable", start, end, speculative))
        last = decimal_year(parse_period(until, opt("until"))[1]) if until else None
        figure = plots.trend(fit, marked, until=last)
    else:
        raise FlopcastError(f"unknown plot {str(kind)[:40]!r}: use {', '.join(PLOT_KINDS)}")
    return PlotAnswer(kind, figure)


def _systems_figure(
    select: str | None, start: str | None, end: str | None, top: int | None, metric: str,
    until: str | None, highlight: list[Any],
) -> Figure:  # fmt: skip
    """A metric of the largest AI supercomputers, its trend and Pilz et al.'s growth."""
    from flopcast.answers._common import text
    from flopcast.errors import FlopcastError, opt
    from flopcast.reporting import plots
    from flopcast.trends import parse_period
    from flopcast.trends.systems import SystemsSelection, fit_systems_trend

    if until or highlight:
        given = opt("until") if until else opt("highlight")
        usable = ", ".join(
            opt(k, f) for k, f in (("select", None), ("start", "--from"), ("end", "--to"),
                                   ("top", None), ("metric", None))
        )  # fmt: skip
        raise FlopcastError(
            f"{given} is for trends of training compute, not with {opt('systems')}: use {usable}"
        )
    for name, value in (("select", select), ("start", start), ("end", end)):
        text(value, name)
    sel = SystemsSelection(
        (select or "leading").strip().lower(),
        parse_period(start, opt("start", "--from"))[0] if start else None,
        parse_period(end, opt("end", "--to"))[1] if end else None,
        top,
    )
    chosen = str(text(metric, "metric", required=True)).strip().lower()
    return plots.systems_trend(fit_systems_trend(chosen, sel))
