"""Plot 2: tokens per active parameter against training compute, with the compute-optimal
ratio for each sparsity and the band of near-optimal over-training."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flopcast.errors import FlopcastError
from flopcast.reporting.given import given_label, is_given
from flopcast.reporting.names import _explicit, highlighted_models
from flopcast.reporting.plots.figure import (
    HIGHLIGHT,
    OKABE_ITO,
    _caption,
    _legend_above,
    _log_axis,
    _new_figure,
    _strokes,
    _style,
    _swatches,
)
from flopcast.reporting.plots.labels import _end_labels, _Label, _place_labels, _point_boxes

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from flopcast.figures import Model
    from flopcast.scaling.moe import MoeSpec


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


def _tpp_point(m: Model) -> _TppPoint | None:
    """A model with active parameters (or a dense total) and training tokens, as a point."""
    from flopcast.accounting import headline
    from flopcast.uncertainty import Sampling, propagate

    n_fig = m.figure("active_params") or (
        m.figure("total_params") if m.architecture == "dense" else None
    )
    d_fig = m.figure("training_tokens")
    if n_fig is None or d_fig is None or n_fig.quantity is None or d_fig.quantity is None:
        return None
    h = headline(m)  # the same compute every other view shows
    if h.compute is None:
        return None
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
    return _TppPoint(m, c.value, c.low, c.high, tpp.value, tpp.low, tpp.high, s, by_epoch)


def _tpp_points() -> list[_TppPoint]:
    """Catalog models with active parameters (or a dense total) and training tokens."""
    from flopcast.catalog import catalog

    return [p for p in map(_tpp_point, catalog()) if p is not None]


def _moe_title(moe: MoeSpec) -> str:
    from flopcast.scaling._data import scaling_settings
    from flopcast.scaling.moe import parse_moe_spec

    choice = parse_moe_spec(moe)
    if isinstance(choice, float):
        return f"m = {choice:g} for every sparse model (stated)"
    if choice == "none":
        return "no MoE adjustment (m = 1)"
    if choice == "default":
        return f"MoE multiplier {scaling_settings().default_moe.title}"
    return f"MoE multiplier: {scaling_settings().joint_moe.title} (depends on compute)"


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


#: How many of the largest models may be labelled further out, with a leader line.
LEADERS = 16

_SPARSITY_COLORS = (
    OKABE_ITO["blue"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["orange"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
)
_SPARSITY_MARKERS = ("o", "^", "s", "v", "P")


def tokens_per_param(
    highlight: Sequence[str | Model] = (),
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
    points += [p for p in map(_tpp_point, filter(is_given, chosen)) if p is not None]
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
    hl_names = ", ".join(given_label(by_id[i].model) for i in by_id if i in hl_ids)
    description = (
        f"Log-log plot of training tokens per active parameter against training compute for "
        f"{len(points)} catalog models, with the compute-optimal ratio under {lw.name} for "
        f"sparsities {', '.join(s_label(s) for s in sps)}"
        + (f"; highlighted: {hl_names}" if hl_names else "")
        + "."
    )
    with _style():
        fig = _new_figure(title, description)
        ax = fig.add_axes((0.085, 0.185, 0.785, 0.575))
        ax.set_xscale("log")
        ax.set_yscale("log")
        _log_axis(ax.xaxis)
        _log_axis(ax.yaxis)
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
        handles, names = ax.get_legend_handles_labels()
        colors = _SPARSITY_COLORS[: len(sps)]
        lines, line_handler = _strokes(colors, lw=1.6)
        bands, band_handler = _swatches(colors, alpha=0.25)
        handles += [lines, bands]
        names += [f"compute-optimal ({lw.name})", f"≤{band:.0%} extra compute for the same loss"]
        _legend_above(
            ax, handles, names, ncols=3, handler_map={lines: line_handler, bands: band_handler}
        )

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
        obstacles = _point_boxes(ax, [p.compute for p in points], [p.tpp for p in points], 4)
        hl_points = sorted((p for p in points if p.model.id in hl_ids), key=lambda p: -p.tpp)
        # the largest models first (the ones a reader looks for), then by compute
        rest = sorted(
            (p for p in points if p.model.id not in hl_ids),
            key=lambda p: (-_size(p), -p.compute),
        )
        labels = [
            _Label(
                p.compute,
                p.tpp,
                given_label(p.model),
                must=True,
                color=HIGHLIGHT,
                weight="bold",
                size=8,
            )
            for p in hl_points
        ]
        labels += [  # leader lines for the largest models only: the rest label nearby or not
            _Label(p.compute, p.tpp, text, color="#333333", leader=i < LEADERS, size=6.8)
            for i, (p, text) in enumerate(_grouped_tpp(rest))
        ]
        _place_labels(ax, labels, obstacles)

        return fig


def _grouped_tpp(points: Sequence[_TppPoint]) -> list[tuple[_TppPoint, str]]:
    seen: dict[tuple[float, float], list[_TppPoint]] = {}
    for p in points:
        key = (round(math.log10(p.compute), 3), round(math.log10(p.tpp), 3))
        seen.setdefault(key, []).append(p)
    return [(g[0], " / ".join(p.model.name for p in g)) for g in seen.values()]


def _size(p: _TppPoint) -> float:
    """A model's total parameters (its active ones if the total is unknown)."""
    total = p.model.value("total_params") or p.model.value("active_params")
    return 0.0 if total is None else total.value
