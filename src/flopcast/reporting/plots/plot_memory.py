"""Plot 3: memory to run a model by weight format against machine capacities."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from flopcast.errors import FlopcastError
from flopcast.reporting.plots.figure import OKABE_ITO, _caption, _new_figure, _style
from flopcast.reporting.plots.labels import _end_labels

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from flopcast.figures import Model


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

_SHORTEN = (" desktop", " workstation", "GeForce ", " node")


def _machine_label(name: str) -> str:
    for word in _SHORTEN:
        name = name.replace(word, "")
    return name


def _format_label(fid: str, name: str, bits: float, native: bool) -> str:
    short = fid.upper() if len(fid) <= 8 else name.split(" ")[0]
    return f"{short}{'*' if native else ''}\n{bits:.2g} bpw"


def memory(
    model_name: str | Model,
    *,
    context: int | str | None = None,
    kv_dtype: str | None = None,
    formats: Sequence[str] | None = None,
    machines: Sequence[str] | None = None,
    overhead_gb: float | None = None,
) -> Figure:
    """Memory to run a model by weight format (stacked bars: weights, KV cache at ``context``
    tokens, runtime overhead) against machine capacities (horizontal lines), from
    :mod:`flopcast.inference`. Formats default to the checkpoint's own followed by the quality
    ladder (``flopcast.inference.ladder()``); machines to :data:`DEFAULT_MACHINES`."""
    import flopcast.inference as mem

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
    # one linear scale for every model: bar heights and segments in proportion to the bytes
    y_hi = max([*totals, *caps]) * 1.1
    scale = "linear scale"

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
        ax.set_ylim(0.0, y_hi)
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
            "is raised. Weight bytes by flopcast.inference (llama.cpp recipes, data/formats.toml)."
        ]
        _caption(fig, ax, caption)
        return fig
