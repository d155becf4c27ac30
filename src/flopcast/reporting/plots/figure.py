"""What every flopcast figure shares: the palette and style, a new Agg figure with its title
and description (alt text), the caption, and writing PNG or SVG deterministically."""

from __future__ import annotations

import io
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flopcast.errors import FlopcastError
from flopcast.store import atomic_write, check_target

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


#: Okabe & Ito (2008), "Color Universal Design": distinguishable with colour-vision deficiencies.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
GREY = "#9A9A9A"
HIGHLIGHT = OKABE_ITO["vermillion"]

#: Report size: 8 x 4.5 inches, 150 dots per inch in PNG (1200 x 675 pixels).
FIGSIZE = (8.0, 4.5)
DPI = 150
SUFFIXES = (".png", ".svg")
CAPTION_WIDTH = 148  # characters per caption line at 7 pt across 8 inches

_STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.titlesize": 10.5,
    "axes.titleweight": "bold",
    "axes.labelsize": 9.0,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "legend.fontsize": 7.5,
    "legend.framealpha": 0.92,
    "legend.edgecolor": "#CCCCCC",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#444444",
    "axes.grid": True,
    "grid.color": "#E8E8E8",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "mathtext.fontset": "dejavusans",
    "svg.hashsalt": "flopcast",
    "svg.fonttype": "path",  # text as outlines: identical on every viewer, phone and print
    "savefig.dpi": DPI,
    "savefig.facecolor": "white",
    "path.simplify": True,
}

#: Each figure's title and description, written into the PNG and SVG metadata.
_META: weakref.WeakKeyDictionary[Figure, dict[str, str]] = weakref.WeakKeyDictionary()


@contextmanager
def _style() -> Iterator[None]:
    import matplotlib

    with matplotlib.rc_context(_STYLE):  # type: ignore[arg-type]
        yield


def _new_figure(title: str, description: str, source: str = "") -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=FIGSIZE, dpi=DPI)
    FigureCanvasAgg(fig)
    _META[fig] = {"Title": title, "Description": description}
    if source:
        _META[fig]["Source"] = source
    return fig


def alt_text(fig: Figure) -> str:
    """A one-paragraph description of a flopcast figure (for an HTML ``alt`` attribute)."""
    meta = _META.get(fig, {})
    return " ".join(x for x in (meta.get("Title", ""), meta.get("Description", "")) if x)


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise FlopcastError(f"cannot write a plot to {str(path)!r}: use a .png or .svg file name")
    return suffix


def check_path(path: str | Path) -> Path:
    """The path as a ``Path`` if its suffix is ``.png`` or ``.svg`` and its directory exists,
    else a FlopcastError (checked before drawing)."""
    p = check_target(path, "plot file")
    _suffix(p)
    return p


def _write(fig: Figure, target: Any, fmt: str) -> None:
    meta = dict(_META.get(fig, {}))
    if fmt == "svg":
        metadata: dict[str, str | None] = {"Date": None, "Creator": "flopcast (matplotlib)"}
        metadata.update(meta)
    else:
        metadata = {"Software": "flopcast (matplotlib)", **meta}
    with _style():
        fig.savefig(target, format=fmt, dpi=DPI, metadata=metadata)


def to_png_bytes(fig: Figure) -> bytes:
    """The figure as PNG bytes (150 dpi)."""
    buf = io.BytesIO()
    _write(fig, buf, "png")
    return buf.getvalue()


def to_svg_text(fig: Figure) -> str:
    """The figure as SVG text (text drawn as outlines; no date in the metadata)."""
    buf = io.StringIO()
    _write(fig, buf, "svg")
    return buf.getvalue()


def save(fig: Figure, path: str | Path) -> Path:
    """Write the figure as PNG or SVG, chosen by the suffix of ``path``, atomically (a failed
    write leaves the previous file as it was); returns the path."""
    p = check_path(path)
    data: bytes | str = to_png_bytes(fig) if _suffix(p) == ".png" else to_svg_text(fig)
    return atomic_write(p, data, what="plot file")


def _caption(fig: Figure, ax: Axes, lines: Sequence[str]) -> None:
    """A small caption at the bottom of the figure; the axes move up (and shrink) if their
    tick labels or x label would otherwise overlap it."""
    import textwrap

    wrapped = [w for line in lines for w in textwrap.wrap(line, CAPTION_WIDTH)]
    text = fig.text(
        0.01,
        0.012,
        "\n".join(wrapped),
        fontsize=7,
        color="#555555",
        ha="left",
        va="bottom",
        linespacing=1.35,
    )
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    top = text.get_window_extent(renderer).y1
    xaxis_bottom = ax.xaxis.get_tightbbox(renderer)
    if xaxis_bottom is None:
        return
    gap = 4 * fig.dpi / 72.0  # keep 4 points between them
    shift = top + gap - xaxis_bottom.y0
    if shift > 0:
        box = ax.get_position()
        dy = shift / fig.bbox.height
        ax.set_position((box.x0, box.y0 + dy, box.width, box.height - dy))


def _legend_above(
    ax: Axes,
    handles: Sequence[Any],
    labels: Sequence[str],
    ncols: int,
    handler_map: dict[Any, Any] | None = None,
) -> Any:
    """The legend in rows just above the axes, outside them: it never covers data."""
    legend = ax.legend(
        handles,
        labels,
        handler_map=handler_map,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.01),
        ncols=ncols,
        borderaxespad=0.0,
        handletextpad=0.4,
        handlelength=1.8,
        columnspacing=1.4,
        frameon=False,
    )
    legend.set_zorder(7)
    return legend


def _swatches(colors: Sequence[str], **style: Any) -> tuple[Any, Any]:
    """A legend entry showing one small patch per colour (``style``: alpha, ...), and its
    handler: for bands drawn in several colours."""
    from matplotlib.legend_handler import HandlerTuple
    from matplotlib.patches import Patch

    return tuple(Patch(facecolor=c, lw=0, **style) for c in colors), HandlerTuple(ndivide=None)


def _strokes(colors: Sequence[str], **style: Any) -> tuple[Any, Any]:
    """A legend entry showing one short line per colour, and its handler."""
    from matplotlib.legend_handler import HandlerTuple
    from matplotlib.lines import Line2D

    return tuple(Line2D([], [], color=c, **style) for c in colors), HandlerTuple(ndivide=None)


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def pow10(exponent: int) -> str:
    """``10²⁵``: a power of ten in plain text (Unicode superscripts; no mathtext to parse)."""
    return "10" + str(exponent).translate(_SUPERSCRIPT)


def _log_axis(axis: Any) -> None:
    """A log axis labelled at the powers of ten as ``10²⁵`` (plain text, drawn like any label;
    matplotlib's default would parse TeX for each one)."""
    import math

    from matplotlib.ticker import FuncFormatter, NullFormatter

    def label(value: float, _pos: int | None) -> str:
        e = math.log10(value) if value > 0 else math.nan
        return pow10(round(e)) if math.isfinite(e) and abs(e - round(e)) < 1e-9 else ""

    axis.set_major_formatter(FuncFormatter(label))
    axis.set_minor_formatter(NullFormatter())
