"""The report's figures: they build for the Llama 4 family, write PNG and SVG that decode, carry
labelled axes with units, and the commands write them (or fail in one line)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from flopcast.errors import FlopcastError
from flopcast.reporting import plots
from tests.conftest import CLI

pytestmark = pytest.mark.slow  # builds real models or figures: run by CI, skipped by -m 'not slow'

if TYPE_CHECKING:
    from matplotlib.figure import Figure

LLAMA4 = ("llama-4-scout", "maverick", "behemoth")


@pytest.fixture(scope="module")
def timeline_fig() -> Figure:
    return plots.timeline(LLAMA4)


@pytest.fixture(scope="module")
def tpp_fig() -> Figure:
    return plots.tokens_per_param(LLAMA4, law="fixed:40")


def _texts(fig: Figure) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if isinstance(t, Text)]


def _decode_png(path: Path) -> Any:
    import matplotlib.image

    return matplotlib.image.imread(path)


def _check_files(fig: Figure, tmp_path: Path, name: str) -> None:
    png = plots.save(fig, tmp_path / f"{name}.png")
    image = _decode_png(png)
    height, width = image.shape[:2]
    assert (width, height) == (1200, 675)  # 8 x 4.5 in at 150 dpi
    assert image.std() > 0.05  # not a blank canvas
    svg = plots.save(fig, tmp_path / f"{name}.svg")
    root = ET.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = svg.read_text(encoding="utf-8")
    assert "<dc:date>" not in text  # no timestamp: the same input gives the same file
    assert plots.to_svg_text(fig) == text
    assert plots.to_png_bytes(fig) == png.read_bytes()


def _axis_labels(fig: Figure) -> tuple[str, str]:
    ax = fig.axes[0]
    return ax.get_xlabel(), ax.get_ylabel()


def _overlaps(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of point labels (and the caption against the x axis) that overlap on the page."""
    from matplotlib.text import Annotation

    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    ax = fig.axes[0]
    notes = [t for t in ax.texts if isinstance(t, Annotation)]
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in notes]
    out = [
        (a, b)
        for i, (a, box_a) in enumerate(boxes)
        for b, box_b in boxes[i + 1 :]
        if box_a.overlaps(box_b)
    ]
    caption = fig.texts[-1].get_window_extent(renderer)
    xaxis = ax.xaxis.get_tightbbox(renderer)
    if xaxis is not None and caption.overlaps(xaxis):
        out.append(("caption", "x axis"))
    return out


@pytest.mark.parametrize("name", ["timeline_fig", "tpp_fig"])
def test_labels_do_not_overlap(name: str, request: pytest.FixtureRequest) -> None:
    fig: Figure = request.getfixturevalue(name)
    assert _overlaps(fig) == []


def test_timeline_files(timeline_fig: Figure, tmp_path: Path) -> None:
    _check_files(timeline_fig, tmp_path, "timeline")


def test_timeline_content(timeline_fig: Figure) -> None:
    from flopcast.epoch import credit

    x, y = _axis_labels(timeline_fig)
    assert "date" in x.lower()
    assert "(FLOP" in y
    ax = timeline_fig.axes[0]
    assert ax.get_yscale() == "log"
    levels = set()
    for line in ax.get_lines():
        ys = [float(v) for v in np.asarray(line.get_ydata(), dtype=float)]
        if len(ys) == 2 and ys[0] == ys[1]:
            levels.add(ys[0])
    assert {1e25, 1e26} <= levels
    texts = _texts(timeline_fig)
    assert any(credit() in t for t in texts)
    assert any("EU AI Act" in t for t in texts)
    for name in ("Llama 4 Scout", "Llama 4 Maverick", "Llama 4 Behemoth (preview)"):
        assert name in texts
    assert "Epoch AI" in plots.alt_text(timeline_fig)


def test_timeline_family_highlight_and_window() -> None:
    fig = plots.timeline(["llama-4"], start="2023", end="2025-12-31")
    texts = _texts(fig)
    assert "Llama 4 Maverick" in texts
    assert "GPT-3 175B" not in texts  # released before the window


def test_tokens_per_param_files(tpp_fig: Figure, tmp_path: Path) -> None:
    _check_files(tpp_fig, tmp_path, "tpp")


def test_tokens_per_param_content(tpp_fig: Figure) -> None:
    x, y = _axis_labels(tpp_fig)
    assert "(FLOP" in x
    assert "tokens per active parameter" in y.lower()
    ax = tpp_fig.axes[0]
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
    texts = _texts(tpp_fig)
    assert any("fixed:40" in t and "m(S) = 3 (S/8)^0.5" in t for t in texts)
    # the optimum for each sparsity at the right edge: 40, 3 x 40, 6 x 40 tokens per parameter
    assert {"dense: 40", "1:8: 120\n(m = 3)", "1:32: 240\n(m = 6)"} <= set(texts)
    for name in ("Llama 4 Scout", "Llama 4 Maverick", "Llama 4 Behemoth (preview)"):
        assert name in texts


def test_tokens_per_param_other_law() -> None:
    fig = plots.tokens_per_param(["maverick"], law="hoffmann2022", sparsities=(1, 24))
    texts = _texts(fig)
    assert any("hoffmann2022" in t for t in texts)
    assert any(t.startswith("1:24: ") for t in texts)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: plots.timeline(["no-such-model"]), "unknown model"),
        (lambda: plots.timeline(start="2025", end="2024"), "is not after"),
        (lambda: plots.timeline(start="soon"), "write a date"),
        (lambda: plots.tokens_per_param(["gpt-4.5"]), "cannot be placed"),
        (lambda: plots.tokens_per_param(law="nope"), "unknown scaling law"),
        (lambda: plots.tokens_per_param(sparsities=(0.5,)), "S >= 1"),
    ],
)
def test_bad_input(call: Callable[[], object], message: str) -> None:
    with pytest.raises(FlopcastError, match=message):
        call()


def test_save_needs_png_or_svg(timeline_fig: Figure, tmp_path: Path) -> None:
    with pytest.raises(FlopcastError, match=r"use a \.png or \.svg"):
        plots.save(timeline_fig, tmp_path / "plot.pdf")


# -- the commands ----------------------------------------------------------------------------


def test_cli_timeline(cli: CLI, tmp_path: Path) -> None:
    out = tmp_path / "timeline.svg"
    r = cli(
        "plot", "timeline", "--highlight", "maverick", "--highlight", "behemoth", "-o", str(out)
    )
    assert r.code == 0, r.err
    assert r.out.strip() == str(out)
    ET.parse(out)


def test_cli_tokens_per_param_json(cli: CLI, tmp_path: Path) -> None:
    out = tmp_path / "tpp.png"
    r = cli(
        "plot",
        "tokens-per-param",
        "--law",
        "fixed:40",
        "--highlight",
        "llama-4",
        "-o",
        str(out),
        "--json",
    )
    assert r.code == 0, r.err
    assert r.json() == {"path": str(out)}
    assert _decode_png(out).shape[:2] == (675, 1200)


def test_cli_default_path(cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    r = cli("plot", "timeline")
    assert r.code == 0, r.err
    assert r.out.strip() == "timeline.png"
    assert (tmp_path / "timeline.png").stat().st_size > 10_000


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("plot", "timeline", "--highlight", "no-such-model"), "unknown model"),
        (("plot", "bogus"), "No such command"),
        (("plot", "timeline", "-o", "plot.pdf"), "use a .png or .svg file name"),
        (("plot", "tokens-per-param", "--law", "nope", "-o", "x.png"), "unknown scaling law"),
    ],
)
def test_cli_bad_input(cli: CLI, args: tuple[str, ...], message: str) -> None:
    r = cli(*args)
    assert r.code == 2
    assert message in r.err
    assert r.err.count("\n") == 1 and r.err.startswith("flopcast: error:")
    assert not r.out


# -- memory ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def memory_fig() -> Figure:
    return plots.memory("scout", context="32k")


def test_memory_files(memory_fig: Figure, tmp_path: Path) -> None:
    _check_files(memory_fig, tmp_path, "memory")


def test_memory_content(memory_fig: Figure) -> None:
    x, y = _axis_labels(memory_fig)
    assert "format" in x.lower()
    assert "(GB" in y
    ax = memory_fig.axes[0]
    levels = set()
    for line in ax.get_lines():
        ys = [float(v) for v in np.asarray(line.get_ydata(), dtype=float)]
        if len(ys) == 2 and ys[0] == ys[1]:
            levels.add(ys[0])
    assert {24.0, 32.0, 96.0, 128.0, 192.0, 512.0, 640.0} <= levels
    texts = _texts(memory_fig)
    assert any("KV cache at 32,768 tokens" in t for t in texts)
    assert any(t.startswith("Q4_K_M\n") for t in texts)
    # the acceptance check in words: Scout at 4 bits fits 96 GB+ machines, not one 24 GB GPU
    alt = plots.alt_text(memory_fig)
    assert "RTX 4090 (24 GB): none" in alt
    assert "q4_k_m" in alt.split("RTX PRO 6000 Blackwell (96 GB):")[1].split(";")[0]


def test_memory_small_model_linear_and_chosen_formats() -> None:
    fig = plots.memory("llama-3.1-8b", formats=["bf16", "q4_k_m"], machines=["rtx 4090"])
    ax = fig.axes[0]
    assert ax.get_yscale() == "linear"
    assert [t.get_text().split("\n")[0] for t in ax.get_xticklabels()] == ["BF16*", "Q4_K_M"]


def test_memory_estimate_without_config() -> None:
    texts = _texts(plots.memory("behemoth"))
    assert any("KV cache not included" in t for t in texts)


def test_cli_memory(cli: CLI, tmp_path: Path) -> None:
    out = tmp_path / "m.png"
    r = cli("plot", "memory", "scout", "--context", "32k", "-o", str(out), "--json")
    assert r.code == 0, r.err
    assert r.json() == {"path": str(out)}
    assert _decode_png(out).shape[:2] == (675, 1200)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("plot", "memory", "no-such-model", "-o", "m.png"), "unknown model"),
        (("plot", "memory", "scout", "--context", "lots", "-o", "m.png"), "context"),
        (("plot", "memory", "scout", "--machine", "toaster", "-o", "m.png"), "unknown machine"),
        (("plot", "memory", "scout", "-o", "m.jpg"), "use a .png or .svg file name"),
    ],
)
def test_cli_memory_bad_input(cli: CLI, args: tuple[str, ...], message: str) -> None:
    r = cli(*args)
    assert r.code == 2
    assert message in r.err
    assert r.err.count("\n") == 1
