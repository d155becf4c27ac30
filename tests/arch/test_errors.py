"""Bad input becomes a one-line FlopcastError that says what is wrong (no torch needed)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from flopcast.arch import SUPPORTED_MODEL_TYPES, from_config, hub
from flopcast.errors import FlopcastError

from .tiny import TINY


def _error(config: Any) -> str:
    with pytest.raises(FlopcastError) as info:
        from_config(config)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_malformed_json(tmp_path: Path) -> None:
    bad = tmp_path / "config.json"
    bad.write_text('{"model_type": "llama",,}', encoding="utf-8")
    assert "not valid JSON (line 1" in _error(bad)
    assert "not valid JSON" in _error(tmp_path)  # a directory holding it


def test_json_that_is_not_an_object(tmp_path: Path) -> None:
    bad = tmp_path / "c.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    assert "must hold a JSON object" in _error(bad)


def test_directory_without_config(tmp_path: Path) -> None:
    assert "holds no config.json" in _error(tmp_path)


def test_missing_file() -> None:
    assert "no such file" in _error("does/not/exist.json")
    assert "no such file" in _error(Path("nowhere"))


@pytest.mark.parametrize(
    ("field", "name"),
    [
        ("hidden_size", "llama-gqa"),
        ("vocab_size", "gpt_oss"),
        ("num_local_experts", "mixtral-sliding"),
        ("kv_lora_rank", "deepseek_v3-lora"),
        ("intermediate_size_mlp", "llama4_text-interleaved"),
    ],
)
def test_missing_field_is_named(field: str, name: str) -> None:
    config = dict(TINY[name])
    del config[field]
    message = _error(config)
    assert repr(field) in message and "missing" in message


def test_missing_nested_field_is_named() -> None:
    config = json.loads(json.dumps(TINY["llama4-multimodal"]))
    del config["text_config"]["num_hidden_layers"]
    assert "'text_config.num_hidden_layers'" in _error(config)


def test_heads_not_dividing_hidden_without_head_dim() -> None:
    config = {**TINY["llama-gqa"], "num_attention_heads": 3, "num_key_value_heads": 3}
    message = _error(config)
    assert "does not divide" in message and "head_dim" in message
    # an explicit head_dim makes it fine
    assert from_config({**config, "head_dim": 16}).total_params > 0


def test_kv_heads_must_divide_heads() -> None:
    assert "must divide" in _error({**TINY["llama-gqa"], "num_key_value_heads": 3})


def test_top_k_larger_than_experts() -> None:
    message = _error({**TINY["mixtral-sliding"], "num_experts_per_tok": 5})
    assert "num_experts_per_tok (5) is larger than num_local_experts (4)" in message
    assert "larger than" in _error({**TINY["deepseek_v3-lora"], "num_experts_per_tok": 9})


def test_wrong_types() -> None:
    assert "must be an integer" in _error({**TINY["llama-gqa"], "hidden_size": "64"})
    assert "must be at least 1" in _error({**TINY["llama-gqa"], "num_hidden_layers": 0})
    assert "must be true or false" in _error({**TINY["llama-gqa"], "tie_word_embeddings": "no"})
    bad_types = {**TINY["gpt_oss"], "layer_types": ["sliding_attention", "banana"]}
    assert "unknown layer type 'banana'" in _error(bad_types)
    assert "has 1 entries" in _error({**TINY["gpt_oss"], "layer_types": ["full_attention"]})


def test_unknown_and_missing_model_type() -> None:
    message = _error({**TINY["llama-gqa"], "model_type": "bert"})
    assert "'bert' is not supported" in message
    assert all(t in message for t in SUPPORTED_MODEL_TYPES)
    config = dict(TINY["llama-gqa"])
    del config["model_type"]
    assert "no 'model_type'" in _error(config)


def test_unknown_kv_dtype() -> None:
    got = from_config(TINY["llama-gqa"])
    with pytest.raises(FlopcastError, match="unknown KV-cache dtype"):
        got.kv_cache_bytes_per_token("fp12")
    with pytest.raises(FlopcastError, match="context must be a positive integer"):
        got.flops_per_token(0)


# ---- the Hub ---------------------------------------------------------------------------


class _FakeHub:
    """Stands in for huggingface_hub.hf_hub_download, raising a chosen error."""

    def __init__(self, error: Exception | None, path: Path | None = None) -> None:
        self.error = error
        self.path = path

    def __call__(self, repo_id: str, filename: str, local_files_only: bool = False) -> str:
        if local_files_only:  # nothing is in the local cache
            from huggingface_hub.errors import LocalEntryNotFoundError

            raise LocalEntryNotFoundError("not cached")
        if self.error is not None:
            raise self.error
        assert self.path is not None
        return str(self.path)


@pytest.fixture(autouse=True)
def _hub_reachable(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake Hub is always 'reachable'; no test here touches the network."""
    monkeypatch.setattr(hub, "_hub_reachable", lambda timeout=3.0: True)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)


def test_offline_machine_fails_fast_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("huggingface_hub", reason="huggingface_hub not installed")
    import huggingface_hub

    monkeypatch.setattr(huggingface_hub, "hf_hub_download", _FakeHub(None))
    monkeypatch.setattr(hub, "_hub_reachable", lambda timeout=3.0: False)
    message = _error("some-org/some-model")
    assert "cannot reach the Hub" in message and "HF_TOKEN" in message


def _hub_errors() -> Any:
    return pytest.importorskip("huggingface_hub.errors", reason="huggingface_hub not installed")


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("LocalEntryNotFoundError", "cannot reach the Hub"),
        ("EntryNotFoundError", "has no config.json"),
    ],
)
def test_hub_offline_and_missing_file(
    monkeypatch: pytest.MonkeyPatch, kind: str, expected: str
) -> None:
    errors = _hub_errors()
    import huggingface_hub

    monkeypatch.setattr(huggingface_hub, "hf_hub_download", _FakeHub(getattr(errors, kind)("x")))
    message = _error("some-org/some-model")
    assert expected in message
    if kind == "LocalEntryNotFoundError":
        assert "HF_TOKEN" in message and "local config.json" in message


def test_hub_gated_and_not_found(monkeypatch: pytest.MonkeyPatch) -> None:
    errors = _hub_errors()
    import huggingface_hub

    for cls, expected in (
        (errors.GatedRepoError, "is gated"),
        (errors.RepositoryNotFoundError, "was not found"),
    ):
        error = cls.__new__(cls)
        Exception.__init__(error, "401 Client Error")
        monkeypatch.setattr(huggingface_hub, "hf_hub_download", _FakeHub(error))
        message = _error("some-org/private-model")
        assert expected in message and "HF_TOKEN" in message


def test_hub_download_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pytest.importorskip("huggingface_hub", reason="huggingface_hub not installed")
    import huggingface_hub

    path = tmp_path / "config.json"
    path.write_text(json.dumps(TINY["llama-gqa"]), encoding="utf-8")
    monkeypatch.setattr(huggingface_hub, "hf_hub_download", _FakeHub(None, path))
    assert from_config("some-org/tiny").total_params == from_config(TINY["llama-gqa"]).total_params


def test_hub_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "huggingface_hub", None)
    message = _error("some-org/some-model")
    assert "huggingface_hub is not installed" in message and "local config.json" in message


def test_shipped_configs_are_found_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "huggingface_hub", None)
    shipped = hub.shipped_configs()
    assert "meta-llama/Llama-4-Maverick-17B-128E-Instruct" in shipped
    assert from_config("meta-llama/Llama-4-Maverick-17B-128E-Instruct").total_params > 4e11
