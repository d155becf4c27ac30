"""Figures for reports: training compute over time, tokens per parameter, memory by format.

Each plot is a pure function of flopcast's data returning a matplotlib ``Figure`` drawn with
the Agg canvas (no pyplot, no global backend switch, no window). :func:`save` writes PNG or
SVG by the file's suffix; :func:`to_png_bytes` and :func:`to_svg_text` give the bytes to embed
in HTML; :func:`alt_text` gives a one-paragraph description for an ``alt`` attribute.

Output is deterministic: fixed fonts (DejaVu Sans, shipped with matplotlib) and sizes, a fixed
SVG hash salt, no dates in the file metadata. Colours are the Okabe-Ito palette, which stays
distinguishable with the common colour-vision deficiencies. matplotlib is imported only when
a figure is built or written.
"""

from __future__ import annotations

import io
import math
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flopcast.errors import FlopcastError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox

    from flopcast.figures import Model
    from flopcast.scaling.moe import MoeSpec

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


# -- writing -------------------------------------------------------------------------------


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise FlopcastError(f"cannot write a plot to {str(path)!r}: use a .png or .svg file name")
    return suffix


def check_path(path: str | Path) -> Path:
    """The path as a ``Path`` if its suffix is ``.png`` or ``.svg``, else a FlopcastError."""
    p = Path(path)
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
    """Write the figure as PNG or SVG, chosen by the suffix of ``path``; returns the path."""
    p = Path(path)
    fmt = _suffix(p)[1:]
    try:
        if fmt == "png":
            p.write_bytes(to_png_bytes(fig))
        else:
            p.write_text(to_svg_text(fig), encoding="utf-8")
    except OSError as exc:
        raise FlopcastError(f"cannot write {p}: {exc.strerror or exc}") from None
    return p


# -- shared helpers ------------------------------------------------------------------------


def highlighted_models(names: Iterable[str]) -> list[Model]:
    """Models by name; a family name (``llama-4``) stands for all its members."""
    from flopcast.catalog import family_members, model

    out: dict[str, Model] = {}
    for name in names:
        members = family_members(name)
        for m in members or [model(name)]:
            out.setdefault(m.id, m)
    return list(out.values())


def _explicit(names: Iterable[str]) -> set[str]:
    """The ids of highlighted models named one by one (not via a family)."""
    from flopcast.catalog import family_members, model

    return {model(n).id for n in names if not family_members(n)}


def _pow10(exponent: int) -> str:
    return f"$10^{{{exponent}}}$"


def _flop_label(flop: float) -> str:
    e = math.log10(flop)
    if abs(e - round(e)) < 1e-9:
        return f"{_pow10(round(e))} FLOP"
    return f"{flop:.2g} FLOP"


@dataclass
class _Label:
    x: float
    y: float
    text: str
    must: bool = False
    leader: bool = False  # may sit further out, with a leader line
    color: str = "#222222"
    weight: str = "normal"
    size: float = 7.5


def _overlap(a: Bbox, b: Bbox) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def _point_boxes(ax: Axes, xs: Sequence[float], ys: Sequence[float], radius: float) -> list[Bbox]:
    """Display-space boxes around markers (``radius`` in points), as label obstacles."""
    from matplotlib.transforms import Bbox

    if not xs:
        return []
    r = radius * ax.figure.dpi / 72.0
    pts = ax.transData.transform(list(zip(xs, ys, strict=True)))
    return [Bbox([[x - r, y - r], [x + r, y + r]]) for x, y in pts]


_NEAR = [
    (5, 2, "left", "bottom"),
    (5, -2, "left", "top"),
    (-5, 2, "right", "bottom"),
    (-5, -2, "right", "top"),
    (0, 6, "center", "bottom"),
    (0, -6, "center", "top"),
    (7, 0, "left", "center"),
    (-7, 0, "right", "center"),
]
_FAR = [(dx * 3, dy * 3 if dy else 0, ha, va) for dx, dy, ha, va in _NEAR]


def _place_labels(ax: Axes, labels: Sequence[_Label], obstacles: list[Bbox]) -> int:
    """Label points without overlaps: try positions around each point, keep the first clear
    one inside the axes; a ``must`` label takes the least-overlapping position (with a leader
    line when it sits further out). Returns how many labels were placed."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    axbox = ax.get_window_extent(renderer)
    taken = list(obstacles)
    placed = 0
    for lab in labels:
        best: tuple[tuple[int, float], Any, Bbox] | None = None
        candidates = _NEAR + (_FAR if lab.must or lab.leader else [])
        for i, (dx, dy, ha, va) in enumerate(candidates):
            far = i >= len(_NEAR)
            text = ax.annotate(
                lab.text,
                (lab.x, lab.y),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=lab.size,
                color=lab.color,
                fontweight=lab.weight,
                zorder=6,
                arrowprops=(
                    {"arrowstyle": "-", "color": lab.color, "lw": 0.6, "shrinkA": 0, "shrinkB": 3}
                    if far
                    else None
                ),
            )
            box = text.get_window_extent(renderer).padded(1.5)
            inside = (
                box.x0 >= axbox.x0
                and box.x1 <= axbox.x1
                and box.y0 >= axbox.y0
                and box.y1 <= axbox.y1
            )
            overlap = sum(_overlap(box, o) for o in taken)
            score = (0 if inside else 1, overlap)
            if inside and overlap == 0:
                if best is not None:
                    best[1].remove()
                best = (score, text, box)
                break
            if lab.must and (best is None or score < best[0]):
                if best is not None:
                    best[1].remove()
                best = (score, text, box)
            else:
                text.remove()
        if best is not None:
            taken.append(best[2])
            placed += 1
    return placed


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
    fig.canvas.draw()
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


def _as_date(value: date | str | None, what: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    text = value.strip()
    try:
        if len(text) == 4 and text.isdigit():
            return date(int(text), 1, 1)
        return date.fromisoformat(text)
    except ValueError:
        raise FlopcastError(f"{what} {value!r}: write a date as YYYY-MM-DD or a year") from None


# -- 1. training compute over time ---------------------------------------------------------


def timeline(
    highlight: Sequence[str] = (),
    *,
    start: date | str | None = None,
    end: date | str | None = None,
) -> Figure:
    """Training compute over time (log scale): the curated catalog, Epoch AI's language models
    (lighter), the highlighted models (emphasized and labelled), the regulatory thresholds, and
    90% intervals as whiskers. Highlights may be model or family names."""
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
        elif m.id in explicit:
            raise FlopcastError(
                f"{m.name}: no training compute is known, so it cannot be placed on the timeline"
            )
    hl_ids = {e.model.id for e in hl_entries}

    lo = _as_date(start, "--start")
    hi = _as_date(end, "--end")
    if lo is None:
        first = min(e.model.released for e in entries if e.origin == "catalog")
        first = min([first, *(e.model.released for e in hl_entries)])
        lo = date(first.year, 1, 1)
    if hi is None:
        hi = max(e.model.released for e in entries)
        hi = max([hi, *(e.model.released for e in hl_entries)])
    if hi <= lo:
        raise FlopcastError(f"--end {hi} is not after --start {lo}")
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
    names = ", ".join(e.model.name for e in hls)
    description = (
        f"Log-scale training compute in FLOP against release date, {lo.year}–{hi.year}: "
        f"{len(curated) + n_hl} curated catalog models and {len(epoch)} Epoch AI estimates"
        + (f"; highlighted: {names}" if names else "")
        + "; horizontal lines mark the regulatory thresholds."
    )
    with _style():
        fig = _new_figure(title, description, credit())
        ax = fig.add_axes((0.085, 0.2, 0.895, 0.715))
        ax.set_yscale("log")
        ax.set_xlim(_day(x_lo), _day(x_hi))
        ax.set_ylim(y_lo, y_hi)
        ax.set_title(title, loc="left")
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
        legend = ax.legend(loc="upper left", ncols=1, borderaxespad=0.4, handletextpad=0.4)
        legend.set_zorder(7)

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
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        obstacles = [legend.get_window_extent(renderer).padded(2)]
        obstacles += [t.get_window_extent(renderer).padded(1) for t in threshold_boxes]
        pts = [*curated, *hls]
        obstacles += _point_boxes(
            ax, [_day(e.model.released) for e in pts], [e.compute.value for e in pts], 3.0
        )
        labels = [
            _Label(
                _day(e.model.released),
                e.compute.value,
                e.model.name,
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
        fig.canvas.draw()
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


# -- 2. tokens per active parameter against compute ----------------------------------------


@dataclass(frozen=True)
class _TppPoint:
    model: Model
    compute: float
    compute_low: float | None
    compute_high: float | None
    tpp: float
    tpp_low: float | None
    tpp_high: float | None
    sparsity: float  # 1 for a dense model
    epoch_inputs: bool


def _tpp_points() -> list[_TppPoint]:
    """Catalog models with active parameters (or a dense total) and training tokens."""
    from flopcast.accounting import headline
    from flopcast.catalog import catalog
    from flopcast.uncertainty import Sampling, propagate

    out = []
    for m in catalog():
        n_fig = m.figure("active_params") or (
            m.figure("total_params") if m.architecture == "dense" else None
        )
        d_fig = m.figure("training_tokens")
        if n_fig is None or d_fig is None or n_fig.quantity is None or d_fig.quantity is None:
            continue
        h = headline(m)  # the same compute every other view shows
        if h.compute is None:
            continue
        res = propagate(
            lambda n, d: {"tpp": d / n},
            {"n": n_fig.quantity, "d": d_fig.quantity},
            sampling=Sampling(samples=4_000),
        )
        total = m.value("total_params")
        n = n_fig.quantity.value
        s = total.value / n if total is not None and total.value > n * 1.0001 else 1.0
        tpp, c = res["tpp"], h.compute
        by_epoch = any("epoch" in f.by.lower() for f in (n_fig, d_fig))
        out.append(_TppPoint(m, c.value, c.low, c.high, tpp.value, tpp.low, tpp.high, s, by_epoch))
    return out


def _moe_title(moe: MoeSpec) -> str:
    from flopcast.scaling._data import scaling_file
    from flopcast.scaling.moe import parse_moe_spec

    choice = parse_moe_spec(moe)
    if isinstance(choice, float):
        return f"m = {choice:g} for every sparse model (stated)"
    if choice == "none":
        return "no MoE adjustment (m = 1)"
    if choice == "default":
        return f"MoE multiplier {scaling_file().moe.default.title}"
    return f"MoE multiplier: {scaling_file().moe.ludziejewski2025.title} (depends on compute)"


def _band(alpha: float, beta: float, extra: float) -> tuple[float, float]:
    """Overtraining factors k below and above 1 at which the same loss costs ``extra`` more
    compute than the compute-optimal run (bisection in log k on the over-training cost)."""
    from flopcast.scaling import overtraining_cost

    def solve(lo: float, hi: float) -> float:
        for _ in range(60):
            mid = math.sqrt(lo * hi)
            above = overtraining_cost(mid, alpha, beta) > 1.0 + extra
            # the cost grows away from k = 1 on both sides
            if (mid > 1) == above:
                hi = mid
            else:
                lo = mid
        return math.sqrt(lo * hi)

    return solve(1e-3, 1.0), solve(1.0, 1e3)


_SPARSITY_COLORS = (
    OKABE_ITO["blue"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["orange"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
)
_SPARSITY_MARKERS = ("o", "^", "s", "v", "P")


def tokens_per_param(
    highlight: Sequence[str] = (),
    *,
    law: str = "fixed:40",
    sparsities: Sequence[float] = (1, 8, 32),
    moe: MoeSpec = "default",
    band: float = 0.10,
) -> Figure:
    """Tokens per active parameter (log y) against training compute 6·N·D (log x) for the
    catalog models with active parameters and tokens, with the compute-optimal ratio under
    ``law`` for each sparsity 1:S (tokens per active parameter m(S) times the dense law's) and
    a band where the same loss costs at most ``band`` more compute (over-training cost with the
    cost law's exponents). Points are coloured by the nearest of ``sparsities``."""
    from flopcast.epoch import credit
    from flopcast.scaling import get_law, optimal
    from flopcast.scaling.laws import cost_law

    lw = get_law(law)
    if not sparsities:
        raise FlopcastError("give at least one sparsity (1 = dense)")
    if len(sparsities) > len(_SPARSITY_COLORS):
        raise FlopcastError(f"at most {len(_SPARSITY_COLORS)} sparsities fit on one plot")
    sps = sorted({float(s) for s in sparsities})
    if sps[0] < 1:
        raise FlopcastError(f"sparsity is 1:S with S >= 1 (1 = dense), got {sps[0]:g}")
    if not 0 < band < 1:
        raise FlopcastError(f"the band is an extra-compute fraction in (0, 1), got {band:g}")
    moe_text = _moe_title(moe)
    points = _tpp_points()
    chosen = highlighted_models(highlight)
    by_id = {p.model.id: p for p in points}
    explicit = _explicit(highlight)
    for m in chosen:
        if m.id not in by_id and m.id in explicit:
            raise FlopcastError(
                f"{m.name}: the catalog lacks its active parameters or training tokens, so it "
                "cannot be placed on the tokens-per-parameter plot"
            )
    hl_ids = {m.id for m in chosen if m.id in by_id}

    def nearest(s: float) -> int:
        return min(range(len(sps)), key=lambda i: abs(math.log(s / sps[i])))

    cx = [p.compute for p in points]
    x_lo, x_hi = min(cx) / 2.5, max(cx) * 3.0
    grid = [x_lo * (x_hi / x_lo) ** (i / 80) for i in range(81)]
    curves = []
    mults = []
    for s in sps:
        pts = [optimal(lw, c, sparsity=None if s == 1 else s, moe=moe) for c in grid]
        curves.append([p.tokens_per_param for p in pts])
        mults.append(pts[-1].multiplier.value)
    cl = cost_law()
    k_lo, k_hi = _band(cl.alpha, cl.beta, band)
    tpps = [p.tpp for p in points] + [v for curve in curves for v in curve]
    y_lo = min(tpps) * min(k_lo, 1.0) / 1.8
    y_hi = max(tpps) * 2.5

    def s_label(s: float) -> str:
        return "dense" if s == 1 else f"1:{s:g}"

    title = "Tokens per active parameter against training compute"
    subtitle = f"Compute-optimal under the law {lw.name}: {lw.title}\nSparse models: {moe_text}"
    hl_names = ", ".join(by_id[i].model.name for i in by_id if i in hl_ids)
    description = (
        f"Log-log plot of training tokens per active parameter against training compute for "
        f"{len(points)} catalog models, with the compute-optimal ratio under {lw.name} for "
        f"sparsities {', '.join(s_label(s) for s in sps)}"
        + (f"; highlighted: {hl_names}" if hl_names else "")
        + "."
    )
    with _style():
        fig = _new_figure(title, description)
        ax = fig.add_axes((0.085, 0.185, 0.785, 0.655))
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(x_lo, x_hi)
        ax.set_ylim(y_lo, y_hi)
        fig.text(0.085, 0.965, title, fontsize=10.5, fontweight="bold", va="top", ha="left")
        fig.text(
            0.085,
            0.918,
            subtitle,
            fontsize=8,
            color="#333333",
            va="top",
            ha="left",
            linespacing=1.4,
        )
        ax.set_xlabel("Training compute, 6·N·D (FLOP, log scale)")
        ax.set_ylabel("Training tokens per active parameter (log scale)")

        end_labels = []
        for i, (s, curve) in enumerate(zip(sps, curves, strict=True)):
            color = _SPARSITY_COLORS[i]
            ax.fill_between(
                grid,
                [v * k_lo for v in curve],
                [v * k_hi for v in curve],
                color=color,
                alpha=0.09,
                lw=0,
                zorder=1,
            )
            ax.plot(grid, curve, color=color, lw=1.6, zorder=2)
            text = f"{s_label(s)}: {curve[-1]:.3g}" + (f"\n(m = {mults[i]:.2g})" if s != 1 else "")
            end_labels.append((curve[-1], text, color))
        _end_labels(ax, fig, end_labels, x_hi)

        # the models, coloured by nearest sparsity; highlights larger with a vermillion ring
        for i, s in enumerate(sps):
            group = [p for p in points if nearest(p.sparsity) == i]
            if not group:
                continue
            color, marker = _SPARSITY_COLORS[i], _SPARSITY_MARKERS[i]
            for p in group:
                if p.tpp_low is not None and p.tpp_high is not None and p.tpp_high > p.tpp_low:
                    ax.vlines(p.compute, p.tpp_low, p.tpp_high, color=color, lw=1.0, zorder=3)
                if p.compute_low is not None and p.compute_high is not None:
                    ax.hlines(p.tpp, p.compute_low, p.compute_high, color=color, lw=1.0, zorder=3)
            normal = [p for p in group if p.model.id not in hl_ids]
            hl = [p for p in group if p.model.id in hl_ids]
            what = "dense model" if s == 1 else f"MoE model, S near {s:g}"
            ax.scatter(
                [p.compute for p in normal],
                [p.tpp for p in normal],
                s=26,
                marker=marker,
                color=color,
                edgecolor="white",
                lw=0.5,
                zorder=4,
                label=what,
            )
            if hl:
                ax.scatter(
                    [p.compute for p in hl],
                    [p.tpp for p in hl],
                    s=80,
                    marker=marker,
                    color=color,
                    edgecolor=HIGHLIGHT,
                    lw=2.0,
                    zorder=5,
                )
        if hl_ids:
            ax.scatter(
                [],
                [],
                s=80,
                marker="o",
                color="white",
                edgecolor=HIGHLIGHT,
                lw=2.0,
                label="highlighted",
            )
        ax.plot([], [], color="#444444", lw=1.6, label=f"compute-optimal ({lw.name})")
        ax.fill_between(
            [],
            [],
            [],
            color="#444444",
            alpha=0.15,
            label=f"≤{band:.0%} extra compute for the same loss",
        )
        legend = ax.legend(loc="best", borderaxespad=0.4, handletextpad=0.5)
        legend.set_zorder(7)

        caption = [
            "Points: catalog models with active parameters and training tokens; S = total /"
            " active parameters; whiskers: 90% intervals. Lines: the law's compute-optimal"
            " tokens per active parameter at each compute, times m(S) for sparsity 1:S. Bands:"
            f" {k_lo:.2g}x to {k_hi:.2g}x the optimum, where the same loss costs at most"
            f" {band:.0%} more compute (exponents of {cl.name}).",
        ]
        if any(p.epoch_inputs for p in points):
            caption.append(f"Data: {credit()}.")
        _caption(fig, ax, caption)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        obstacles = [legend.get_window_extent(renderer).padded(2)]
        obstacles += _point_boxes(ax, [p.compute for p in points], [p.tpp for p in points], 4)
        hl_points = sorted((p for p in points if p.model.id in hl_ids), key=lambda p: -p.tpp)
        rest = sorted((p for p in points if p.model.id not in hl_ids), key=lambda p: -p.compute)
        labels = [
            _Label(
                p.compute, p.tpp, p.model.name, must=True, color=HIGHLIGHT, weight="bold", size=8
            )
            for p in hl_points
        ]
        labels += [
            _Label(p.compute, p.tpp, text, color="#333333", leader=True)
            for p, text in _grouped_tpp(rest)
        ]
        _place_labels(ax, labels, obstacles)

        fig.canvas.draw()
    return fig


def _end_labels(
    ax: Axes,
    fig: Figure,
    items: Sequence[tuple[float, str, str]],
    x: float,
    *,
    bold: bool = True,
    gap: float = 0.09,
    size: float = 7.5,
) -> None:
    """Labels just right of the axes at each line's value at ``x``, nudged apart vertically
    (``gap`` in axes fraction) and kept inside the axes' height."""
    trans = ax.transData
    inv = ax.transAxes.inverted()
    ys = [float(inv.transform(trans.transform((x, y)))[1]) for y, _, _ in items]
    order = sorted(range(len(items)), key=lambda i: ys[i])
    placed: list[float] = []
    for i in order:
        placed.append(ys[i] if not placed else max(ys[i], placed[-1] + gap))
    overflow = placed[-1] - 1.0 if placed else 0.0
    if overflow > 0:  # push down from the top, keeping the gaps
        for j in range(len(placed) - 1, -1, -1):
            ceiling = 1.0 if j == len(placed) - 1 else placed[j + 1] - gap
            placed[j] = min(placed[j], ceiling)
    for i, y in zip(order, placed, strict=True):
        ax.text(
            1.01,
            y,
            items[i][1],
            transform=ax.transAxes,
            color=items[i][2],
            fontsize=size,
            va="center",
            ha="left",
            fontweight="bold" if bold else "normal",
            clip_on=False,
        )


def _grouped_tpp(points: Sequence[_TppPoint]) -> list[tuple[_TppPoint, str]]:
    seen: dict[tuple[float, float], list[_TppPoint]] = {}
    for p in points:
        key = (round(math.log10(p.compute), 3), round(math.log10(p.tpp), 3))
        seen.setdefault(key, []).append(p)
    return [(g[0], " / ".join(p.model.name for p in g)) for g in seen.values()]


# -- 3. memory by weight format against machine capacities ---------------------------------

#: The capacities drawn by default: 24, 32, 96, 128, 192, 512 GB and an 8 x 80 GB node.
DEFAULT_MACHINES = (
    "rtx-4090",
    "rtx-5090",
    "rtx-pro-6000",
    "m4-max-128",
    "m2-ultra-192",
    "m3-ultra-512",
    "8x-h100",
)

#: The memory plot turns to a log scale when its values span more than this factor.
LINEAR_SPAN = 20.0

_SHORTEN = (" desktop", " workstation", "GeForce ", " node")


def _machine_label(name: str) -> str:
    for word in _SHORTEN:
        name = name.replace(word, "")
    return name


def _plain_log_ticks(ax: Axes, lo: float, hi: float) -> None:
    """Major ticks at 1, 2, 5 x 10^k written as plain numbers (20, 50, 100, 1000...)."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    ticks = [
        m * 10.0**e
        for e in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
        for m in (1, 2, 5)
        if lo <= m * 10.0**e <= hi
    ]
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1 else f"{v:g}"))


def _format_label(fid: str, name: str, bits: float, native: bool) -> str:
    short = fid.upper() if len(fid) <= 8 else name.split(" ")[0]
    return f"{short}{'*' if native else ''}\n{bits:.2g} bpw"


def memory(
    model_name: str,
    *,
    context: int | str | None = None,
    kv_dtype: str | None = None,
    formats: Sequence[str] | None = None,
    machines: Sequence[str] | None = None,
    overhead_gb: float | None = None,
) -> Figure:
    """Memory to run a model by weight format (stacked bars: weights, KV cache at ``context``
    tokens, runtime overhead) against machine capacities (horizontal lines), from
    :mod:`flopcast.memory`. Formats default to the checkpoint's own followed by the quality
    ladder (``flopcast.memory.ladder()``); machines to :data:`DEFAULT_MACHINES`."""
    import flopcast.memory as mem

    ctx = mem.parse_context(context if context is not None else mem.DEFAULT_CONTEXT)
    kv = kv_dtype or mem.DEFAULT_KV_DTYPE
    overhead = mem.DEFAULT_OVERHEAD_GB if overhead_gb is None else overhead_gb
    spec = mem.model_spec(model_name)
    wanted = list(formats) if formats else [spec.native_format, *mem.ladder()]
    rows = []
    seen: set[str] = set()
    for name in wanted:
        try:
            est = mem.memory(spec, name, ctx, kv, 1, overhead)
        except FlopcastError:
            if formats:  # asked for by name: say why it cannot be drawn
                raise
            continue  # e.g. an MoE-only format for a dense model
        fid = est.weights.format.id
        if fid not in seen:
            seen.add(fid)
            rows.append(est)
    if not rows:
        raise FlopcastError(f"no weight format applies to {spec.name}")
    if not formats:  # largest first; the given order otherwise
        rows.sort(key=lambda r: -r.total)
    gear = [mem.machine(m) for m in (machines if machines is not None else DEFAULT_MACHINES)]

    gb = float(mem.GB)
    w = [r.weights.bytes / gb for r in rows]
    k = [r.kv.bytes / gb for r in rows]
    o = [r.overhead_per_device / gb for r in rows]
    totals = [a + b + c for a, b, c in zip(w, k, o, strict=True)]
    top_bar = max(totals)
    shown = sorted(
        (
            g
            for g in gear
            if g.memory_gb <= top_bar * 3 or g is min(gear, key=lambda g: g.memory_gb)
        ),
        key=lambda g: g.memory_gb,
    )
    caps = [g.memory_gb for g in shown]
    # a log scale when the values span more than LINEAR_SPAN (small segments stay visible)
    log = max([*totals, *caps]) / min(w) > LINEAR_SPAN
    y_lo = min([*w, *caps]) / 1.6 if log else 0.0
    y_hi = max([*totals, *caps]) * (1.35 if log else 1.1)
    scale = "log scale" if log else "linear scale"

    kv_known = rows[0].kv.known
    title = f"Memory to run {spec.name}, by weight format"
    params = f"{spec.total_params / 1e9:,.4g}B parameters loaded"
    if spec.active_params != spec.total_params:
        params += f", {spec.active_params / 1e9:,.3g}B active per token"
    kv_text = (
        f"KV cache at {ctx:,} tokens ({kv.upper()})"
        if kv_known
        else "KV cache not included (no config.json)"
    )
    subtitle = f"{params}; {kv_text}; overhead {overhead:g} GB\n" + (
        "Estimate from catalog figures (no config.json)."
        if spec.estimate
        else f"Every tensor from the {spec.source}."
    )
    fits = [
        f"{_machine_label(g.name)}: "
        + (
            ", ".join(
                r.weights.format.id for r in rows if mem.fit(r, g, remedies=False).verdict == "fits"
            )
            or "none"
        )
        for g in shown
    ]
    description = (
        f"Stacked bars of the memory {spec.name} needs at {len(rows)} weight formats "
        f"(weights, KV cache, overhead; {scale}) against the capacity of "
        f"{len(shown)} machines. Formats that fit: " + "; ".join(fits) + "."
    )
    with _style():
        fig = _new_figure(title, description)
        ax = fig.add_axes((0.085, 0.2, 0.675, 0.58))
        if log:
            ax.set_yscale("log")
            _plain_log_ticks(ax, y_lo, y_hi)
        ax.set_ylim(y_lo, y_hi)
        n = len(rows)
        ax.set_xlim(-0.6, n - 0.4)
        fig.text(0.085, 0.965, title, fontsize=10.5, fontweight="bold", va="top", ha="left")
        fig.text(
            0.085,
            0.918,
            subtitle,
            fontsize=7.5,
            color="#333333",
            va="top",
            ha="left",
            linespacing=1.4,
        )
        ax.set_ylabel(f"Memory (GB = 10⁹ bytes, {scale})")
        ax.set_xlabel("Weight format (bits per weight over all weights; * = the checkpoint's own)")
        xs = list(range(n))
        ax.grid(axis="x", visible=False)
        ax.bar(xs, w, width=0.68, color=OKABE_ITO["blue"], label="weights", zorder=2)
        if kv_known:
            ax.bar(
                xs,
                k,
                bottom=w,
                width=0.68,
                color=OKABE_ITO["orange"],
                label=f"KV cache ({ctx:,} tokens)",
                zorder=2,
            )
        ax.bar(
            xs,
            o,
            bottom=[a + b for a, b in zip(w, k, strict=True)],
            width=0.68,
            color=OKABE_ITO["sky_blue"],
            label="runtime overhead",
            zorder=2,
        )
        for x, t in zip(xs, totals, strict=True):
            ax.annotate(
                f"{t:,.0f}" if t >= 100 else f"{t:.3g}",
                (x, t),
                xytext=(0, 1.5),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=6.8,
                color="#222222",
                zorder=5,
            )
        ax.set_xticks(
            xs,
            [
                _format_label(
                    r.weights.format.id,
                    r.weights.format.name,
                    r.weights.bits_per_weight,
                    r.weights.format.id == spec.native_format,
                )
                for r in rows
            ],
            fontsize=6.8,
        )
        # capacities: a dashed line at each machine's memory; on unified memory a dotted one at
        # the GPU's default share of it (it can be raised)
        end_labels = []
        unified = False
        for g in shown:
            ax.axhline(g.memory_gb, color="#333333", lw=0.9, ls=(0, (6, 3)), zorder=3)
            end_labels.append((g.memory_gb, _machine_label(g.name), "#222222"))
            limit = g.gpu_limit_bytes() / gb
            if g.kind == "unified" and limit < g.memory_gb * 0.999:
                unified = True
                ax.axhline(limit, color="#777777", lw=0.8, ls=":", zorder=3)
                end_labels.append((limit, f"  GPU default: {limit:.3g} GB", "#666666"))
        _end_labels(ax, fig, end_labels, n - 0.4, bold=False, gap=0.048, size=6.8)
        ax.plot([], [], color="#333333", lw=0.9, ls=(0, (6, 3)), label="machine memory")
        if unified:
            ax.plot([], [], color="#777777", lw=0.8, ls=":", label="GPU default (unified memory)")
        handles, names = ax.get_legend_handles_labels()
        order = sorted(range(len(names)), key=lambda i: "machine" in names[i] or "GPU" in names[i])
        ax.legend(
            [handles[i] for i in order],
            [names[i] for i in order],
            loc="lower left",
            bbox_to_anchor=(0.0, 1.015),
            ncols=len(order),
            borderaxespad=0.0,
            handletextpad=0.4,
            handlelength=1.6,
            columnspacing=1.0,
            frameon=False,
            fontsize=7,
        ).set_zorder(7)
        caption = [
            "Bars: memory to load every weight (all experts of a mixture of experts) at each "
            "format, plus the KV cache of one sequence and the runtime overhead; the number "
            "on a bar is the total in GB. Lines: each machine's memory (vendor GB); on unified "
            "memory the GPU may use only part of it by default (dotted), more once the limit "
            "is raised. Weight bytes by flopcast.memory (llama.cpp recipes, data/formats.toml)."
        ]
        _caption(fig, ax, caption)
        fig.canvas.draw()
    return fig
