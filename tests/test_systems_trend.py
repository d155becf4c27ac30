"""Trends in the largest AI supercomputers (``flopcast.trends.systems``, ``flopcast trend
--systems``): Pilz et al. 2025's figures reproduced on the shipped GPU Clusters snapshot, the fit
against a hand computation, and the command end to end."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

import pytest

from flopcast.errors import FlopcastError
from flopcast.trends.systems import (
    METRICS,
    SystemsSelection,
    fit_systems_trend,
    ranks,
    settings,
    systems_trends,
)
from tests.conftest import CLI
from tests.readable import assert_readable


@pytest.fixture(autouse=True)
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The shipped GPU Clusters snapshot (2026-04), whatever this machine has imported."""
    from flopcast.systems import _active

    monkeypatch.setenv("FLOPCAST_DATA_DIR", str(tmp_path / "data"))
    _active.cache_clear()
    yield
    _active.cache_clear()


# -- Pilz et al. 2025 on the shipped snapshot -------------------------------------------------

# Selection: Epoch AI's GPU Clusters snapshot 2026-04; systems of Epoch AI's standard analysis
# ("Include in Standard Analysis") in the top 10 by 16-bit FLOP/s among the standard systems
# first operational by their date, first operational 2019-01-01 or later (no end), with the
# metric; OLS of log10(metric) on decimal year. Pilz et al. had 57 such systems in 2025.
PINNED = {
    # metric: (systems, growth x/yr computed from the data)
    "performance": (59, 2.518),
    "h100e": (59, 2.773),
    "chips": (55, 1.585),
    "power": (53, 1.903),
    "cost": (48, 1.869),
}


@pytest.mark.parametrize("metric", list(PINNED))
def test_leading_systems_growth_is_pinned_and_pilz_lies_in_its_interval(metric: str) -> None:
    n, growth = PINNED[metric]
    tr = fit_systems_trend(metric)
    assert tr.n == n
    assert tr.growth == pytest.approx(growth, abs=5e-4)
    assert tr.first >= date(2019, 1, 1)
    assert all(p.rank is not None and p.rank <= 10 for p in tr.points)
    lo, hi = tr.growth_interval()
    assert lo < tr.growth < hi
    if metric == "h100e":  # Pilz et al. give no growth of H100-equivalents
        assert tr.published is None and tr.ratio is None
        return
    # The published figure (2.5x performance, 1.6x chips, 2.0x power, 1.9x cost) lies inside
    # this fit's 90% bootstrap interval: the shipped data reproduce the paper.
    assert tr.published is not None
    assert lo <= tr.published.growth <= hi and tr.published_inside
    assert tr.ratio == pytest.approx(growth / tr.published.growth, abs=1e-3)


def test_the_headline_doubling_times() -> None:
    # Pilz et al.: performance doubles every ~9 months; 12·log10(2)/log10(2.518) = 9.0 months.
    perf = fit_systems_trend("performance")
    assert perf.doubling_months == pytest.approx(12 * math.log10(2) / math.log10(2.518), abs=0.01)
    assert round(perf.doubling_months) == 9
    # Power and cost: "doubled every year" (abstract), "every 13 months" (data insights)
    for metric in ("power", "cost"):
        assert 12 <= round(fit_systems_trend(metric).doubling_months) <= 13


def test_all_systems_grow_slower_than_the_leading_ones() -> None:
    # Selection: every system of the standard analysis first operational from 2019-01-01 with a
    # 16-bit figure (381 systems): 2.08x/yr, below the leading systems' 2.52x/yr.
    tr = fit_systems_trend("performance", SystemsSelection("all"))
    assert tr.n == 381
    assert tr.growth == pytest.approx(2.083, abs=5e-4)
    assert not tr.published_inside


def test_published_figures_come_from_the_data_file_with_sources() -> None:
    s = settings()
    assert s["source"] == "https://arxiv.org/abs/2504.16026"
    assert s["top"] == 10 and s["from_"] == "2019-01-01"
    growth = {k: v["growth"] for k, v in s["published"].items()}
    assert growth == {"performance": 2.5, "chips": 1.6, "power": 2.0, "cost": 1.9}
    assert all(v["source"].startswith("https://") for v in s["published"].values())
    assert set(s["published"]) <= set(METRICS)


# -- the fit against a hand computation ------------------------------------------------------


Row = tuple[str, str, float, float | None, float | None]


def _csv(path: Path, rows: Sequence[Row]) -> str:
    """A GPU Clusters CSV in flopcast's normalized columns: every row in the standard analysis."""
    lines = ["name,status,first_operational,h100e,flops16,power_mw,cost_usd,standard"]
    for name, day, flops, power, cost in rows:
        cells = [name, "Existing", day, "1", repr(flops)]
        cells += ["" if power is None else repr(power), "" if cost is None else repr(cost), "true"]
        lines.append(",".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


#: log10 16-bit FLOP/s 18, 18.5, 18.7, 19.4, 19.6 on 1 January 2020..2024 (decimal years
#: 2020.0..2024.0); each is the most powerful yet, so all five are "leading".
TINY = [
    (f"s{k}", f"{2020 + k}-01-01", 10**y, 10 ** (1 + 0.3 * k), None)
    for k, y in enumerate((18.0, 18.5, 18.7, 19.4, 19.6))
]


def test_the_fit_of_a_tiny_set_by_hand(tmp_path: Path) -> None:
    data = _csv(tmp_path / "tiny.csv", TINY)
    tr = fit_systems_trend("performance", SystemsSelection(data=data))
    # t̄ = 2022, t − t̄ = −2..2 (Σ = 10); ȳ = 94.2/5 = 18.84, y − ȳ = −0.84, −0.34, −0.14,
    # 0.56, 0.76; Σ(t − t̄)(y − ȳ) = 1.68 + 0.34 + 0 + 0.56 + 1.52 = 4.10 → b = 0.41 OOM/yr
    assert tr.oom_per_year == pytest.approx(0.41, abs=1e-12)
    assert tr.growth == pytest.approx(10**0.41, rel=1e-12)  # 2.5704x/yr
    assert tr.doubling_months == pytest.approx(12 * 0.30103 / 0.41, rel=1e-4)  # 8.811 months
    assert tr.line.t0 == 2022.0 and tr.line.a == pytest.approx(18.84, abs=1e-12)
    # residuals −0.02, 0.07, −0.14, 0.15, −0.06: SSE 0.051; SST 1.732 → R² = 0.97055
    assert tr.r2 == pytest.approx(1 - 0.051 / 1.732, abs=1e-9)
    assert tr.resid_sd == pytest.approx(math.sqrt(0.051 / 3), abs=1e-9)
    # power rises 0.3 OOM a year exactly: a perfect line, 10^0.3 = 1.995x/yr, no scatter
    power = fit_systems_trend("power", SystemsSelection(data=data))
    assert power.growth == pytest.approx(10**0.3, rel=1e-12)
    lo, hi = power.growth_interval()
    assert lo == pytest.approx(10**0.3, rel=1e-9) and hi == pytest.approx(10**0.3, rel=1e-9)


def test_the_bootstrap_is_seeded(tmp_path: Path) -> None:
    data = _csv(tmp_path / "tiny.csv", TINY)
    sel = SystemsSelection(data=data)
    a = fit_systems_trend("performance", sel, seed=7)
    b = fit_systems_trend("performance", sel, seed=7)
    c = fit_systems_trend("performance", sel, seed=8)
    assert a.line.boot_b == b.line.boot_b and a.line.boot_b != c.line.boot_b


def test_leading_is_the_running_top_n_by_16_bit_performance(tmp_path: Path) -> None:
    # s2 (2021) is smaller than s1 (2020): rank 2; with --top 1 it is not leading.
    rows = [
        ("s0", "2019-01-01", 1e17, None, None),
        ("s1", "2020-01-01", 1e18, None, None),
        ("s2", "2021-01-01", 5e17, None, None),
        ("s3", "2022-01-01", 2e18, None, None),
    ]
    data = _csv(tmp_path / "rank.csv", rows)
    from flopcast.systems import read_systems_csv

    assert ranks(read_systems_csv(data).systems) == {"s0": 1, "s1": 1, "s2": 2, "s3": 1}
    with pytest.raises(FlopcastError, match="3 systems"):
        fit_systems_trend("performance", SystemsSelection(top=1, data=data, start=date(2010, 1, 1)))


@pytest.mark.parametrize(
    ("kwargs", "metric", "message"),
    [
        ({}, "speed", "unknown metric 'speed': use performance, h100e, chips, power, cost"),
        ({"select": "top"}, "performance", "select 'top' for systems: use leading or all"),
        ({"start": date(2024, 1, 1), "end": date(2019, 1, 1)}, "power", "is after"),
        ({"top": 0}, "performance", "top 0: use 1 to 1000"),
        ({"start": date(2025, 6, 1)}, "performance", "a trend needs at least 5"),
    ],
)
def test_bad_selections_are_one_line_errors(
    kwargs: dict[str, object], metric: str, message: str
) -> None:
    with pytest.raises(FlopcastError, match=re.escape(message)):
        fit_systems_trend(metric, SystemsSelection(**kwargs))  # type: ignore[arg-type]


def test_to_dict_is_plain_json() -> None:
    import json

    res = systems_trends(["performance", "cost"])
    text = json.dumps(res.to_dict(), allow_nan=False)
    data = json.loads(text)
    assert [t["metric"] for t in data["trends"]] == ["performance", "cost"]
    assert res["cost"].metric == "cost"
    assert "Epoch AI, 'GPU Clusters' dataset (snapshot 2026-04)" in data["credit"]


# -- the command ---------------------------------------------------------------------------


def test_trend_systems_prints_each_metric_beside_pilz_at_80_columns(
    cli: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    r = cli("trend", "--systems")
    assert r.code == 0, r.err
    assert_readable(r.out, 80)
    assert r.out.startswith(
        "Growth of leading AI supercomputers, first operational from 2019-01-01"
    )
    for label in ("16-bit performance", "H100-equivalents", "AI chips", "power", "hardware cost"):
        assert re.search(rf"^{label}\s+\d+ systems, 2019-", r.out, re.M), label
    # performance 2.518x/yr beside Pilz et al.'s 2.5x/yr: ratio 2.518/2.5 = 1.01
    assert re.search(r"^growth\s+2\.52x/yr \(0\.40 OOM/yr\)\s+90%: ", r.out, re.M)
    assert re.search(r"^Pilz et al\. 2025 \[\d\]\s+2\.5x/yr\s+ratio 1\.01 \(inside", r.out, re.M)
    assert re.search(r"^Pilz et al\. 2025 \[\d\]\s+2\.0x/yr\s+ratio 0\.95 \(inside", r.out, re.M)
    assert "Epoch AI, 'GPU Clusters' dataset (snapshot 2026-04)" in r.out
    assert "https://arxiv.org/abs/2504.16026" in r.out


def test_trend_systems_json(cli: CLI) -> None:
    r = cli("trend", "--systems", "--metric", "power", "--select", "all", "--json")
    assert r.code == 0, r.err
    data = r.json()
    (power,) = data["trends"]
    assert power["metric"] == "power" and power["selection"]["select"] == "all"
    assert power["published"]["growth_per_year"] == 2.0
    assert power["growth_per_year_90"][0] < power["growth_per_year"]
    assert power["systems"] == len(power["points"])
    assert "GPU Clusters" in data["credit"]


def test_trend_systems_reads_a_csv(cli: CLI, tmp_path: Path) -> None:
    data = _csv(tmp_path / "tiny.csv", TINY)
    r = cli("trend", "--systems", "--data", data, "--metric", "performance")
    assert r.code == 0, r.err
    assert "2.57x/yr (0.41 OOM/yr)" in r.out  # 10^0.41, the hand computation above
    assert "read from tiny.csv" in r.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--metric", "speed"), "unknown --metric 'speed'"),
        (("--select", "notable"), "--select 'notable' for systems: use leading or all"),
        (("--from", "2025-06"), "1 system with a 16-bit performance figure, a trend needs at"),
        (("--metric", "cost", "--from", "2025-04", "--select", "all"), "4 systems with a hard"),
        (("--from", "2024", "--to", "2019"), "--from 2024-01-01 is after --to 2019-12-31"),
        (("--from", "2024-13"), "--from '2024-13': write a date as YYYY, YYYY-MM"),
        (("--to", "someday"), "--to 'someday'"),
        (("--top", "0"), "--top 0: use 1 to 1000"),
        (("--at", "2027"), "--at is for trends of training compute, not with --systems"),
        (("--resamples", "5"), "--resamples 5"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli: CLI, args: tuple[str, ...], message: str) -> None:
    r = cli("trend", "--systems", *args)
    assert r.code == 2
    assert r.out == ""
    assert r.err.count("\n") == 1 and message in r.err


def test_metric_without_systems_is_refused(cli: CLI) -> None:
    r = cli("trend", "--metric", "power")
    assert r.code == 2 and "--metric is for --systems" in r.err


# -- the plot --------------------------------------------------------------------------------


@pytest.mark.slow  # draws a figure
def test_the_plotted_lines_are_the_fitted_and_the_published_ones() -> None:
    import numpy as np
    import numpy.typing as npt
    from matplotlib.artist import Artist
    from matplotlib.lines import Line2D

    from flopcast.reporting.plots import systems_trend
    from flopcast.reporting.plots.plot_systems_trend import PUBLISHED_GID, SYSTEMS_FIT_GID

    tr = fit_systems_trend("power")
    fig = systems_trend(tr)

    def xy(gid: str) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        (line,) = [a for a in fig.findobj(Artist) if a.get_gid() == gid]
        assert isinstance(line, Line2D)
        return np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)

    x, y = xy(SYSTEMS_FIT_GID)
    # log10 P = a + b·(t − t0) with the fit's own coefficients, over the systems' dates
    assert np.allclose(np.log10(y), tr.line.a + tr.line.b * (x - tr.line.t0), atol=1e-9)
    assert x[0] == pytest.approx(tr.points[0].t) and x[-1] == pytest.approx(tr.points[-1].t)
    x, y = xy(PUBLISHED_GID)
    # the published 2.0x/yr through the same centre: slope log10(2.0) = 0.30103 OOM/yr
    assert np.allclose(np.diff(np.log10(y)) / np.diff(x), math.log10(2.0), atol=1e-9)


@pytest.mark.slow  # draws a figure
def test_plot_trend_systems_writes_a_file(cli: CLI, tmp_path: Path) -> None:
    out = tmp_path / "systems.svg"
    r = cli("plot", "trend", "--systems", "--metric", "cost", "-o", str(out))
    assert r.code == 0, r.err
    assert out.read_text(encoding="utf-8").startswith("<?xml")
    bad = cli("plot", "trend", "--systems", "--metric", "speed", "-o", str(tmp_path / "x.png"))
    assert bad.code == 2 and bad.err.count("\n") == 1 and "unknown --metric 'speed'" in bad.err
    bad = cli("plot", "trend", "--systems", "--until", "2030")
    assert bad.code == 2 and "--until is for trends of training compute" in bad.err
