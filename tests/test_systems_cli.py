"""``flopcast cluster`` with power and cost, ``flopcast systems``, and ``compute MODEL``'s run."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CLI
from tests.readable import assert_readable


@pytest.fixture
def narrow(monkeypatch: pytest.MonkeyPatch) -> None:
    """An 80-column terminal."""
    monkeypatch.setenv("COLUMNS", "80")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    from flopcast.systems import _active

    monkeypatch.setenv("FLOPCAST_DATA_DIR", str(tmp_path / "data"))
    _active.cache_clear()
    yield tmp_path / "data"
    _active.cache_clear()


def _readable_at_80(text: str) -> None:
    assert_readable(text, 80)


def test_100k_h100_power_and_acquisition_near_epoch_ai(cli: CLI) -> None:
    d = cli("cluster", "--gpus", "100K", "--gpu", "h100", "--days", "90", "--date", "2024-10",
            "--json").json()  # fmt: skip
    # Epoch AI's GPU Clusters data: 142.7 MW and $3.8B for each 100K-H100 system of late 2024
    assert abs(d["facility_power_w"] / 142.7e6 - 1) < 0.10
    assert abs(d["acquisition_cost_usd"] / 3.8e9 - 1) < 0.25
    for key in ("it_power_w", "facility_power_w", "energy_mwh", "acquisition_cost_usd",
                "amortized_cost_usd", "cloud_cost_usd"):  # fmt: skip
        assert isinstance(d[key], float) and d[f"{key}_basis"], key
        assert d[f"{key}_90"] is None or d[f"{key}_90"][0] <= d[key] <= d[f"{key}_90"][1]
    assert d["dollars_of"] == 2024 and d["run_start"] == "2024-10-15"


def test_cluster_prints_it_and_facility_power(cli: CLI, narrow: None) -> None:
    r = cli("cluster", "--gpus", "100K", "--gpu", "h100")
    assert r.code == 0, r.err
    assert "IT power" in r.out and "facility power" in r.out and "127 MW" in r.out
    assert "give --days" in r.out and "not shown" in r.out  # running costs need a duration
    _readable_at_80(r.out)


def test_a_gigawatt_of_gb200_by_hand(cli: CLI) -> None:
    d = cli("cluster", "--power", "1GW", "--gpu", "gb200", "--days", "120", "--mfu", "40%",
            "--json").json()  # fmt: skip
    # chips: 1e9 W / (1200 W × 1.82 × PUE 1.10) = 416,250.4
    chips = 1e9 / (1200 * 1.82 * 1.10)
    assert d["site"]["accelerators"]["value"] == pytest.approx(416_250.4, rel=1e-6)
    # compute: 416,250.4 × 2.5 PFLOP/s (dense bf16) × 0.4 × 120 d × 86,400 s = 4.3157e27 FLOP
    assert d["total_flop"]["value"] == pytest.approx(4.3157e27, rel=1e-4)
    assert d["total_flop"]["value"] == pytest.approx(chips * 2.5e15 * 0.4 * 120 * 86_400)
    # compute-optimal under fixed:40: N = sqrt(C / (6 × 40)) = 4.2405e12, D = 40 N = 1.6962e14
    assert d["compute_optimal"]["N"] == pytest.approx(4.2405e12, rel=1e-4)
    assert d["compute_optimal"]["D"] == pytest.approx(1.6962e14, rel=1e-4)
    assert d["facility_power_w"] == pytest.approx(1e9)


def test_a_gigawatt_in_words(cli: CLI, narrow: None) -> None:
    r = cli("cluster", "--power", "1GW", "--gpu", "gb200", "--days", "120", "--mfu", "40%")
    assert r.code == 0, r.err
    assert r.out.startswith("1 GW of GB200: 416K accelerators, 4.32e27 FLOP in 120 days")
    assert "Compute-optimal model" in r.out and "4.24T" in r.out
    _readable_at_80(r.out)


def test_prices_typed_with_currency_and_year(cli: CLI) -> None:
    d = cli("cluster", "--gpus", "1000", "--gpu", "h100", "--days", "10", "--date", "2024-10",
            "--gpu-price", "$25K 2024", "--cloud-price", "$2/h 2024", "--json").json()  # fmt: skip
    assert d["acquisition_cost_usd"] == pytest.approx(1000 * 25_000 * 1.235)
    assert d["cloud_cost_usd"] == pytest.approx(1000 * 240 * 2.0)


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["cluster", "--power", "-1GW", "--gpu", "gb200", "--days", "9"], "'-1GW'"),
        (["cluster", "--gpus", "1K", "--gpu", "h999", "--days", "9"], "'h999'"),
        (
            ["cluster", "--gpus", "1K", "--gpu", "h100", "--days", "9", "--date", "2024-02-31"],
            "'2024-02-31'",
        ),
        (["systems", "--at", "last year"], "'last year'"),
        (["systems", "Skynet"], "'Skynet'"),
        (
            ["cluster", "--gpus", "1K", "--gpu", "h100", "--days", "9", "--gpu-price", "30000"],
            "'30000'",
        ),
        (
            [
                "cluster",
                "--gpus",
                "1K",
                "--gpu",
                "h100",
                "--days",
                "9",
                "--gpu-price",
                "30000 2024",
            ],
            "'30000 2024' has no currency",
        ),
        (
            ["cluster", "--gpus", "1K", "--gpu", "h100", "--days", "9", "--cloud-price", "$2/h"],
            "'$2/h' has no year",
        ),
        (["cluster", "--gpus", "1K", "--power", "1GW", "--gpu", "h100", "--days", "9"], "--power"),
    ],
)
def test_bad_input_is_one_line_naming_the_value(cli: CLI, args: list[str], named: str) -> None:
    r = cli(*args)
    assert r.code == 2
    assert named in r.err and len(r.err.strip().splitlines()) == 1, r.err


def test_systems_at_the_llama_4_release(cli: CLI, narrow: None) -> None:
    r = cli("systems", "--at", "2025-04-05", "--top", "10")
    assert r.code == 0, r.err
    assert "xAI Colossus Memphis Phase 2" in r.out and "Meta 100k" in r.out
    assert "200K" in r.out and "280 MW" in r.out  # its H100-equivalents and power
    assert "[1] https://" in r.out and "Epoch AI, 'GPU Clusters' dataset" in r.out
    _readable_at_80(r.out)
    d = cli("systems", "--at", "2025-04-05", "--top", "10", "--json").json()
    assert len(d["systems"]) == 10
    for s in d["systems"]:
        assert s["h100e"] > 0 and "power_mw" in s and "sources" in s
    first = d["systems"][0]
    assert first["produces_flop"] == pytest.approx(first["flops16"] * 0.4 * 90 * 86_400)


def test_one_system_with_flopcasts_own_power(cli: CLI, narrow: None) -> None:
    r = cli("systems", "meta 100k")
    assert r.code == 0, r.err
    # Epoch AI: 142.7 MW; flopcast from 100,000 × 700 W × 1.82 × 1.12 (2024): the same
    assert r.out.count("143 MW") == 2
    _readable_at_80(r.out)


def test_systems_by_owner(cli: CLI) -> None:
    d = cli("systems", "--by", "owner", "--at", "2025-04-05", "--json").json()
    owners = [g["key"] for g in d["groups"]]
    assert "xAI" in owners and "Meta AI" in owners


def test_systems_import_and_reset(cli: CLI, data_dir: Path, tmp_path: Path) -> None:
    from flopcast.systems import all_systems, write_csv

    good = tmp_path / "clusters.csv"
    good.write_text(write_csv(all_systems()[:30]), encoding="utf-8")
    r = cli("systems", "--import", str(good), "--snapshot", "2026-06")
    assert r.code == 0, r.err
    assert "30" in r.out and "2026-06" in r.out
    bad = tmp_path / "bad.csv"
    bad.write_text("just,some\ncolumns,here\n", encoding="utf-8")
    r = cli("systems", "--import", str(bad))
    assert r.code == 2 and "not an Epoch AI GPU Clusters CSV" in r.err
    assert len(cli("systems", "--all", "--top", "1000", "--at", "2030-01-01",
                   "--json").json()["systems"]) <= 30  # fmt: skip
    assert "removed" in cli("systems", "--reset").out


def test_compute_model_shows_power_and_costs_beside_epoch_ai(cli: CLI, narrow: None) -> None:
    r = cli("compute", "llama-3.1-405b")
    assert r.code == 0, r.err
    assert "Power and cost of the run" in r.out
    assert "Epoch AI 22.6 MW" in r.out and "Epoch AI $52.9M" in r.out
    assert "Meta GenAI 2024" in r.out  # its largest H100 system at release
    _readable_at_80(r.out)
    d = cli("compute", "llama-3.1-405b", "--json").json()["training_run"]
    assert d["dollars_of"] == 2023
    assert math.isclose(
        d["ratio_to_epoch_ai"]["facility_power_w"],
        d["facility_power_w"] / 22_622_532.16,
        rel_tol=1e-6,
    )


def test_compute_model_without_hardware_has_no_run_section(cli: CLI) -> None:
    r = cli("compute", "gpt-4.5")
    assert r.code == 0 and "Power and cost" not in r.out
    assert cli("compute", "gpt-4.5", "--json").json()["training_run"] is None


def test_the_report_cluster_section_gains_power_cost_and_systems(cli: CLI) -> None:
    d = cli("report", "llama-4-behemoth", "--no-plots", "--json").json()
    section = next(s for s in d["models"][0]["sections"] if s["key"] == "cluster")
    text = " ".join(section["sentences"])
    # the run's own power beside Epoch AI's, and the 100K-H100 cluster at the release date:
    # 100,000 × 700 W × 1.82 × PUE 1.10 (2025) = 140 MW
    assert "Its own run drew 46 MW (Epoch AI: 44 MW)" in text
    assert "32% of Meta 100k" in text
    assert "That cluster draws 140 MW at the facility" in text
    systems = section["data"]["systems"]["frontier_cluster"]["systems"]
    assert systems == [
        "xAI Colossus Memphis Phase 2",
        "Meta 100k",
        "OpenAI/Microsoft Goodyear Arizona",
    ]
    assert all(name in text for name in systems)


def test_several_owners_are_written_with_a_space(cli: CLI) -> None:
    # Epoch AI's owner field reads "Microsoft,OpenAI" for the Goodyear, Arizona system
    r = cli("systems", "--at", "2025-01-01", "--top", "5")
    assert r.code == 0, r.err
    assert "Microsoft, OpenAI; from 2024-10-02" in r.out and "Microsoft,OpenAI" not in r.out


def test_a_runs_share_of_a_system_says_what_it_is_a_share_of(cli: CLI) -> None:
    # Llama 3.1 405B: 16,384 H100 of Meta GenAI 2024b's 24,576 = 67% (Epoch AI's GPU Clusters)
    r = cli("compute", "llama-3.1-405b", "--wide")
    assert r.code == 0, r.err
    row = next(line for line in r.out.splitlines() if "67% of Meta GenAI 2024b" in line)
    assert row.split()[:4] == ["share", "of", "a", "system"]
    assert "Meta AI's largest H100 system at release: 24,576 H100" in row
