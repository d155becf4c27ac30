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
        "growing_bytes_at_context": 2 * 32 * (5 + 12),
        "bytes_at_context": 2 * 32 * (5 + 12),
        "fixed_state_bytes": 0,  # no recurrent layers
        "fixed_state_elements": 0,
        "state_dtype": "fp8",
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


def test_hybrid_shows_fixed_state_apart_from_growing_cache(cli: CLI) -> None:
    r = cli("arch", "Qwen/Qwen3-Next-80B-A3B-Instruct", "--context", "262144")
    assert r.code == 0, r.err
    # 12 full-attention layers x (K + V) x 2 KV heads x 256 x 2 B = 24,576 B per token
    assert "6,442,450,944 B" in r.out  # x 262,144 tokens
    # 36 Gated DeltaNet layers x (32 x 128 x 128 state + 8,192 channels x 3 conv) x 2 B
    assert "fixed recurrent state" in r.out and "39,518,208 B" in r.out
    assert "6,481,969,152 B" in r.out  # the sum
    assert "recurrent state" in r.out and "36 gated deltanet" in r.out


def test_hybrid_layers_table_names_the_mixers(cli: CLI) -> None:
    r = cli("arch", "Qwen/Qwen3-Next-80B-A3B-Instruct", "--layers", "--json")
    assert r.code == 0, r.err
    mixers = [layer["mixer"] for layer in r.json()["layers"]]
    assert mixers == (["gated_deltanet"] * 3 + ["full"]) * 12


def test_context_reads_32k_as_32768(cli: CLI) -> None:
    # in a context length k = 1,024 (as windows are quoted), as memory and local read it
    a = cli("arch", "llama-3.1-8b", "--context", "32k", "--json").json()
    b = cli("arch", "llama-3.1-8b", "--context", "32768", "--json").json()
    assert a == b
    r = cli("arch", "llama-3.1-8b", "--context", "32X")
    assert r.code == 2 and "8192, 32k or 128k" in r.err
