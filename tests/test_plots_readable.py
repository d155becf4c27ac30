"""Plots that show what they say: ``--highlight`` marks the one model it names, each plot draws
and labels its subject, labels never overlap, the legend sits outside the data and its band
swatch has the bands' colours, memory is on one linear scale with the machines marked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from matplotlib.colors import to_hex

from flopcast.reporting import plots

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.text import Text


@pytest.fixture(scope="module")
def tpp() -> Figure:
    return plots.tokens_per_param()


@pytest.fixture(scope="module")
def gpt4() -> Figure:
    return plots.timeline(["gpt-4"])


@pytest.fixture(scope="module")
def memory() -> Figure:
    return plots.memory("deepseek-v3")


@pytest.fixture(scope="module")
def trend() -> Figure:
    from flopcast.trends.forecast import placement_trend

    return plots.trend(placement_trend(), ["llama-4"])


def _labels(fig: Figure) -> list[Text]:
    return list(fig.axes[0].texts)


def _highlighted_points(fig: Figure) -> int:
    from matplotlib.collections import PathCollection

    n = 0
    for c in fig.axes[0].collections:
        if isinstance(c, PathCollection):
            colors = {to_hex(x) for x in (*c.get_facecolor(), *c.get_edgecolor())}
            if plots.HIGHLIGHT.lower() in colors:
                n += len(np.asarray(c.get_offsets()).reshape(-1, 2))
    return n


def test_highlight_names_one_model(gpt4: Figure) -> None:
    """``gpt-4`` is GPT-4: not its family (GPT-4o, GPT-4.5 are plain catalog points)."""
    assert _highlighted_points(gpt4) == 1
    emphasized = {t.get_text() for t in _labels(gpt4) if t.get_color() == plots.HIGHLIGHT}
    assert emphasized == {"GPT-4"}
    assert plots.alt_text(gpt4).endswith("highlighted: GPT-4; horizontal lines mark the "
                                         "regulatory thresholds.")  # fmt: skip


def test_a_family_name_still_highlights_the_family() -> None:
    assert _highlighted_points(plots.timeline(["llama-4"])) == 3


def _names(fig: Figure) -> set[str]:
    """Every model name in the point labels (a label may name several: ``A / B``)."""
    return {name for t in _labels(fig) for name in t.get_text().split(" / ")}


def test_tokens_per_param_labels_the_large_mixtures_of_experts(tpp: Figure) -> None:
    from flopcast.accounting import headline
    from flopcast.listing import models

    def flop(m: Any) -> float:
        c = headline(m).compute
        return 0.0 if c is None else c.value

    moe = sorted((m for m in models() if m.architecture == "moe"), key=flop, reverse=True)
    largest = {m.name for m in moe[:3]}  # Behemoth, DeepSeek-V4-Pro, GLM-5 as of 2026-12
    assert largest | {"DeepSeek-V3", "Kimi K2"} <= _names(tpp)


def test_timeline_draws_and_labels_its_subject(gpt4: Figure) -> None:
    assert "GPT-4" in _names(gpt4)


def test_trend_draws_and_labels_its_subjects(trend: Figure) -> None:
    assert _highlighted_points(trend) == 3
    texts = [t.get_text() for t in _labels(trend)]
    for name in ("Llama 4 Scout", "Llama 4 Maverick", "Llama 4 Behemoth (preview)"):
        assert any(t.startswith(f"{name}: ") and "the trend" in t for t in texts), name


def _overlapping_labels(fig: Figure) -> list[tuple[str, str]]:
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in _labels(fig)]
    return [
        (a, b)
        for i, (a, box_a) in enumerate(boxes)
        for b, box_b in boxes[i + 1 :]
        if box_a.overlaps(box_b)
    ]


@pytest.mark.parametrize("name", ["tpp", "gpt4", "trend", "memory"])
def test_no_label_overlaps_another(name: str, request: pytest.FixtureRequest) -> None:
    fig: Figure = request.getfixturevalue(name)
    assert _overlapping_labels(fig) == []


@pytest.mark.parametrize("name", ["tpp", "gpt4", "trend", "memory"])
def test_the_legend_never_covers_data(name: str, request: pytest.FixtureRequest) -> None:
    fig: Figure = request.getfixturevalue(name)
    ax = fig.axes[0]
    legend = ax.get_legend()
    assert legend is not None
    fig.draw_without_rendering()  # the legend finds its place when drawn
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    assert not legend.get_window_extent(renderer).overlaps(ax.get_window_extent(renderer))


def test_the_band_swatch_has_the_bands_colours(tpp: Figure) -> None:
    from matplotlib.collections import PolyCollection
    from matplotlib.patches import Patch

    bands = {
        to_hex(tuple(np.asarray(c.get_facecolor(), dtype=float).reshape(-1, 4)[0]))
        for c in tpp.axes[0].collections
        if isinstance(c, PolyCollection) and len(c.get_paths())
    }
    assert len(bands) == 3  # dense, 1:8, 1:32
    legend = tpp.axes[0].get_legend()
    assert legend is not None
    swatches = {to_hex(p.get_facecolor()) for p in legend.findobj(Patch) if isinstance(p, Patch)}
    assert bands <= swatches
    assert to_hex("#444444") not in swatches  # no grey stand-in


def test_memory_is_linear_with_every_machine_marked(memory: Figure) -> None:
    ax = memory.axes[0]
    assert ax.get_yscale() == "linear" and ax.get_ylim()[0] == 0
    levels = {
        float(np.asarray(line.get_ydata(), dtype=float)[0])
        for line in ax.get_lines()
        if len(line.get_ydata()) == 2  # type: ignore[arg-type]
    }
    texts = {t.get_text() for t in ax.texts}
    # DeepSeek-V3 (1,344 GB at BF16) against 24 GB to 640 GB: every machine drawn and named
    for capacity, name in ((24.0, "RTX 4090 (24 GB)"), (96.0, "RTX PRO 6000 Blackwell (96 GB)"),
                           (512.0, "Mac Studio (M3 Ultra, 512 GB)"),
                           (640.0, "8x H100 SXM (640 GB, DGX H100)")):  # fmt: skip
        assert capacity in levels
        assert name in texts
    bars = [p for p in ax.patches if p.get_height() > 0]  # type: ignore[attr-defined]
    assert max(p.get_height() for p in bars) == pytest.approx(1344, rel=0.01)  # type: ignore[attr-defined]
    assert "Memory to run DeepSeek-V3" in plots.alt_text(memory)
