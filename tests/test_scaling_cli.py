"""End to end: the essay's compute-optimality judgments and fitting, from the command line."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tests.conftest import CLI


def test_behemoth_with_the_essays_inputs(cli: CLI) -> None:
    r = cli("overtrain", "--active", "288B", "--total", "2T", "--tokens", "30T",
            "--law", "fixed:40", "--sparsity", "8", "--json")  # fmt: skip
    assert r.code == 0, r.err
    d = r.json()
    assert d["optimal_tokens_per_param"] == pytest.approx(120)  # 40 × m(8) = 40 × 3
    assert round(d["tokens_per_param"]) == 104
    assert d["k"] == pytest.approx(104.1667 / 120, rel=1e-4)  # ≈ 0.87: not overtrained
    assert d["verdict"].startswith("near compute-optimal")
    assert d["sparsity"]["definition"] == "stated"


def test_maverick_about_seven_times_overtrained(cli: CLI) -> None:
    r = cli("overtrain", "llama-4-maverick", "--law", "fixed:40", "--json")
    assert r.code == 0, r.err
    d = r.json()
    s = 400 / 17
    m = 3 * math.sqrt(s / 8)  # default m(S) = 3·(S/8)^0.5 ≈ 5.1
    assert d["multiplier"]["value"] == pytest.approx(m)
    assert d["sparsity"]["definition"] == "total/active parameters"
    assert round(d["tokens_per_param"]) == 1294
    assert d["optimal_tokens_per_param"] == pytest.approx(40 * m)  # ≈ 206
    assert d["k"] == pytest.approx(22e12 / 17e9 / (40 * m))  # ≈ 6.3 ("~7x" in the essay)
    laws = {o["law"] for o in d["other_laws"]}
    assert {"hoffmann2022", "epoch2024", "llama3", "llama3-fit"} <= laws


def test_human_overtrain_names_law_sparsity_and_multiplier(cli: CLI) -> None:
    r = cli("overtrain", "maverick")
    assert r.code == 0, r.err
    assert "fixed:40" in r.out and "total/active parameters" in r.out and "m(S)" in r.out
    assert "Under the other laws" in r.out


def test_sparsity_from_experts(cli: CLI) -> None:
    r = cli("overtrain", "deepseek-v3", "--sparsity-from", "experts", "--json")
    assert r.code == 0, r.err
    assert r.json()["sparsity"]["value"] == pytest.approx(256 / 8)


def test_optimal_points(cli: CLI) -> None:
    r = cli("optimal", "--compute", "5.76e23", "--law", "hoffmann2022", "--json")
    d = r.json()
    assert d["N"] == pytest.approx(3.22e10, rel=0.01)
    assert d["D"] == pytest.approx(2.98e12, rel=0.01)
    r = cli("optimal", "--compute", "3.8e25", "--law", "llama3", "--json")
    d = r.json()
    assert d["N"] == pytest.approx(402e9, rel=0.01) and d["D"] == pytest.approx(16.55e12, rel=0.01)
    r = cli("optimal", "--compute", "3.8e25", "--law", "epoch2024", "--json")
    assert r.json()["tokens_per_param"] == pytest.approx(16.5, rel=0.03)


def test_bad_scaling_input(cli: CLI) -> None:
    r = cli("optimal", "--compute", "5e25", "--law", "chinchillaa")
    assert r.code == 2 and "unknown scaling law" in r.err
    r = cli("overtrain", "--active", "17B")
    assert r.code == 2 and "add --tokens" in r.err
    r = cli("optimal", "--compute", "5e25", "--moe", "lots")
    assert r.code == 2 and "MoE multiplier" in r.err
    r = cli("overtrain", "maverick", "--sparsity-from", "vibes")
    assert r.code == 2 and "params or experts" in r.err


@pytest.mark.slow
def test_fit_cli_recovers_a_law_and_saves_it(cli: CLI, tmp_path: Path) -> None:
    # runs generated from Hoffmann's rounded law, exactly (no noise): the fit must recover it
    E, A, B, a, b = 1.69, 406.4, 410.7, 0.34, 0.28
    rows = ["N,D,loss"]
    for n in (1e8, 3e8, 1e9, 3e9):
        for d in (2e9, 6e9, 2e10, 6e10, 2e11):
            rows.append(f"{n:g},{d:g},{E + A / n**a + B / d**b:.6f}")
    csv = tmp_path / "runs.csv"
    csv.write_text("\n".join(rows) + "\n")
    law = tmp_path / "fit.json"
    r = cli("fit", str(csv), "--bootstrap", "20", "--save", str(law), "--json")
    assert r.code == 0, r.err
    d = r.json()
    assert d["alpha"] == pytest.approx(a, rel=0.05) and d["beta"] == pytest.approx(b, rel=0.05)
    r = cli("optimal", "--compute", "1e23", "--law", str(law), "--json")
    assert r.code == 0, r.err
    bad = tmp_path / "bad.csv"
    bad.write_text("N,loss\n1e9,3.0\n")
    r = cli("fit", str(bad))
    assert r.code == 2 and r.err.count("\n") == 1
