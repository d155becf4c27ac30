"""``flopcast plan`` end to end: the acceptance runs, --search, bad layouts, 80 columns."""

from __future__ import annotations

import pytest

from tests.conftest import CLI

ACCEPTANCE = (
    "plan",
    "llama-3.1-405b",
    "--gpus",
    "16384",
    "--gpu",
    "h100",
    "--tp",
    "8",
    "--pp",
    "16",
    "--seq",
    "8192",
    "--zero",
    "1",
    "--recompute",
    "full",
    "--mfu",
    "40%",
)
SEVEN_B = (
    "--total",
    "7B",
    "--active",
    "7B",
    "--layers",
    "32",
    "--hidden",
    "4096",
    "--heads",
    "32",
    "--vocab",
    "32000",
)


def _readable_at_80(text: str) -> None:
    for line in text.splitlines():
        assert len(line.rstrip()) <= 80, line
    assert "…" not in text


def test_405b_on_16k_h100_fits_and_says_its_defaults(cli: CLI) -> None:
    r = cli(*ACCEPTANCE)
    assert r.code == 0, r.err
    first = r.out.splitlines()[0]
    assert first.startswith("Llama 3.1 405B on 16,384 × H100") and ": fits, " in first
    assert "of 80 GB per GPU" in first
    assert "step time" in r.out and "at 40% utilization while computing (given)" in r.out
    assert "Defaults used" in r.out
    for default in (
        "flash attention",
        "sequence parallel",
        "micro-batch",
        "optimizer",
        "framework overhead",
    ):
        assert default in r.out.split("Defaults used", 1)[1]
    # the batch is Meta's (Llama 3 paper, Table 4: 16M tokens), not a default
    assert "global batch" not in r.out.split("Defaults used", 1)[1]
    assert "16,777,216" in r.out and "as Meta trained it" in r.out
    d = cli(*ACCEPTANCE, "--json").json()
    assert d["fits"] is True and d["memory_per_gpu_gb"] < 80
    assert d["layout"] == {
        "tp": 8,
        "pp": 16,
        "cp": 1,
        "dp": 128,
        "ep": 1,
        "gpus": 16384,
        "stage_layers": [7, *[8] * 14, 7],
    }
    assert d["time"]["utilization"]["value"] == 0.4
    assert d["time"]["step_seconds"]["value"] > 0
    assert "micro-batch" in d["defaults_used"]


def test_405b_without_model_parallelism_does_not_fit(cli: CLI) -> None:
    args = list(ACCEPTANCE)
    args[args.index("--tp") + 1] = "1"
    args[args.index("--pp") + 1] = "1"
    r = cli(*args)
    assert r.code == 0
    assert ": does not fit, " in r.out.splitlines()[0]
    assert cli(*args, "--json").json()["fits"] is False


def test_7b_on_8_h100_search_lists_layouts_with_memory_and_step_time(cli: CLI) -> None:
    r = cli("plan", *SEVEN_B, "--gpus", "8", "--gpu", "h100", "--search")
    assert r.code == 0, r.err
    assert "layouts fit" in r.out.splitlines()[0]
    assert r.out.count("memory per GPU") >= 3 and r.out.count("step time") >= 3
    assert "1. TP " in r.out and "of 80 GB" in r.out
    d = cli("plan", *SEVEN_B, "--gpus", "8", "--search", "--json").json()
    assert d["fitting"] >= 3
    for c in d["candidates"]:
        assert c["layout"]["gpus"] == 8 and c["memory_gb"] <= 80 and c["step_seconds"] > 0


def test_smallest_cluster_for_a_layout_rule(cli: CLI) -> None:
    r = cli("plan", "llama-3.1-405b", "--tp", "8", "--pp", "16", "--search", "--json")
    assert r.code == 0, r.err
    d = r.json()
    assert d["mode"] == "smallest" and d["candidates"]
    gpus = [c["layout"]["gpus"] for c in d["candidates"]]
    assert gpus == sorted(gpus) and all(g % 128 == 0 for g in gpus)


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("--gpus", "16384", "--tp", "8", "--pp", "16", "--dp", "64"), "--gpus"),
        (("--tp", "3"), "--tp"),
        (("--pp", "200"), "--pp"),
        (("--gpus", "100", "--tp", "8"), "--gpus"),
    ],
)
def test_bad_layouts_one_line_naming_the_option_exit_2(
    cli: CLI, args: tuple[str, ...], option: str
) -> None:
    r = cli("plan", "llama-3.1-405b", *args)
    assert r.code == 2 and r.out == ""
    assert len(r.err.strip().splitlines()) == 1 and option in r.err
    assert "Traceback" not in r.err


def test_deepspeed_convention(cli: CLI) -> None:
    d = cli(
        "plan", "llama-3.1-8b", "--gpus", "8", "--zero", "3", "--convention", "deepspeed", "--json"
    ).json()
    parts = {p["name"]: p["bytes"] for p in d["busiest_stage"]["parts"]}
    # DeepSpeed's ZeRO-3 estimator: 4 × largest layer + int(18Ψ/N) = 20,169,434,112 bytes
    assert parts["largest layer"] + parts["sharded model states"] == 20_169_434_112


def test_readable_at_80_columns(cli: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    for args in (
        ACCEPTANCE,
        ("plan", *SEVEN_B, "--gpus", "8", "--search"),
        ("plan", "mixtral-8x7b", "--gpus", "16", "--ep", "8", "--tp", "2"),
    ):
        r = cli(*args)
        assert r.code == 0, r.err
        _readable_at_80(r.out)
