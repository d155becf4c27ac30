"""``flopcast arch --types``: the supported model_types, human and JSON (no torch needed)."""

from __future__ import annotations

from flopcast.arch import SUPPORTED_MODEL_TYPES, model_type_families
from tests.conftest import CLI


def test_types_lists_every_supported_model_type(cli: CLI) -> None:
    r = cli("arch", "--types")
    assert r.code == 0, r.err
    listed = [line.split()[0] for line in r.out.splitlines()[3:] if line.strip()][:-1]
    assert listed == list(SUPPORTED_MODEL_TYPES)
    assert all(len(line.rstrip()) <= 80 for line in r.out.splitlines())
    assert f"{len(SUPPORTED_MODEL_TYPES)} config.json model_types" in r.out


def test_types_json(cli: CLI) -> None:
    r = cli("arch", "--types", "--json")
    assert r.code == 0, r.err
    data = r.json()
    assert data["count"] == len(SUPPORTED_MODEL_TYPES) >= 30
    assert {row["model_type"]: row["family"] for row in data["model_types"]} == (
        model_type_families()
    )
    assert model_type_families()["deepseek_v32"] == "deepseek"


def test_no_config_and_no_types_is_a_one_line_error(cli: CLI) -> None:
    r = cli("arch")
    assert r.code == 2 and "--types" in r.err and r.err.count("\n") == 1
