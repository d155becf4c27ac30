"""``flopcast arch`` end to end through ``flopcast.cli.main`` (no torch needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CLI

from .tiny import TINY


def test_human_output_for_a_repo_id(cli: CLI) -> None:
    r = cli("arch", "meta-llama/Llama-4-Maverick-17B-128E-Instruct", "--context", "8192")
    assert r.code == 0, r.err
    assert "400,711,848,960" in r.out and "17,184,691,200" in r.out
    assert "+ vision_tower" in r.out and "routed experts" in r.out
    assert "196,608 B" in r.out  # bf16 KV bytes per token, every layer


def test_catalog_name_uses_the_shipped_twin(cli: CLI) -> None:
    r = cli("arch", "maverick", "--json")
    assert r.code == 0, r.err
    data = r.json()
    assert data["config"] == "meta-llama/Llama-4-Maverick-17B-128E"
    assert data["total_params"] == 400_711_848_960


def test_json_with_layers_and_kv_dtype(cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(TINY["gpt_oss"]), encoding="utf-8")
    r = cli("arch", str(tmp_path), "--json", "--layers", "--kv-dtype", "fp8", "--context", "12")
    assert r.code == 0, r.err
    data = r.json()
    assert data["kv_cache"] == {
        "dtype": "fp8",
        "bytes_per_token": 2 * 2 * 2 * 16 * 1,
        "context": 12,
        "bytes_at_context": 2 * 32 * (5 + 12),
    }
    assert [layer["attention"] for layer in data["layers"]] == ["sliding", "full"]
    assert data["flops_per_token"]["training"] == 3 * data["flops_per_token"]["forward"]


def test_layers_table(cli: CLI) -> None:
    r = cli("arch", "openai/gpt-oss-120b", "--layers")
    assert r.code == 0, r.err
    assert "Per layer" in r.out and "sliding 128" in r.out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("arch", "no/such-file.json"), "no such file"),
        (("arch", "openai/gpt-oss-120b", "--kv-dtype", "fp12"), "unknown KV-cache dtype"),
        (("arch", "not-a-model-anyone-knows"), "unknown model"),
    ],
)
def test_errors_are_one_line_exit_2(cli: CLI, args: tuple[str, ...], expected: str) -> None:
    r = cli(*args)
    assert r.code == 2
    assert expected in r.err and r.err.count("\n") == 1 and r.out == ""


def test_malformed_config_file(cli: CLI, tmp_path: Path) -> None:
    bad = tmp_path / "config.json"
    bad.write_text("{", encoding="utf-8")
    r = cli("arch", str(bad))
    assert r.code == 2 and "not valid JSON" in r.err
