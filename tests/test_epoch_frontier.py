"""Epoch AI import (every snapshot), suspicious rows, the frontier and thresholds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

import flopcast
from flopcast.catalog import model
from flopcast.epoch import EpochRow, check_row, epoch_rows, import_csv, note_numbers, read_epoch_csv
from flopcast.errors import FlopcastError
from flopcast.frontiers import frontier
from flopcast.regulation import crossed
from tests.conftest import CLI

SNAPSHOTS = sorted((Path(__file__).resolve().parents[1].parent / "shared/data/epoch").glob(
    "notable_ai_models_*.csv"
))  # fmt: skip


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Imports go to a temporary directory, never the user's."""
    monkeypatch.setenv("FLOPCAST_DATA_DIR", str(tmp_path / "flopcast"))
    from flopcast.epoch import _clear

    _clear()
    yield
    _clear()


def _row(**kw: object) -> EpochRow:
    base: dict[str, object] = dict(
        model="X", organization="", published=date(2024, 1, 1), domain="Language",
        parameters=None, training_compute=None, tokens=None, confidence="", hardware="",
        hardware_quantity=None, training_time_hours=None, utilization=None, open_weights=None,
        frontier=False, link="",
    )  # fmt: skip
    base.update(kw)
    return EpochRow(**base)  # type: ignore[arg-type]


def test_note_numbers() -> None:
    assert note_numbers("6 * 49e9 active parameters * 33e12 tokens") == [49e9, 33e12]
    assert note_numbers("405 billion parameters, 3.8 × 10^25 FLOP") == [405e9, 3.8e25]
    assert note_numbers("the 70B model") == [70e9]


def test_a_parameter_count_off_by_1000x_is_reported() -> None:
    row = _row(parameters=2.84e8, parameters_notes="284B total parameters, 13B active")
    (reason,) = check_row(row)
    assert "parameters 2.84e+08 disagree" in reason


def test_six_nd_far_from_compute_is_reported_unless_explained() -> None:
    assert check_row(_row(parameters=70e9, tokens=2e12, training_compute=8.4e23)) == []
    bad = check_row(_row(parameters=70e9, tokens=2e12, training_compute=8.4e20))
    assert bad and "1000x the stated compute" in bad[0]
    moe = _row(parameters=671e9, tokens=14.8e12, training_compute=3.3e24,
               parameters_notes="671B total, 37B activated per token")  # fmt: skip
    assert check_row(moe) == []


@pytest.mark.skipif(not SNAPSHOTS, reason="Epoch AI snapshots not found beside the repository")
@pytest.mark.parametrize("path", SNAPSHOTS, ids=lambda p: p.name)
def test_importer_reads_every_snapshot(path: Path) -> None:
    res = read_epoch_csv(path)
    assert res.rows_read > 900
    assert len(res.rows) > 400  # language models
    names = {r.model for r in res.rows}
    assert "GPT-4.5" in names
    llama = next(r for r in res.rows if r.model == "Llama 3.1-405B")
    assert llama.training_compute == pytest.approx(3.8e25, rel=0.01)  # Meta's reported figure
    assert llama.parameters == pytest.approx(405e9, rel=0.01)
    assert llama.published == date(2024, 7, 23)
    assert 20 < len(res.suspicious) < len(res.rows) / 2


@pytest.mark.skipif(not SNAPSHOTS, reason="Epoch AI snapshots not found beside the repository")
def test_import_makes_models_usable_by_name_and_curated_wins(cli: CLI) -> None:
    oldest = SNAPSHOTS[0]
    r = cli("epoch", "import", str(oldest))
    assert r.code == 0, r.err
    assert "Suspicious rows" in r.out and "CC BY 4.0" in r.out
    assert "Epoch AI" in r.out
    # an Epoch-only model resolves by name; a curated one still comes from the catalog
    assert model("Grok-3").id == "grok-3"
    assert model("Falcon-40B").id.startswith("epoch:")
    r = cli("epoch", "status", "--json")
    assert r.json()["origin"].startswith("imported from")
    r = cli("epoch", "reset")
    assert r.code == 0
    r = cli("epoch", "status", "--json")
    assert r.json()["origin"] == "shipped with flopcast"


def test_shipped_snapshot_is_language_models_with_credit() -> None:
    rows = epoch_rows()
    assert len(rows) > 400
    assert all("language" in r.domain.lower() for r in rows)
    f = frontier("2025-04-05", 5)
    assert "Epoch AI" in f.to_dict()["credit"] and "CC BY 4.0" in f.to_dict()["credit"]


def test_shipped_models_come_back_from_the_disk_cache_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flopcast import epoch
    from flopcast.datafiles import SHIPPED

    monkeypatch.setenv("FLOPCAST_CACHE_DIR", str(tmp_path))
    epoch._clear()
    built = epoch.epoch_models()
    kept = sorted(p.name.split("-")[1] for p in tmp_path.glob("epoch-*.pickle"))
    assert kept == ["models", "rows"]
    epoch._clear()
    cached = epoch.epoch_models()
    assert cached == built and cached is not built
    assert epoch.active_meta()["origin"] == SHIPPED
    epoch._clear()


def test_bad_epoch_files(tmp_path: Path, cli: CLI) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(FlopcastError, match="not an Epoch AI models CSV"):
        read_epoch_csv(bad)
    r = cli("epoch", "import", str(tmp_path / "missing.csv"))
    assert r.code == 2 and "not found" in r.err
    with pytest.raises(FlopcastError):
        import_csv(bad)


def test_frontier_at_llama_4_release() -> None:
    f = frontier("2025-04-05", 10)
    names = [e.model.name for e in f.entries]
    assert {"Grok 3", "GPT-4.5"} <= set(names[:3])
    assert all(e.model.released <= date(2025, 4, 5) for e in f.entries)
    values = [e.compute.value for e in f.entries]
    assert values == sorted(values, reverse=True)


def test_maverick_vs_frontier_cli(cli: CLI) -> None:
    r = cli("compare", "maverick", "--frontier", "--json")
    assert r.code == 0, r.err
    comps = r.json()["comparisons"]
    ratios = {c["b"]["label"].split(" (")[0]: 1 / c["ratio"]["value"] for c in comps}
    assert 90 <= ratios["GPT-4.5"] <= 210
    assert 90 <= ratios["Grok 3"] <= 210


def test_frontier_cli(cli: CLI) -> None:
    r = cli("frontier", "--date", "2025-04-05", "--top", "5")
    assert r.code == 0, r.err
    assert "Grok 3" in r.out and "GPT-4.5" in r.out and "EU AI Act" in r.out
    r = cli("frontier", "--date", "April 2025")
    assert r.code == 2 and "YYYY-MM-DD" in r.err


def test_thresholds() -> None:
    assert [t.id for t in crossed(5.18e25)] == ["eu-ai-act"]
    # EU AI Act, EO 14110, California SB 53 and New York's RAISE Act
    assert len(crossed(3e26)) == 4
    assert crossed(2.24e24) == ()


def test_python_api() -> None:
    ms = flopcast.models(developer="meta")
    assert ms and ms.to_dict()["models"][0]["developer"] == "Meta"
    assert flopcast.model("maverick").id == "llama-4-maverick"
    pytest.importorskip("pandas")
    df = ms.to_dataframe()
    assert len(df) == len(ms)
    row = df[df["id"] == "llama-4-maverick"].iloc[0]
    assert row["training_tokens"] == 22e12


def test_a_model_named_and_on_the_frontier_is_listed_once(cli: CLI) -> None:
    # GPT-4o (2024-05-13) is among the three largest runs before DeepSeek-V3 (2024-12-26): named
    # as well, it is compared once, and the frontier gives three others
    r = cli("compare", "deepseek-v3", "gpt-4o", "--frontier", "--json")
    assert r.code == 0, r.err
    models = [c["b"]["label"].split(" (")[0] for c in r.json()["comparisons"]]
    assert models.count("GPT-4o") == 1
    assert len(models) == 4


def test_frontier_reads_a_month_or_a_year_like_every_other_command(cli: CLI) -> None:
    # cluster --date 2024-10 and trend --to 2024-05 read a month (its 15th): so does frontier
    r = cli("frontier", "--date", "2024-10", "--top", "2")
    assert r.code == 0, r.err
    assert "up to 2024-10-15" in r.out
    assert frontier("2024").at == date(2024, 7, 1)  # a year is its 1 July, as in parse_date
