"""The real AI supercomputers: Epoch AI's GPU Clusters snapshot, its importer, the queries, and
a model's training run among its developer's systems."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from flopcast import store
from flopcast.accounting import model_compute
from flopcast.catalog import model
from flopcast.errors import FlopcastError
from flopcast.fleet import existing_at, largest, place, systems_of_size
from flopcast.hardware import accelerator
from flopcast.runs import training_run
from flopcast.systems import (
    COLUMNS,
    all_systems,
    credit,
    import_csv,
    read_systems_csv,
    reset,
    system,
    user_copy,
)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private user data directory, so imports never touch the real one."""
    from flopcast.systems import _active

    monkeypatch.setenv("FLOPCAST_DATA_DIR", str(tmp_path / "data"))
    _active.cache_clear()
    yield tmp_path / "data"
    _active.cache_clear()


def test_the_shipped_snapshot_and_its_credit() -> None:
    systems = all_systems()
    assert len(systems) == 786  # every row of Epoch AI's 2026-04 download
    text = credit()
    assert "Epoch AI" in text and "GPU Clusters" in text and "2026-04" in text
    assert "CC BY 4.0" in text


def test_largest_at_the_llama_4_release() -> None:
    res = largest("2025-04-05", top=10)
    names = [s.name for s in res.systems]
    assert names[:3] == [
        "xAI Colossus Memphis Phase 2",
        "Meta 100k",  # 100K H100 each; ties by name
        "OpenAI/Microsoft Goodyear Arizona",
    ]
    assert len(names) == 10
    colossus = res.systems[0]
    assert colossus.h100e == pytest.approx(200_000) and colossus.power_mw == pytest.approx(280.28)
    # 90 days at 40%: 200,000 H100e × 989.4 TFLOP/s × 0.4 × 90 × 86,400 s = 6.155e26 FLOP
    assert colossus.produces(90, 0.4) == pytest.approx(6.155e26, rel=1e-3)
    assert all(s.sources for s in res.systems[:8])
    assert res.excluded  # 'Unlikely' rows and possible duplicates are left out, and counted


def test_later_phases_replace_earlier_ones() -> None:
    before = {s.name for s in existing_at(date(2024, 12, 1))}
    after = {s.name for s in existing_at(date(2025, 4, 5))}
    assert "xAI Colossus Memphis Phase 1" in before and "xAI Colossus Memphis Phase 2" not in before
    assert "xAI Colossus Memphis Phase 1" not in after  # superseded by Phase 2 on 2025-02-18
    assert "Tesla Cortex Phase 3" not in after  # planned


def test_filters_by_owner_and_chip() -> None:
    meta = largest("2025-04-05", owner="meta", top=3)
    assert meta.systems[0].name == "Meta 100k"
    assert all("Meta" in s.owner for s in meta.systems)
    h200 = largest("2025-04-05", chip="h200", top=5)
    assert h200.systems and all("H200" in s.chip + s.chip2 for s in h200.systems)


def test_a_run_among_its_developers_systems() -> None:
    p = place("Meta", accelerator("h100"), 32_000, date(2025, 4, 5))
    assert p.system is not None and p.system.name == "Meta 100k"
    assert p.share == pytest.approx(0.32)  # 32,000 / 100,000
    assert p.text.startswith("32K H100: 32% of Meta 100k")
    none = place("Anthropic", accelerator("h100"), 1000, date(2025, 4, 5))
    assert none.system is None and "no H100 system" in none.text


def test_systems_of_a_size() -> None:
    big = systems_of_size(100_000, date(2025, 4, 5))
    assert {s.name for s in big} == {
        "xAI Colossus Memphis Phase 2",
        "Meta 100k",
        "OpenAI/Microsoft Goodyear Arizona",
    }


def test_unknown_system_names_the_value() -> None:
    with pytest.raises(FlopcastError, match="unknown system 'Skynet'"):
        system("Skynet")
    assert system("meta 100k").name == "Meta 100k"


# --------------------------------------------------------------------------------------
# Importing a newer download


def _epoch_csv(rows: list[dict[str, str]]) -> str:
    """Normalized records written back with Epoch AI's own column names."""
    out = io.StringIO(newline="")
    header = [c for key, cols in COLUMNS.items() for c in (cols if key == "sources" else cols[:1])]
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        record = {COLUMNS[k][0]: v for k, v in r.items() if k != "sources"}
        for col, url in zip(COLUMNS["sources"], r["sources"].split(), strict=False):
            record[col] = url
        writer.writerow(record)
    return out.getvalue()


def _records(n: int = 60) -> list[dict[str, str]]:
    return [s.to_record() for s in all_systems()[:n]]


def test_import_rejects_and_flags_rows_of_a_damaged_copy(data_dir: Path, tmp_path: Path) -> None:
    rows = _records()
    rows[3]["power_mw"] = "-5"  # negative
    rows[4]["status"] = "Rumoured"  # not a status
    rows[5]["first_operational"] = "last spring"  # not a date
    rows[6]["name"] = ""  # no name
    rows[7]["power_calculated_mw"] = "9000"  # 9 GW for its chips: flagged, kept
    rows[7]["total_chips"] = "1000"
    path = tmp_path / "clusters.csv"
    path.write_text(_epoch_csv(rows), encoding="utf-8")
    res = import_csv(path, snapshot="2026-06")
    reasons = {p.row: p.reason for p in res.rejected}
    assert set(reasons) == {4, 5, 6, 7}  # data rows are numbered from 1
    assert "'-5' is not a non-negative number" in reasons[4]
    assert "Rumoured" in reasons[5] and "'last spring' is not a date" in reasons[6]
    assert any(p.row == 8 and "W per chip" in p.reason for p in res.flagged)
    assert len(res.systems) == 56 and user_copy().exists()
    assert len(all_systems()) == 56 and "2026-06" in credit()


def test_a_bad_import_never_loses_the_previous_one(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(_epoch_csv(_records(40)), encoding="utf-8")
    import_csv(good)
    before = user_copy().read_bytes()

    not_clusters = tmp_path / "models.csv"
    not_clusters.write_text("Model,Training compute (FLOP)\nGPT-4,2e25\n", encoding="utf-8")
    with pytest.raises(FlopcastError, match="not an Epoch AI GPU Clusters CSV"):
        import_csv(not_clusters)

    mostly_bad = _records(40)
    for r in mostly_bad[:20]:
        r["status"] = "?"
    broken = tmp_path / "broken.csv"
    broken.write_text(_epoch_csv(mostly_bad), encoding="utf-8")
    with pytest.raises(FlopcastError, match="20 of 40 rows cannot be read"):
        import_csv(broken)

    def disk_full(*args: object, **kwargs: object) -> Path:
        raise FlopcastError("could not write: No space left on device")

    monkeypatch.setattr(store, "atomic_write_json", disk_full)
    with pytest.raises(FlopcastError, match="No space left"):
        import_csv(good)
    assert user_copy().read_bytes() == before
    assert len(all_systems()) == 40

    assert reset() and not user_copy().exists()
    assert len(all_systems()) == 786


def test_the_normalized_csv_reads_back_the_same(tmp_path: Path) -> None:
    from flopcast.systems import write_csv

    path = tmp_path / "normalized.csv"
    path.write_text(write_csv(all_systems()[:50]), encoding="utf-8")
    assert read_systems_csv(path).systems == all_systems()[:50]


# --------------------------------------------------------------------------------------
# A model's run: power and amortized cost against Epoch AI's own figures


@pytest.mark.parametrize(
    ("name", "epoch_power_w", "epoch_amortized_usd"),
    [
        # Epoch AI, Notable AI Models (2026-04): 'Training power draw (W)' and 'Training compute
        # cost (2023 USD)'
        ("llama-3.1-405b", 22.6e6, 52.9e6),
        ("grok-3", 110e6, 218e6),
        ("llama-4-behemoth", 43.9e6, 44.6e6),
    ],
)
def test_power_and_amortized_cost_near_epoch_ai(
    name: str, epoch_power_w: float, epoch_amortized_usd: float
) -> None:
    m = model(name)
    run = training_run(m, model_compute(m))
    assert run is not None
    power = run.cost.get("facility_power_w")
    amortized = run.cost.get("amortized_cost_usd")
    assert power is not None and amortized is not None
    assert abs(power.value / epoch_power_w - 1) < 0.10
    assert abs(amortized.value / epoch_amortized_usd - 1) < 0.35
    assert run.cost.dollars_year == 2023
    assert run.epoch is not None  # shown beside Epoch AI's own, ratio computed
    assert run.ratios["amortized_cost_usd"] == pytest.approx(
        amortized.value / run.epoch.figures["amortized_usd"]
    )


def test_llama_3_1_power_by_hand() -> None:
    m = model("llama-3.1-405b")
    run = training_run(m, model_compute(m))
    assert run is not None
    # 16,384 H100 × 700 W × 1.82 × PUE 1.12 (the run starts in 2024) = 23.38 MW
    power = run.cost.get("facility_power_w")
    assert power is not None and power.value == pytest.approx(16_384 * 700 * 1.82 * 1.12)
    # starts release (2024-07-23) - 30.84M h / 16,384 (78.4 days) - 60 days
    assert run.cost.start == date(2024, 3, 7)
    assert run.hardware.origins["accelerator_hours"].startswith("catalog")


def test_a_run_without_known_hardware_has_none() -> None:
    m = model("gpt-4.5")
    assert training_run(m, model_compute(m)) is None


def test_the_typical_frontier_cluster_at_a_release() -> None:
    from flopcast.runs import frontier_cluster

    f = frontier_cluster(date(2025, 4, 5))
    power = f.cost.get("facility_power_w")
    # 100,000 H100 × 700 W × 1.82 × PUE 1.10 (2025) = 140.14 MW
    assert power is not None and power.value == pytest.approx(140.14e6)
    assert [s.name for s in f.systems] == [
        "xAI Colossus Memphis Phase 2",
        "Meta 100k",
        "OpenAI/Microsoft Goodyear Arizona",
    ]
    assert frontier_cluster(date(2024, 7, 23)).systems == ()  # none that large yet
