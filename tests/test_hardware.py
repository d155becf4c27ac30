"""The accelerator table: dense peaks, lenient names, and a cross-check against Epoch AI."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from flopcast.errors import FlopcastError
from flopcast.hardware import accelerator, accelerators
from tests.conftest import CLI

REQUIRED = [
    "v100", "a100 40gb", "a100 80gb", "h100 sxm", "h100 pcie", "h800", "h200", "b200",
    "gb200", "b300", "mi250x", "mi300x", "mi325x", "mi355x", "tpu v4", "tpu v5e", "tpu v5p",
    "tpu v6e", "gaudi 3", "rtx 3090", "rtx 4090", "rtx 5090",
]  # fmt: skip

EPOCH_HARDWARE = (
    Path(__file__).resolve().parents[1].parent / "shared/data/epoch/ml_hardware_2025-12.csv"
)


@pytest.mark.parametrize("name", REQUIRED)
def test_required_accelerators_resolve(name: str) -> None:
    acc = accelerator(name)
    assert acc.source.startswith("http")
    assert acc.peak_tflops


@pytest.mark.parametrize(
    "name", ["h100", "H100-SXM", "nvidia h100 sxm5 80gb", "NVIDIA H100 SXM5 80GB", "h100_sxm"]
)
def test_lenient_names(name: str) -> None:
    assert accelerator(name).id == "h100-sxm"


def test_tpu_names() -> None:
    assert accelerator("tpu v5p").id == accelerator("TPU-v5p").id == accelerator("v5p").id


def test_dense_not_sparse_peaks() -> None:
    # NVIDIA datasheets quote 2:4-sparse tensor figures; flopcast ships the dense halves.
    assert accelerator("h100").peak_flops("bf16") == pytest.approx(989.4e12, rel=1e-3)
    assert accelerator("h100").peak_flops("fp8") == pytest.approx(1978.9e12, rel=1e-3)
    assert accelerator("a100 80gb").peak_flops("bf16") == pytest.approx(312e12)
    assert accelerator("mi300x").peak_flops("bf16") == pytest.approx(1307.4e12, rel=1e-3)
    # GeForce: FP16 tensor math with FP32 accumulate runs at half rate
    assert accelerator("rtx 4090").peak_flops("bf16") == pytest.approx(165.2e12, rel=1e-3)


def test_unknown_accelerator_suggests_close_names() -> None:
    with pytest.raises(FlopcastError, match=r"did you mean.*h100-sxm") as info:
        accelerator("h10")
    assert "flopcast.accelerators()" in str(info.value)


def test_unknown_precision() -> None:
    with pytest.raises(FlopcastError, match="unknown precision"):
        accelerator("h100").peak_flops("fp3")
    with pytest.raises(FlopcastError, match="no fp4 peak"):
        accelerator("a100 80gb").peak_flops("fp4")


def test_table_integrity() -> None:
    rows = accelerators()
    assert len(rows) >= 22
    ids = [a.id for a in rows]
    assert len(ids) == len(set(ids))
    for a in rows:
        for p, v in a.peak_tflops.items():
            assert v > 0, (a.id, p)
        # FP8 is never slower than BF16, and FP4 never slower than FP8, on any chip here
        if "fp8" in a.peak_tflops and "bf16" in a.peak_tflops:
            assert a.peak_tflops["fp8"] >= a.peak_tflops["bf16"], a.id
        if "fp4" in a.peak_tflops and "fp8" in a.peak_tflops:
            assert a.peak_tflops["fp4"] >= a.peak_tflops["fp8"], a.id


# Epoch AI's column for each field of ours, and the factor from its unit to ours.
EPOCH_COLUMNS = {
    "bf16": ("Tensor-FP16/BF16 performance (FLOP/s)", 1e12),
    "fp8": ("FP8 performance (FLOP/s)", 1e12),
    "fp4": ("FP4 performance (FLOP/s)", 1e12),
    "fp32": ("FP32 (single precision) performance (FLOP/s)", 1e12),
    "fp64": ("FP64 (double precision) performance (FLOP/s)", 1e12),
    "tf32": ("TF32 (TensorFloat-32) performance (FLOP/s)", 1e12),
    "int8": ("INT8 performance (OP/s)", 1e12),
    "memory_gb": ("Memory (bytes)", 1e9),
    "memory_bandwidth_gbs": ("Memory bandwidth (byte/s)", 1e9),
    "tdp_w": ("TDP (W)", 1.0),
}


def test_every_disagreement_with_epoch_over_5_percent_is_explained() -> None:
    """Epoch AI, Machine Learning Hardware (snapshot 2025-12, CC BY 4.0) as a cross-check."""
    if not EPOCH_HARDWARE.exists():
        pytest.skip(f"Epoch AI snapshot not found at {EPOCH_HARDWARE}")
    with EPOCH_HARDWARE.open(newline="", encoding="utf-8") as fh:
        epoch = {row["Hardware name"]: row for row in csv.DictReader(fh)}
    unexplained = []
    matched = 0
    for acc in accelerators():
        if acc.epoch_name is None:
            continue
        assert acc.epoch_name in epoch, f"{acc.id}: epoch_name {acc.epoch_name!r} not in snapshot"
        row = epoch[acc.epoch_name]
        matched += 1
        ours: dict[str, float | None] = {
            **acc.peak_tflops,
            "memory_gb": acc.memory_gb,
            "memory_bandwidth_gbs": acc.memory_bandwidth_gbs,
            "tdp_w": acc.tdp_w,
        }
        for key, (column, scale) in EPOCH_COLUMNS.items():
            mine, theirs = ours.get(key), (row.get(column) or "").strip()
            if mine is None or not theirs:
                continue
            value = float(theirs) / scale
            if abs(mine - value) / value > 0.05 and key not in acc.epoch_notes:
                unexplained.append(f"{acc.id}.{key}: ours {mine:g}, Epoch {value:g}")
    assert matched >= 15
    assert not unexplained, "unexplained disagreements with Epoch AI:\n" + "\n".join(unexplained)


def test_hardware_cli(cli: CLI) -> None:
    r = cli("hardware")
    assert r.code == 0 and "h100-sxm" in r.out and "989.4" in r.out
    r = cli("hardware", "h100")
    assert r.code == 0 and "989.4" in r.out and "source: https://" in r.out
    r = cli("hardware", "h100", "--json")
    assert r.json()["peak_tflops_dense"]["bf16"] == pytest.approx(989.4, rel=1e-3)
    r = cli("hardware", "h10")
    assert r.code == 2 and "did you mean" in r.err and r.err.count("\n") == 1


def test_cli_with_table_accelerators(cli: CLI) -> None:
    r = cli("cluster", "--gpus", "100K", "--gpu", "h100", "--days", "90", "--mfu", "0.4")
    assert r.code == 0, r.err
    assert "3.08e26 FLOP" in r.out
    r = cli("compute", "--active", "17B", "--tokens", "22T", "--gpu-hours", "2.38M",
            "--gpu", "h100", "--json")  # fmt: skip
    data = r.json()
    assert round(data["implied_utilization"]["value"] * 100, 1) == 26.5
    assert data["inputs"]["utilization"]["origin"] == "assumed"
    r = cli("cluster", "--gpus", "100K", "--gpu", "h200", "--days", "90", "--precision", "fp3")
    assert r.code == 2 and "unknown precision" in r.err


def test_hardware_separates_thousands_as_machines_does(cli: CLI) -> None:
    # H100 SXM: 3,350 GB/s (machines prints "3,350" too), fp8 1,978.9 TFLOP/s dense
    r = cli("hardware", "h100")
    assert r.code == 0, r.err
    assert "3,350 GB/s" in r.out and "1,978.9" in r.out
    row = next(line for line in cli("hardware").out.splitlines() if line.startswith("b200 "))
    assert row.split()[2:] == ["2,250", "4,500", "9,000", "180", "7,700"]
