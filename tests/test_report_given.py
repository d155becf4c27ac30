"""A report for a model given by numbers: the model is in every plot, highlighted and labelled;
its figures are "given", not the catalog's; it has no invented release date."""

from __future__ import annotations

import math
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from flopcast.reporting.build import build
from flopcast.reporting.given import custom_model
from tests.conftest import CLI

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from flopcast.figures import Model

NAME = "Rumoured 2T"
LABEL = "Rumoured 2T (unreleased)"
ARGS = ("--name", NAME, "--active", "200B", "--total", "2T", "--tokens", "40T")
FLOP = 6 * 200e9 * 40e12  # 6·N·D = 4.8e25


@pytest.fixture(scope="module")
def rumoured() -> Model:
    return custom_model(name=NAME, active="200B", total="2T", tokens="40T")


def _highlighted(fig: Figure) -> list[tuple[float, float]]:
    """The data points of the figure's highlighted markers (edged or filled in vermillion)."""
    from matplotlib.collections import PathCollection
    from matplotlib.colors import to_hex

    from flopcast.reporting.plots import HIGHLIGHT

    out: list[tuple[float, float]] = []
    for c in fig.axes[0].collections:
        if not isinstance(c, PathCollection):
            continue
        colors = {to_hex(x) for x in (*c.get_edgecolor(), *c.get_facecolor())}
        if HIGHLIGHT.lower() in colors:
            xy = np.asarray(c.get_offsets(), dtype=float).reshape(-1, 2)
            out += [(float(x), float(y)) for x, y in xy]
    return out


def _drawn_at(points: list[tuple[float, float]], x: float, y: float) -> bool:
    return any(math.isclose(a, x, rel_tol=1e-6) and math.isclose(b, y, rel_tol=1e-6)
               for a, b in points)  # fmt: skip


def _texts(fig: Figure) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if isinstance(t, Text)]


def test_timeline_draws_and_labels_the_given_model(rumoured: Model) -> None:
    import matplotlib.dates as mdates

    from flopcast.reporting import plots

    fig = plots.timeline([rumoured])
    today = float(mdates.date2num(date.today()))  # type: ignore[no-untyped-call]
    assert _drawn_at(_highlighted(fig), today, FLOP)
    assert LABEL in _texts(fig)
    assert f"highlighted: {LABEL}" in plots.alt_text(fig)


def test_tokens_per_param_draws_and_labels_the_given_model(rumoured: Model) -> None:
    from flopcast.reporting import plots

    fig = plots.tokens_per_param([rumoured])
    # 40T tokens / 200B active parameters = 200 tokens per parameter, at 4.8e25 FLOP
    assert _drawn_at(_highlighted(fig), FLOP, 200)
    assert LABEL in _texts(fig)


def test_trend_draws_and_labels_the_given_model(rumoured: Model) -> None:
    from flopcast.reporting import plots
    from flopcast.trends import decimal_year
    from flopcast.trends.forecast import placement_trend

    fig = plots.trend(placement_trend(), [rumoured])
    assert _drawn_at(_highlighted(fig), decimal_year(date.today()), FLOP)
    assert any(t.startswith(f"{LABEL}: ") for t in _texts(fig))


def test_origins_say_given_and_no_release_date_is_invented(rumoured: Model) -> None:
    report = build(models=[rumoured])
    part = report.models[0]
    assert part.unreleased and part.to_dict()["released"] is None
    compute = part.section("compute")
    assert compute is not None
    assert "with the figures you gave" in compute.sentences[0]
    assert "catalog" not in " ".join(compute.sentences)
    origins = {row[0]: row[2] for row in compute.tables[0].rows}
    assert origins["active params"] == origins["tokens"] == "given"


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.alts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.alts.append(dict(attrs).get("alt") or "")


def test_cli_report_by_numbers(cli: CLI, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    r = cli("report", *ARGS, "-o", str(out))
    assert r.code == 0, r.err
    text = out.read_text(encoding="utf-8")
    assert "Not released; compared with what was known on" in text
    assert "from the catalog" not in text
    images = _Images()
    images.feed(text)
    # the timeline, tokens per parameter and trend plots: each names it among its highlights
    assert len(images.alts) == 3
    for alt in images.alts[:2]:
        assert f"highlighted: {LABEL}" in alt
    md = cli("report", *ARGS, "--date", "2026-06-01").out
    assert "Released 2026-06-01." in md
    assert not re.search(r"Released \d{4}-\d\d-\d\d\.", cli("report", *ARGS).out)


def test_date_is_for_numbers_only(cli: CLI) -> None:
    r = cli("report", "maverick", "--date", "2026-01-01")
    assert r.code == 2 and "--date is for a model given by numbers" in r.err
    r = cli("report", *ARGS, "--date", "soon")
    assert r.code == 2 and "YYYY-MM-DD" in r.err
