"""One model → config.json resolver: shipped files, twins, derived configs, files, the Hub."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flopcast.catalog import model
from flopcast.configs import config_for_model, resolve_config
from flopcast.errors import FlopcastError
from flopcast.exact import exact_counts
from tests.conftest import CLI


def test_origins() -> None:
    assert resolve_config("meta-llama/Llama-3.1-70B-Instruct").origin == "shipped"
    twin = resolve_config("llama-3.3-70b")
    assert (twin.origin, twin.repo, twin.base) == (
        "twin", "meta-llama/Llama-3.3-70B-Instruct", "meta-llama/Llama-3.1-70B-Instruct"
    )  # fmt: skip
    assert resolve_config("gpt-oss-20b").origin == "shipped"
    assert resolve_config({"model_type": "llama"}).origin == "dict"


def test_derived_config(monkeypatch: pytest.MonkeyPatch) -> None:
    import flopcast.configs as C

    overrides = {"num_hidden_layers": 24, "num_local_experts": 32}
    table: dict[str, list[dict[str, object]]] = {
        "twin": [],
        "derived": [{
            "repo": "someone/gpt-oss-small", "base": "openai/gpt-oss-120b", "why": "test",
            "source": "https://arxiv.org/abs/2508.10925",
            "overrides": overrides,
        }],
    }  # fmt: skip
    monkeypatch.setattr(C, "_table", lambda: table)
    derived = C.config_for_repo("someone/gpt-oss-small")
    assert derived is not None and derived.origin == "derived"
    assert derived.config["num_hidden_layers"] == 24
    assert derived.config["hidden_size"] == 2880  # from the 120b's file
    # the 20b's own config.json has exactly the fields the 120b's file with these overrides
    shipped = resolve_config("openai/gpt-oss-20b").config
    assert all(shipped[k] == v for k, v in overrides.items())


def test_file_and_directory(tmp_path: Path) -> None:
    cfg = resolve_config("meta-llama/Llama-3.1-8B-Instruct").config
    (tmp_path / "config.json").write_text(json.dumps(cfg))
    assert resolve_config(tmp_path).origin == "file"
    assert resolve_config(str(tmp_path / "config.json")).config == cfg
    with pytest.raises(FlopcastError, match="no such file"):
        resolve_config(str(tmp_path / "missing.json"))


def test_offline_without_hub() -> None:
    with pytest.raises(FlopcastError, match="Hub is not to be used"):
        resolve_config("someone/unknown-model", hub=False)
    with pytest.raises(FlopcastError, match="no Hugging Face repo"):
        resolve_config("gpt-4")


def test_arch_and_compute_agree_offline(cli: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    for name in ("gpt-oss-20b", "llama-3.3-70b"):
        arch = cli("arch", name, "--json").json()
        shown = cli("compute", name, "--json").json()["exact_counts"]
        assert shown is not None, name
        assert shown["total_params"] == arch["total_params"], name
        assert shown["config_origin"] == resolve_config(name).describe
    # Llama 3.3 70B is Llama 3.1 70B's network: 80 layers x (4 x 8192^2 x (1 + 2 x 8/64)
    # attention + 3 x 8192 x 28672 MLP) + norms + 2 x 128256 x 8192 embeddings = 70,553,706,496
    assert cli("arch", "llama-3.3-70b", "--json").json()["total_params"] == 70_553_706_496


def test_every_twin_and_derived_config_counts() -> None:
    from flopcast.arch import SUPPORTED_MODEL_TYPES, from_config
    from flopcast.configs import _table

    for row in (*_table()["twin"], *_table()["derived"]):
        resolved = resolve_config(row["repo"], hub=False)
        if resolved.config["model_type"] in SUPPORTED_MODEL_TYPES:
            assert from_config(resolved.config).total_params > 0
    counted = [m.id for m in map(model, ("gpt-oss-20b", "llama-3.3-70b")) if exact_counts(m)]
    assert counted == ["gpt-oss-20b", "llama-3.3-70b"]
    assert resolve_config("llama-3.3-70b").describe.endswith(
        "the same architecture as meta-llama/Llama-3.3-70B-Instruct"
    )
    assert config_for_model(model("gpt-4")) is None
