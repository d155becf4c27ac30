"""``flopcast plot trend``: the plotted line is the fitted one, the band and cone bracket it,
the file is written, and bad input fails in one line."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pytest

from flopcast.errors import FlopcastError
from flopcast.reporting.plots import trend as trend_figure
from flopcast.reporting.plots.plot_trend import BAND_GID, CONE_GID, FIT_GID, FORECAST_GID
from flopcast.trends import Selection, fit_trend
from tests.conftest import CLI

pytestmark = pytest.mark.slow  # builds real models or figures: run by CI, skipped by -m 'not slow'

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.figure import Figure


def _artist(fig: Figure, gid: str) -> Artist:
    from matplotlib.artist import Artist

    found = [a for a in fig.findobj(Artist) if isinstance(a, Artist) and a.get_gid() == gid]
    assert len(found) == 1, gid
    return found[0]


def _xy(fig: Figure, gid: str) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    from matplotlib.lines import Line2D

    line = _artist(fig, gid)
    assert isinstance(line, Line2D)
    x = np.asarray(line.get_xdata(), dtype=np.float64)
    y = np.asarray(line.get_ydata(), dtype=np.float64)
    return x, y


def test_the_plotted_line_is_the_fitted_one() -> None:
    from matplotlib.collections import PolyCollection

    trend = fit_trend(Selection("frontier", date(2018, 1, 1)))
    fig = trend_figure(trend, ["behemoth"], until=2029.0)
    line = trend.line
    for gid in (FIT_GID, FORECAST_GID):
        x, y = _xy(fig, gid)
        # log10 C = a + b·(t − t0), from the fit's own coefficients
        assert np.allclose(np.log10(y), line.a + line.b * (x - line.t0), rtol=0, atol=1e-9)
    fit_x, _ = _xy(fig, FIT_GID)
    cast_x, _ = _xy(fig, FORECAST_GID)
    assert fit_x[0] == pytest.approx(trend.points[0].t)
    assert fit_x[-1] == pytest.approx(trend.points[-1].t) == cast_x[0]
    assert cast_x[-1] == pytest.approx(2029.0)
    for gid in (BAND_GID, CONE_GID):
        band = _artist(fig, gid)
        assert isinstance(band, PolyCollection)
        verts = band.get_paths()[0].vertices
        assert np.isfinite(verts).all()
    # the band holds the line: at the middle of the data the line is between its edges
    mid = float(fit_x[len(fit_x) // 2])
    lo, hi = np.percentile(line.boot_log10_at(mid), [5, 95])
    assert lo < line.log10_at(mid) < hi
    texts = [t.get_text() for t in fig.texts] + [t.get_text() for t in fig.axes[0].texts]
    assert any("Llama 4 Behemoth" in t and "OOM below the trend" in t for t in texts)
    assert any("Epoch AI, 'Notable AI Models' dataset (snapshot 2026-04)" in t for t in texts)


def test_plot_trend_command_writes_the_file(cli: CLI, tmp_path: Path) -> None:
    out = tmp_path / "t.png"
    r = cli("plot", "trend", "--select", "frontier", "--from", "2018", "--highlight", "behemoth",
            "-o", str(out))  # fmt: skip
    assert r.code == 0, r.err
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert r.out.strip() == str(out)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-o", "t.gif"), "use a .png or .svg file name"),
        (("--until", "2020"), "--until"),
        (("--select", "nosuchlab"), "unknown selection"),
        (("--from", "2024-13"), "--from '2024-13'"),
    ],
)
def test_plot_trend_bad_input(cli: CLI, args: tuple[str, ...], message: str) -> None:
    r = cli("plot", "trend", *args)
    assert r.code == 2 and r.err.count("\n") == 1 and message in r.err


def test_until_must_follow_the_data() -> None:
    trend = fit_trend(Selection("frontier", date(2018, 1, 1)))
    with pytest.raises(FlopcastError):
        trend_figure(trend, until=2000.0)
