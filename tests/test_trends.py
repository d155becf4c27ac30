"""Trends in training compute: the shipped snapshot, selections, the fit and its bootstrap, the
change-of-slope test, forecasts, placements and model counts."""

from __future__ import annotations

import csv
import math
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flopcast.datafiles import data_path
from flopcast.errors import FlopcastError
from flopcast.trends import (
    Selection,
    date_of,
    decimal_year,
    fit_trend,
    midpoint,
    month,
    parse_period,
    points,
    selected,
)
from flopcast.trends.count import count_above
from flopcast.trends.fit import _f_sf
from flopcast.trends.forecast import at, place, placement_trend, when
from tests.conftest import CLI

SNAPSHOT = data_path("epoch_notable.csv")
ACCEPTANCE = Selection("notable", date(2010, 1, 1), date(2024, 5, 31))


def _write_csv(path: Path, rows: list[tuple[str, str, float, str]]) -> str:
    """A minimal Epoch AI-style CSV: (model, date, compute, confidence) rows."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Model", "Organization", "Publication date", "Domain", "Confidence",
                    "Training compute (FLOP)"])  # fmt: skip
        for name, day, flop, conf in rows:
            w.writerow([name, "Lab A" if name < "m" else "Lab B", day, "Language", conf, flop])
    return str(path)


def _line_csv(tmp_path: Path, slope: float = 0.5, kink: float | None = None) -> str:
    """Noiseless models on log10 C = 20 + slope·(t − 2010), plus `kink` OOM/yr after 2016."""
    rows = []
    for i in range(40):
        d = date(2010 + i // 4, 1 + 3 * (i % 4), 1)
        t = decimal_year(d)
        y = 20 + slope * (t - 2010) + (kink * max(0.0, t - 2016) if kink else 0.0)
        rows.append((f"m{i:02d}", d.isoformat(), 10**y, "Confident"))
    return _write_csv(tmp_path / "line.csv", rows)


# -- the shipped snapshot -------------------------------------------------------------------


def test_shipped_snapshot_has_every_domain_and_language_lookups_are_unchanged() -> None:
    from flopcast.epoch import epoch_rows, read_epoch_csv

    rows = read_epoch_csv(SNAPSHOT, language_only=False).rows
    domains = {d.strip() for r in rows for d in r.domain.split(",")}
    assert {"Language", "Vision", "Games", "Biology", "Speech"} <= domains
    assert len(rows) == 1014  # 1,017 rows in Epoch AI's 2026-04 CSV, 3 without a date
    language = [r for r in rows if "language" in r.domain.lower()]
    assert len(language) == 514
    assert len(epoch_rows()) == 514  # model look-up and the frontier read the language rows
    assert all("language" in r.domain.lower() for r in epoch_rows())


def test_running_top_10_contains_every_model_epoch_ai_flags_as_frontier() -> None:
    # Epoch AI flag frontier models over their whole database (more models than the notable
    # subset), so each of their frontier models is in the top 10 of the notable subset too.
    from flopcast.epoch import read_epoch_csv

    flagged = {r.model for r in read_epoch_csv(SNAPSHOT, language_only=False).rows
               if r.frontier and r.training_compute}  # fmt: skip
    ours = {p.name for p in points() if p.frontier}
    assert len(flagged) == 113
    assert flagged <= ours


def test_running_top_n_by_hand(tmp_path: Path) -> None:
    rows = [("a", "2020-01-01", 1e20, ""), ("b", "2020-02-01", 1e22, ""),
            ("c", "2020-03-01", 1e21, ""), ("d", "2020-04-01", 1e19, ""),
            ("e", "2020-04-01", 1e23, "")]  # fmt: skip
    path = _write_csv(tmp_path / "top.csv", rows)
    marked = {p.name: p.frontier for p in points(path, top=2)}
    # a: first; b: largest so far; c: 2nd of (a, b, c); d: 4th by the same day (e counts);
    # e: the largest.
    assert marked == {"a": True, "b": True, "c": True, "d": False, "e": True}


# -- the acceptance figure ------------------------------------------------------------------


def test_notable_growth_2010_to_may_2024_pinned() -> None:
    # Selection: notable models of every domain in the shipped 2026-04 snapshot, published
    # 2010-01-01 to 2024-05-31, with a training compute figure, every confidence label included:
    # 387 models. Least squares of log10(FLOP) on decimal year: slope 0.581 OOM/yr, 3.81x/yr.
    trend = fit_trend(ACCEPTANCE)
    assert trend.n == 387
    assert trend.growth == pytest.approx(3.81, abs=0.005)
    assert trend.oom_per_year == pytest.approx(0.581, abs=0.0005)
    # The same figure straight from the CSV with numpy, independent of flopcast's parsing.
    t, y = [], []
    with SNAPSHOT.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            d = date.fromisoformat(row["published"])
            if row["training_compute"] and date(2010, 1, 1) <= d <= date(2024, 5, 31):
                t.append(decimal_year(d))
                y.append(math.log10(float(row["training_compute"])))
    slope = np.polyfit(t, y, 1)[0]
    assert len(t) == 387
    assert trend.oom_per_year == pytest.approx(slope, rel=1e-9)
    lo, hi = trend.slope_interval()
    assert lo < trend.oom_per_year < hi
    # Speculative rows excluded: 337 models, 3.90x/yr (also checked against numpy).
    excl = fit_trend(Selection("notable", date(2010, 1, 1), date(2024, 5, 31), "exclude"))
    assert excl.n == 337
    assert excl.growth == pytest.approx(3.90, abs=0.005)
    assert trend.alternatives["exclude"] == pytest.approx(excl.growth, rel=1e-12)


def test_bootstrap_is_seeded() -> None:
    a = fit_trend(ACCEPTANCE, seed=1).slope_interval()
    b = fit_trend(ACCEPTANCE, seed=1).slope_interval()
    c = fit_trend(ACCEPTANCE, seed=2).slope_interval()
    assert a == b
    assert a != c


# -- fitting on synthetic data ------------------------------------------------------------


def test_noiseless_line_is_recovered(tmp_path: Path) -> None:
    trend = fit_trend(Selection(data=_line_csv(tmp_path, slope=0.5)))
    assert trend.oom_per_year == pytest.approx(0.5, rel=1e-9)
    assert trend.growth == pytest.approx(10**0.5, rel=1e-9)  # 3.16x/yr
    assert trend.doubling_months == pytest.approx(12 * math.log10(2) / 0.5, rel=1e-9)  # 7.2
    assert trend.r2 == pytest.approx(1.0)
    lo, hi = trend.slope_interval()
    assert lo == pytest.approx(0.5, abs=1e-9) and hi == pytest.approx(0.5, abs=1e-9)


def test_a_real_kink_is_found_and_warranted_a_straight_line_is_not(tmp_path: Path) -> None:
    kinked = fit_trend(Selection(data=_line_csv(tmp_path, 0.3, kink=0.4)), breakpoint=True)
    assert kinked.test is not None
    assert kinked.test.at == pytest.approx(2016.0, abs=1 / 12)
    assert kinked.test.slope_before == pytest.approx(0.3, abs=1e-6)
    assert kinked.test.slope_after == pytest.approx(0.7, abs=1e-6)
    assert kinked.test.warranted and kinked.test.p < 1e-6
    assert kinked.forecast_line.tau is not None  # forecasts follow the later slope
    rng = np.random.default_rng(0)
    rows = [(f"m{i:02d}", date(2010 + i // 4, 1 + 3 * (i % 4), 1).isoformat(),
             10 ** (20 + 0.5 * i / 4 + rng.normal(0, 0.3)), "") for i in range(40)]  # fmt: skip
    straight = fit_trend(
        Selection(data=_write_csv(tmp_path / "s.csv", rows)), break_at=date(2016, 1, 1)
    )
    assert straight.test is not None and not straight.test.warranted
    assert straight.forecast_line.tau is None


@settings(max_examples=60, deadline=None)
@given(
    f=st.floats(0, 200, allow_nan=False),
    d1=st.sampled_from([1, 2]),
    d2=st.integers(1, 600),
)
def test_f_survival_matches_scipy(f: float, d1: int, d2: int) -> None:
    from scipy.stats import f as f_dist

    assert _f_sf(f, d1, d2) == pytest.approx(float(f_dist.sf(f, d1, d2)), abs=1e-10)


# -- dates --------------------------------------------------------------------------------


@given(st.dates(date(1950, 1, 1), date(2150, 12, 31)))
def test_decimal_year_round_trips(d: date) -> None:
    assert date_of(decimal_year(d)) == d


def test_periods() -> None:
    assert parse_period("2024-05", "--to") == (date(2024, 5, 1), date(2024, 5, 31))
    assert parse_period("2024", "--from") == (date(2024, 1, 1), date(2024, 12, 31))
    assert parse_period("2024-02-29", "--at") == (date(2024, 2, 29), date(2024, 2, 29))
    assert midpoint("2027-06", "--at") == date(2027, 6, 15)
    assert month(decimal_year(date(2026, 11, 30))) == "2026-11"
    for bad in ("2024-13", "24-05", "2023-02-29", "May 2024", "", "3000"):
        with pytest.raises(FlopcastError):
            parse_period(bad, "--from")


# -- selections and bad input --------------------------------------------------------------


def test_selections() -> None:
    lang = selected(Selection("language"))
    assert lang and all("language" in p.domain.lower() for p in lang)
    openai = selected(Selection("openai"))
    assert openai and all("openai" in p.organization.lower() for p in openai)
    assert all(p.open_weights for p in selected(Selection("open")))
    with pytest.raises(FlopcastError, match="unknown selection 'nosuchlab'"):
        selected(Selection("nosuchlab"))
    with pytest.raises(FlopcastError, match="start 2024-01-01 is after end 2010-01-01"):
        selected(Selection("notable", date(2024, 1, 1), date(2010, 1, 1)))
    with pytest.raises(FlopcastError, match="at least 5"):
        fit_trend(Selection("notable", date(2024, 5, 1), date(2024, 5, 2)))


# -- forecasts -----------------------------------------------------------------------------


def test_when_and_at_by_hand_from_the_coefficients() -> None:
    trend = fit_trend(Selection("frontier", date(2018, 1, 1)))
    line = trend.line
    # log10 C = a + b·(t − t0) reaches 27 at t = t0 + (27 − a)/b.
    t27 = line.t0 + (27 - line.a) / line.b
    c = when(trend, 1e27)
    assert c.reached_by is None and c.t == pytest.approx(t27, rel=1e-12)
    boot = line.t0 + (27 - np.array(line.boot_a)) / np.array(line.boot_b)
    assert c.low == pytest.approx(np.percentile(boot, 5))
    assert c.high == pytest.approx(np.percentile(boot, 95))
    # June 2027 is read as 2027-06-15, decimal year 2027 + 165/365.
    t = 2027 + 165 / 365
    a = at(trend, date(2027, 6, 15))
    assert a.log10 == pytest.approx(line.a + line.b * (t - line.t0), rel=1e-12)
    assert a.low < a.log10 < a.high


def test_a_level_already_reached_is_reported_not_forecast() -> None:
    trend = fit_trend(Selection("frontier", date(2018, 1, 1)))
    c = when(trend, 1e25)
    assert c.reached_by is not None
    assert c.reached_by.name.startswith("GPT-4") and c.reached_by.published == date(2023, 3, 15)


def test_placement_by_hand() -> None:
    trend = placement_trend()
    assert trend.selection.select == "frontier" and trend.selection.start == date(2018, 1, 1)
    p = place("Llama 4 Behemoth", date(2025, 4, 5), 5.184e25)
    t = decimal_year(date(2025, 4, 5))
    expected = math.log10(5.184e25) - (trend.line.a + trend.line.b * (t - trend.line.t0))
    assert p.residual_oom == pytest.approx(expected, rel=1e-12)
    assert p.ratio == pytest.approx(10**expected)
    assert p.sentence().startswith("Llama 4 Behemoth: ")
    assert p.sentence().endswith(" below the frontier trend at 2025-04")


# -- model counts --------------------------------------------------------------------------


def test_counts_are_cumulative_and_start_from_what_was_observed() -> None:
    c = count_above(1e25, 2028)
    # Models above 1e25 FLOP in the snapshot by the end of 2025 (the last complete year).
    observed = sum(1 for p in points() if p.flop > 1e25 and p.published.year <= 2025)
    assert c.observed[-1] == (2025, observed)
    medians = [f.median for f in c.forecast]
    assert [f.year for f in c.forecast] == [2026, 2027, 2028]
    assert medians == sorted(medians) and medians[0] >= observed
    assert all(f.low <= f.median <= f.high for f in c.forecast)


def test_counts_with_a_threshold_nobody_reaches_or_everybody_does() -> None:
    none = count_above(1e40, 2027)
    assert all(f.high == none.observed[-1][1] == 0 for f in none.forecast)
    every = count_above(1.0, 2026)
    # Each simulated year holds as many models as the past year it was drawn from.
    per_year: dict[int, int] = {}
    for p in points():
        per_year[p.published.year] = per_year.get(p.published.year, 0) + 1
    sizes = {per_year[y] for y in range(2017, 2026)}
    assert min(sizes) <= every.forecast[0].new_median <= max(sizes)


def test_count_bad_input() -> None:
    with pytest.raises(FlopcastError, match="until 2025"):
        count_above(1e25, 2025)
    with pytest.raises(FlopcastError, match="until 2100"):
        count_above(1e25, 2100)


def test_report_sentence_uses_the_cached_fit_and_cites_epoch_ai() -> None:
    from flopcast.reporting.sections.trend import trend_context

    cited: list[tuple[str, str]] = []

    def cite(text: str, url: str) -> int:
        cited.append((text, url))
        return len(cited)

    sentence, data, row = trend_context("Llama 4 Behemoth", date(2025, 4, 5), 5.184e25, cite)
    trend = placement_trend()
    # 10^(a + b·(t − t0)) at 2025-04-05, and Behemoth's distance below it in OOM
    t = decimal_year(date(2025, 4, 5))
    at_release = trend.line.a + trend.line.b * (t - trend.line.t0)
    assert data["residual_oom"] == pytest.approx(math.log10(5.184e25) - at_release)
    assert sentence.startswith("Against the trend of frontier models since 2018 (")
    assert f"{abs(data['residual_oom']):.2g} OOM below" in sentence and "[1]" in sentence
    assert cited == [(cited[0][0], "https://epoch.ai/data/ai-models-documentation")]
    assert row[1] == "trend, 2025-04" and row[3] == f"{data['ratio_to_trend']:.3g}x"


def test_default_window_is_the_deep_learning_era_on_epoch_data_only(tmp_path: Path) -> None:
    # Sevilla et al. 2022 date the deep-learning era from about 2010; a fit over 1950-2026
    # mixes it with the ~1.5x/yr era before and answers neither (2.1x/yr on this snapshot)
    default = fit_trend()
    assert default.selection.first_date == date(2010, 1, 1)
    assert min(p.published for p in default.points) >= date(2010, 1, 1)
    assert 4.0 <= default.growth <= 5.0  # inside Epoch AI's published 4-5x/yr band
    every = fit_trend(Selection("notable", date(1950, 1, 1)))
    assert every.growth < 3.0 and len(every.points) > len(default.points)
    # a user's own CSV is taken whole: its first model is from 2010-01-01 anyway, so take
    # one that starts earlier
    rows = [(f"m{i}", date(2000 + i, 6, 1).isoformat(), 10 ** (20 + 0.3 * i), "Confident")
            for i in range(20)]  # fmt: skip
    own = fit_trend(Selection(data=_write_csv(tmp_path / "own.csv", rows)))
    assert own.selection.first_date is None and len(own.points) == 20


def test_a_window_too_short_for_a_yearly_rate_is_warned(cli: CLI) -> None:
    # two months of notable models read as a growth of ~1e21x/yr: a slope extrapolated
    # far beyond the data, which the answer must say (trends.toml [window], 1 year)
    short = fit_trend(Selection("notable", date(2024, 5, 1), date(2024, 6, 30)))
    assert len(short.warnings) == 1 and "widen --from/--to" in short.warnings[0]
    assert short.to_dict()["warnings"] == list(short.warnings)
    assert fit_trend().warnings == ()
    r = cli("trend", "--from", "2024-05", "--to", "2024-06")
    assert r.code == 0 and "warning: the models span" in r.out
