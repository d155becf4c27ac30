"""The 2025-26 additions: open-weights models with shipped configs, and machines of 2026."""

from __future__ import annotations

import pytest

import flopcast.inference as M
from flopcast.arch import SUPPORTED_MODEL_TYPES
from flopcast.catalog import catalog, model
from flopcast.configs import config_for_model
from flopcast.errors import FlopcastError
from flopcast.exact import exact_counts
from tests.conftest import CLI
from tests.stated_rounding import active_matches_stated, rounds_to
from tests.test_catalog import ROUNDING_EXCEPTIONS

WITH_CONFIG = [m for m in catalog() if config_for_model(m) is not None]


@pytest.mark.parametrize("m", WITH_CONFIG, ids=lambda m: m.id)
def test_stated_total_within_a_few_percent_of_the_exact_count(m: object) -> None:
    """Every catalog model whose config.json ships: the stated total (and active) count is
    the rounded exact count. Configs whose model_type has no builder yet are skipped, by name."""
    from flopcast.figures import Model

    assert isinstance(m, Model) and m.hf_repo
    resolved = config_for_model(m)
    assert resolved is not None
    model_type = resolved.config.get("model_type")
    if model_type not in SUPPORTED_MODEL_TYPES:
        assert exact_counts(m) is None  # no crash: the catalog figures stand alone
        pytest.skip(f"model_type {model_type} has no architecture builder yet")
    e = exact_counts(m)
    assert e is not None and e.total_rounding is not None
    limit = ROUNDING_EXCEPTIONS.get(m.id, 0.03)
    assert abs(e.total_rounding) < limit, (m.id, e.total_params)
    if e.active_rounding is not None:
        assert active_matches_stated(m, e, limit), (m.id, e.active_params)


def test_exact_counts_cover_the_new_supported_configs() -> None:
    counted = {m.id: exact_counts(m) for m in WITH_CONFIG}
    for mid in ("qwen3-0.6b", "qwen3-8b", "qwen3-32b", "gpt-oss-20b", "kimi-k2-thinking",
                "deepseek-v3.1", "llama-3.1-405b", "qwen3-235b-a22b"):  # fmt: skip
        assert counted.get(mid) is not None, mid
    gpt = counted["gpt-oss-20b"]
    assert gpt is not None
    # gpt-oss model card: 20.91B total, 3.61B active without the input embedding
    assert gpt.total_params == pytest.approx(20.91e9, rel=0.001)
    assert gpt.active_params == pytest.approx(3.61e9, rel=0.002)


@pytest.mark.parametrize(
    "mid", ["deepseek-v4-pro", "glm-5", "kimi-k2.5", "qwen3.5-397b-a17b", "qwen3-next-80b-a3b"]
)
def test_unsupported_model_types_still_show_and_compute(cli: CLI, mid: str) -> None:
    assert cli("show", mid).code == 0
    r = cli("compute", mid)  # Qwen3.5: no tokens disclosed, so a one-line "not disclosed"
    assert r.code == 0 or (r.code == 2 and "not disclosed" in r.err), r.err
    r = cli("memory", mid)  # works once the builder lands; until then one line, no traceback
    assert r.code == 0 or (r.code == 2 and "Traceback" not in r.err and r.err.count("\n") <= 1)


def test_epoch_compute_of_new_models() -> None:
    # Epoch AI, Notable AI Models 2026-04: DeepSeek-V4-Pro 6 x 49B x 33T = 9.702e24
    v4 = model("deepseek v4 pro").value("training_compute")
    assert v4 is not None and v4.value == pytest.approx(9.702e24)
    # GLM-5: 6 x 40B x 28.5T = 6.84e24
    glm5 = model("glm5").value("training_compute")
    assert glm5 is not None and glm5.value == pytest.approx(6 * 40e9 * 28.5e12)


def test_a_shared_machine_alias_asks_instead_of_picking() -> None:
    # an M4 Max reads 546 GB/s, an M4 Pro 273 GB/s: "mac 64gb" must not silently pick one
    with pytest.raises(FlopcastError, match="ambiguous") as exc:
        M.machine("mac 64gb")
    msg = str(exc.value)
    assert "m4-max-64" in msg and "m4-pro-64" in msg and "did you mean" in msg
    assert M.machine("m4 pro 64gb").bandwidth_gbs == 273
    assert M.machine("m4 max 64gb").bandwidth_gbs == 546


def test_cli_ambiguous_machine_is_one_line(cli: CLI) -> None:
    r = cli("local", "qwen3-8b", "--on", "64gb mac")
    assert r.code == 2 and "did you mean" in r.err and "Traceback" not in r.err


@pytest.mark.parametrize(
    ("name", "memory_gb", "bandwidth_gbs"),
    [
        ("m5 max", 128, 614),  # Apple: M5 Max up to 128 GB at 614 GB/s
        ("m5 pro", 64, 307),  # Apple: M5 Pro up to 64 GB at 307 GB/s
        ("m5", 32, 153),  # Apple: M5 153 GB/s, up to 32 GB
        ("rtx 5080", 16, 960),  # 256-bit x 30 Gbps / 8
        ("rtx 5070 ti", 16, 896),  # 256-bit x 28 Gbps / 8
        ("rtx 5070", 12, 672),  # 192-bit x 28 Gbps / 8
        ("rtx 5060 ti", 16, 448),  # 128-bit x 28 Gbps / 8
        ("9070 xt", 16, 640),  # 256-bit x 20 Gbps / 8
        ("r9700", 32, 640),  # 256-bit x 20 Gbps / 8
        ("mac studio m5 ultra", 256, 1200),  # Apple: M5 Ultra 1.2 TB/s, 256 GB at launch
        ("m5 ultra 96gb", 96, 1200),
        ("mac studio m5 max", 128, 614),  # the M5 Max with the 40-core GPU, as in the laptop
    ],
)
def test_machines_of_2026(name: str, memory_gb: float, bandwidth_gbs: float) -> None:
    m = M.machine(name)
    assert m.memory_gb == memory_gb
    assert m.bandwidth_gbs == bandwidth_gbs


def test_rounds_to_reads_the_stated_precision() -> None:
    assert rounds_to("3B", 3_253_000_000)  # Qwen3-Next non-embedding active: 3.25B -> "3B"
    assert not rounds_to("3B", 3_564_000_000)  # 3.56B would be "4B"
    assert rounds_to("3.2B", 3_228_000_000) and not rounds_to("3.2B", 3_580_000_000)
    assert not rounds_to("about 3B", 3_000_000_000)


def test_spring_2026_updates_count_from_their_twins() -> None:
    """GLM-5.1, Kimi K2.6, Qwen3.6-27B and Phi-4-reasoning keep their predecessors' networks
    (data/configs/derived.toml); their exact counts are the predecessors', compared with what
    each developer states."""
    pairs = {"glm-5.1": "glm-5", "kimi-k2.6": "kimi-k2.5", "qwen3.6-27b": "qwen3.5-27b",
             "phi-4-reasoning": "phi-4"}  # fmt: skip
    from flopcast.arch import from_config

    for new, old in pairs.items():
        a, b = config_for_model(model(new)), config_for_model(model(old))
        assert a is not None and b is not None and a.origin == "twin", new
        x, y = from_config(a.config), from_config(b.config)
        assert (x.total_params, x.active_params) == (y.total_params, y.active_params), new
    glm = exact_counts(model("glm-5.1"))
    assert glm is not None
    # GLM-5 layout: 743.91B + the MTP layer = 753.86B, Hugging Face's "754B" (GLM-5's paper
    # states 744B without it); 40.83B active without the input embedding, stated "40B"
    assert glm.active_params is not None
    assert round(glm.total_params / 1e9) == 754
    assert round(glm.active_params / 1e9) == 41


def test_hybrid_and_mid_size_open_models_of_2025() -> None:
    # Nemotron-H 56B: 118 single-mixer layers counted from the shipped config, 56.32B ("56B")
    nh = exact_counts(model("nemotron h 56b"))
    assert nh is not None and nh.total_params == 56_324_350_464
    # NVIDIA pre-trained it on 20T tokens: 6 x 56B x 20T = 6.72e24 by the headline rule
    m = model("nemotron-h-56b")
    n, d = m.value("active_params"), m.value("training_tokens")
    assert n is not None and d is not None
    assert 6 * n.value * d.value == pytest.approx(6.72e24)
    # Seed-OSS's "512K" window is written 524,288 (the catalog's K rule), Granite's 128K 131,072
    seed, granite = model("seed-oss").value("context_length"), model("granite 4.0 h small")
    assert seed is not None and seed.value == 524_288
    ctx = granite.value("context_length")
    assert ctx is not None and ctx.value == 131_072
    assert granite.architecture == "moe" and model("granite-4.0-h-micro").architecture == "dense"
