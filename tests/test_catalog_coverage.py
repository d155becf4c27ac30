"""Coverage: Epoch AI's models at or above 1e25 FLOP, and the frontier models of 2025-26."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from flopcast.catalog import _index, catalog, catalog_files, model
from flopcast.datafiles import data_path, lenient_key
from flopcast.epoch import EpochRow, read_epoch_csv
from tests.conftest import CLI

EPOCH_DIR = Path(__file__).resolve().parents[1].parent / "shared/data/epoch"


def _exclusions() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = tomllib.loads(data_path("epoch_excluded.toml").read_text())[
        "excluded"
    ]
    return rows


def _large_language_models(rows: tuple[EpochRow, ...]) -> list[EpochRow]:
    return [r for r in rows if "language" in r.domain.lower() and (r.training_compute or 0) >= 1e25]


def _uncovered(rows: tuple[EpochRow, ...]) -> list[str]:
    excluded = {e["name"] for e in _exclusions()}
    return [
        f"{r.model} ({r.training_compute:.3g} FLOP)"
        for r in _large_language_models(rows)
        if lenient_key(r.model) not in _index() and r.model not in excluded
    ]


def test_every_epoch_model_above_1e25_is_in_the_catalog_or_excluded() -> None:
    rows = read_epoch_csv(data_path("epoch_notable.csv"), language_only=True).rows
    assert len(_large_language_models(rows)) >= 20  # 21 in the 2026-04 snapshot
    assert not _uncovered(rows), "add these to the catalog or to epoch_excluded.toml"


@pytest.mark.parametrize("snapshot", ["2025-05", "2026-04"])
def test_full_snapshots_are_covered_too(snapshot: str) -> None:
    path = EPOCH_DIR / f"notable_ai_models_{snapshot}.csv"
    if not path.exists():
        pytest.skip(f"Epoch AI snapshot not found at {path}")
    assert not _uncovered(read_epoch_csv(path, language_only=True).rows)


def test_exclusions_are_reasoned_and_not_also_in_the_catalog() -> None:
    for e in _exclusions():
        assert len(e["reason"]) > 40, e["name"]
        assert e["snapshot"] and all(s in ("2025-05", "2026-04") for s in e["snapshot"])
        assert lenient_key(e["name"]) not in _index(), f"{e['name']} is in the catalog"


def test_added_models_resolve_by_epoch_s_names() -> None:
    for name, ident in [
        ("Inflection-2", "inflection-2"), ("Mistral Large", "mistral-large"),
        ("Mistral Large 2", "mistral-large-2"), ("Doubao-pro", "doubao-pro"),
        ("Pangu Ultra", "pangu-ultra"), ("Qwen3-Max", "qwen3-max"),
        ("Aramco Metabrain AI", "aramco-metabrain"), ("Composer 2", "composer-2"),
    ]:  # fmt: skip
        assert model(name).id == ident


def test_catalog_files_load_in_order() -> None:
    names = [p.name for p in catalog_files()]
    assert names[0] == "models.toml" and "epoch-1e25.toml" in names
    assert "frontier-2025-26.toml" in names
    ids = [m.id for m in catalog()]
    assert len(ids) == len(set(ids))


def test_pangu_ultra_six_nd_is_epoch_s_estimate() -> None:
    m = model("pangu ultra")
    # 6 x 135e9 x 13.2e12 = 1.0692e25, Epoch AI's figure (Confident)
    n, d, c = m.value("active_params"), m.value("training_tokens"), m.value("training_compute")
    assert n is not None and d is not None and c is not None
    assert 6 * n.value * d.value == pytest.approx(c.value)


def test_models_cli_lists_every_catalog_model(cli: CLI) -> None:
    r = cli("models", "--json")
    assert r.code == 0, r.err
    assert {m["id"] for m in r.json()["models"]} == {m.id for m in catalog()}


def _frontier_ids() -> list[str]:
    rows = tomllib.loads(data_path("models/frontier-2025-26.toml").read_text())["model"]
    return [str(r["id"]) for r in rows]


def test_every_frontier_model_answers_show(cli: CLI) -> None:
    ids = _frontier_ids()
    assert len(ids) >= 30
    for ident in ids:
        r = cli("show", ident)
        assert r.code == 0, (ident, r.err)
        assert model(ident).name in r.out
    # the 2025-26 frontier of every lab the issue names is there
    named = ["o3", "o4-mini", "gpt-5.2", "gemini 2.5 pro", "gemini 3 pro", "claude opus 4",
             "claude opus 4.1", "claude sonnet 4.5", "claude opus 4.5", "grok 4.1"]  # fmt: skip
    for name in named:
        assert model(name).id in ids


@pytest.mark.parametrize(
    "args",
    [
        ("models",),
        ("frontier", "--top", "40"),
        ("show", "claude-opus-4.5", "--json"),
        ("compute", "claude-opus-4.5"),
        ("compare", "claude-opus-4.5", "--frontier"),
        ("report", "gpt-5.5", "--json"),
        ("report", "grok", "--json"),
    ],
    ids=lambda a: " ".join(a),
)
def test_models_without_compute_never_crash_a_command(cli: CLI, args: tuple[str, ...]) -> None:
    """Listings succeed; a command that needs the compute says so in one line (exit 2)."""
    r = cli(*args)
    assert "Traceback" not in r.err
    assert r.code == 0 or (r.code == 2 and r.err.strip().count("\n") == 0), r.err
    if args[0] in ("models", "frontier", "show"):
        assert r.code == 0, r.err
