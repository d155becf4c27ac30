"""``flopcast trend`` and the frontier-trend rows of ``flopcast compute MODEL``, end to end."""

from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path

import pytest

from flopcast.trends import decimal_year, month
from tests.conftest import CLI


def test_acceptance_growth_is_printed(cli: CLI) -> None:
    r = cli("trend", "--from", "2010", "--to", "2024-05")
    assert r.code == 0, r.err
    # Notable models of every domain, 2010-01-01 to 2024-05-31, all labels: 387 models.
    assert r.out.startswith(
        "Training compute of notable models (every domain): 3.81x/yr (0.58 OOM/yr)"
    )
    assert "2010-01-01 to 2024-05-31" in r.out and re.search(r"models\s+387\s", r.out)
    assert "4–5x/yr" in r.out and "this fit: below" in r.out
    assert "Epoch AI, 'Notable AI Models' dataset (snapshot 2026-04)" in r.out


def test_when_and_at_against_a_hand_computation(cli: CLI) -> None:
    args = ("trend", "--select", "frontier", "--from", "2018", "--when", "1e27", "--at", "2027-06")
    data = cli(*args, "--json").json()
    t0, a, b = (
        data["trend"]["t0"],
        data["trend"]["intercept_log10_flop"],
        data["trend"]["oom_per_year"],
    )
    # 1e27 = 10^(a + b·(t − t0))  →  t = t0 + (27 − a)/b
    t27 = t0 + (27 - a) / b
    w = data["when"][0]
    assert w["forecast"] and w["decimal_year"] == pytest.approx(t27, rel=1e-12)
    # 2027-06 means 2027-06-15: decimal year 2027 + 165/365
    at = data["at"][0]
    flop = 10 ** (a + b * (2027 + 165 / 365 - t0))
    assert at["training_compute_flop"] == pytest.approx(flop, rel=1e-9)
    human = cli(*args)
    assert human.code == 0, human.err
    line = next(x for x in human.out.splitlines() if x.startswith("1e27"))
    lo, hi = w["date_90"]
    assert re.match(rf"1e27 FLOP\s+{month(t27)}\s+90%: {lo} to {hi}$", line.rstrip())
    at_line = next(x for x in human.out.splitlines() if x.startswith("at 2027-06"))
    mantissa, exponent = f"{flop:.2e}".split("e")
    assert f"{mantissa}e{int(exponent)} FLOP" in at_line


def test_a_level_already_passed_says_when_it_was_reached(cli: CLI) -> None:
    r = cli("trend", "--select", "frontier", "--from", "2018", "--when", "1e25")
    line = next(x for x in r.out.splitlines() if x.startswith("1e25"))
    assert "reached 2023-03" in line and "GPT-4" in line


def test_breakpoint_and_counts(cli: CLI) -> None:
    r = cli("trend", "--from", "2010", "--to", "2024-05", "--breakpoint", "--count-above", "1e25")
    assert r.code == 0, r.err
    assert "Change of slope" in r.out and "F-test" in r.out and "BIC" in r.out
    assert "Models above 1e25 FLOP" in r.out and "Kumar & Manning 2025" in r.out
    data = cli("trend", "--count-above", "1e26", "--until", "2027", "--json").json()
    years = [f["year"] for f in data["count_above"][0]["forecast"]]
    assert years == [2026, 2027]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2024-13"), "--from '2024-13': write a date as YYYY, YYYY-MM or YYYY-MM-DD"),
        (("--from", "2024", "--to", "2010"), "is after --to"),
        (("--from", "2024-05-01", "--to", "2024-05-02"), "a trend needs at least 5"),
        (("--select", "nosuchlab"), "unknown selection 'nosuchlab'"),
        (("--speculative", "maybe"), "--speculative 'maybe'"),
        (("--at", "June 2027"), "--at 'June 2027'"),
        (("--when", "lots"), "--when"),
        (("--count-above", "1e25", "--until", "2025"), "--until 2025"),
        (("--resamples", "5"), "--resamples 5"),
        (("--from", "2018", "--break-at", "2010"), "outside the models' dates"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli: CLI, args: tuple[str, ...], message: str) -> None:
    r = cli("trend", *args)
    assert r.code == 2
    assert r.out == ""
    assert r.err.count("\n") == 1 and message in r.err


def test_readable_at_80_columns(cli: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    r = cli("trend", "--select", "frontier", "--from", "2018", "--breakpoint", "--at", "2027-06",
            "--when", "1e27", "--count-above", "1e26")  # fmt: skip
    assert r.code == 0, r.err
    assert "…" not in r.out
    body = r.out.split("\n[1] ")[0]  # URLs in the footnotes may run past the edge
    assert max(len(x) for x in body.splitlines()) <= 80


def test_compute_model_states_its_distance_from_the_frontier_trend(cli: CLI) -> None:
    r = cli("compute", "llama-4-behemoth")
    assert r.code == 0, r.err
    assert "Against the frontier trend" in r.out and "OOM below" in r.out
    data = cli("compute", "llama-4-behemoth", "--json").json()["frontier_trend"]
    assert data["sentence"].startswith("Llama 4 Behemoth (preview): ")
    assert data["sentence"].endswith("OOM below the frontier trend at 2025-04")
    trend = data["trend_at_release"]["training_compute_flop"]
    assert data["residual_oom"] == pytest.approx(math.log10(5.184e25 / trend), rel=1e-9)
    assert data["ratio_to_trend"] == pytest.approx(5.184e25 / trend, rel=1e-9)


def test_an_epoch_ai_csv_can_replace_the_snapshot(cli: CLI, tmp_path: Path) -> None:
    # Noiseless models on log10 C = 20 + 0.5·(t − 2010): 10^0.5 = 3.16x/yr, doubling in
    # 12·log10(2)/0.5 = 7.2 months; a perfect line, so a change of slope gains nothing (F = 0).
    path = tmp_path / "models.csv"
    lines = ["Model,Publication date,Training compute (FLOP),Domain"]
    for i in range(12):
        d = date(2010 + i, 1, 1)
        lines.append(f"m{i},{d.isoformat()},{10 ** (20 + 0.5 * (decimal_year(d) - 2010))!r},Vision")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = cli("trend", "--data", str(path))
    assert r.code == 0, r.err
    assert "3.16x/yr (0.50 OOM/yr)" in r.out and "7.2 months" in r.out
    assert "read from models.csv" in r.out
    run = cli("trend", "--data", str(path), "--break-at", "2015", "--json")
    assert "Infinity" not in run.out and "NaN" not in run.out  # strict JSON
    data = run.json()
    assert data["trend"]["breakpoint"]["f_statistic"] == 0
    assert (
        data["trend"]["breakpoint"]["p_value"] == 1 and not data["trend"]["breakpoint"]["warranted"]
    )
    assert data["trend"]["doubling_months"] == pytest.approx(7.2247, abs=1e-4)
    assert data["trend"]["breakpoint"]["slope_after_oom_per_year"] == pytest.approx(0.5)
    missing = cli("trend", "--data", str(tmp_path / "nope.csv"))
    assert missing.code == 2 and "nope.csv" in missing.err and missing.err.count("\n") == 1


def test_the_llama_4_report_places_each_model_against_the_frontier_trend(cli: CLI) -> None:
    data = cli("report", "--json").json()
    sentences = {}
    for part in data["models"]:
        for sec in part["sections"]:
            trend = sec.get("data", {}).get("frontier_trend")
            if trend:
                sentences[part["name"]] = trend["sentence"]
    assert set(sentences) == {"Llama 4 Scout", "Llama 4 Maverick", "Llama 4 Behemoth (preview)"}
    assert all("OOM below the frontier trend at 2025-04" in s for s in sentences.values())
    text = cli("report").out
    assert text.count("Against the trend of frontier models since 2018") == 3
    assert "| frontier trend (" in text
