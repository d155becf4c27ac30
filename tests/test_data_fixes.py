"""Data fixes checked against their sources: catalog figures, accelerators, Epoch rows, rules."""

from __future__ import annotations

import math
import tomllib
from datetime import date, timedelta
from pathlib import Path

import pytest

from flopcast.catalog import catalog, model
from flopcast.datafiles import data_path, lenient_key
from flopcast.epoch import EpochRow, read_epoch_csv, row_flags
from flopcast.figures import Model
from flopcast.frontiers import candidates, frontier
from flopcast.hardware import accelerator, accelerators
from flopcast.regulation import thresholds

EPOCH_DIR = Path(__file__).resolve().parents[1].parent / "shared/data/epoch"
SNAPSHOT_2025_05 = EPOCH_DIR / "notable_ai_models_2025-05.csv"


def _shipped_rows() -> tuple[EpochRow, ...]:
    return read_epoch_csv(data_path("epoch_notable.csv"), language_only=True).rows


def _rows_of(m: Model, rows: tuple[EpochRow, ...]) -> list[EpochRow]:
    """The Epoch AI rows that name a catalog model (by id, name or alias)."""
    keys = {lenient_key(n) for n in (m.id, m.name, *m.aliases)}
    return [r for r in rows if lenient_key(r.model) in keys]


# --- catalog -----------------------------------------------------------------------------


def test_context_lengths_are_written_as_token_counts() -> None:
    """The catalog's rule: a vendor's '128K' window is written 131072, never '128K'."""
    for m in catalog():
        fig = m.figure("context_length")
        if fig is not None:
            assert fig.text.isdigit(), f"{m.id}: context_length {fig.text!r}"
    # DeepSeek-V2 and V3 papers state 128K; 128 x 1024 = 131,072
    assert model("deepseek-v2").value("context_length").value == 131_072  # type: ignore[union-attr]
    assert model("deepseek-v3").value("context_length").value == 131_072  # type: ignore[union-attr]


def test_epoch_compute_figures_match_the_snapshot_they_cite() -> None:
    """A figure cited to the 2026-04 snapshot must be in that snapshot's compute column."""
    rows = _shipped_rows()
    cited_2025_05 = []
    for m in catalog():
        fig = m.figure("training_compute")
        if fig is None or fig.by != "Epoch AI" or fig.quantity is None:
            continue
        if "snapshot 2025-05" in fig.note:
            cited_2025_05.append(m)
            continue
        assert "snapshot 2026-04" in fig.note, m.id
        matches = [r.training_compute for r in _rows_of(m, rows)]
        assert matches, f"{m.id}: no Epoch AI row of that name in the shipped snapshot"
        assert any(
            c is not None and math.isclose(c, fig.quantity.value, rel_tol=0.01) for c in matches
        ), f"{m.id}: {fig.quantity.value:.3g} is not in the 2026-04 column ({matches})"
    assert {m.id for m in cited_2025_05} >= {"gpt-4o", "claude-3-opus"}


@pytest.mark.parametrize(("ident", "flop"), [("gpt-4o", 3.81e25), ("claude-3-opus", 1.64e25)])
def test_withdrawn_epoch_estimates_are_cited_to_2025_05_and_labelled(
    ident: str, flop: float
) -> None:
    m = model(ident)
    fig = m.figure("training_compute")
    assert fig is not None and fig.quantity is not None
    assert fig.quantity.value == pytest.approx(flop)
    assert "withdrawn" in fig.note.lower() and "withdrawn" in m.notes.lower()
    # the 2026-04 snapshot's compute column is blank for the model
    (row,) = _rows_of(m, _shipped_rows())
    assert row.training_compute is None
    if SNAPSHOT_2025_05.exists():  # the 2025-05 snapshot has the figure in its column
        old = _rows_of(m, read_epoch_csv(SNAPSHOT_2025_05, language_only=False).rows)
        assert [r.training_compute for r in old] == [pytest.approx(flop, rel=0.001)]


@pytest.mark.parametrize(
    ("ident", "hours", "most_hours"), [("gpt-oss-120b", 2.1e6, 2.1e6), ("gpt-oss-20b", 2.1e5, 3e5)]
)
def test_gpt_oss_compute_range_admits_bf16_training(
    ident: str, hours: float, most_hours: float
) -> None:
    """Epoch's FP8-at-30% assumption is 66-73% of the H100's BF16 peak; the range covers BF16."""
    q = model(ident).value("training_compute")
    assert q is not None and q.low is not None and q.high is not None
    h100 = accelerator("h100-sxm")
    bf16_all_hours = hours * 3600 * h100.peak_flops("bf16")
    # central value as a share of the BF16 dense peak: 4.94e24 / 7.48e24 = 0.66,
    # 5.49e23 / 7.48e23 = 0.73 (210K hours, 'almost 10x fewer')
    assert 0.65 < q.value / bf16_all_hours < 0.74
    # the low end admits BF16 training at 20% utilization (and 15% for the 120b)
    assert q.low <= 0.2 * bf16_all_hours
    # the high end stays at or below the FP8 dense peak at 100% utilization ('almost 10x
    # fewer' hours for the 20b: up to 300K)
    assert q.high <= most_hours * 3600 * h100.peak_flops("fp8") * 1.001
    assert "66%" in model("gpt-oss-120b").notes and "73%" in model("gpt-oss-20b").notes


def test_behemoth_status_is_current() -> None:
    notes = model("llama-4-behemoth").notes
    assert notes.startswith("Status as of 2026-12: never released")
    assert "https://" in notes.split("The figures below")[0]  # the status cites its sources


# --- accelerators -----------------------------------------------------------------------------


def test_gb200_power_is_nvidia_s_own_figure() -> None:
    gb200 = accelerator("gb200")
    assert gb200.tdp_w == 1200
    assert "https://www.nvidia.com/en-us/data-center/hgx/" in gb200.other_sources
    assert "Configurable up to 1,200W" in gb200.notes
    assert "secondary sources" not in gb200.notes


def test_memory_capacity_is_the_nominal_figure_for_every_chip() -> None:
    header = data_path("accelerators.toml").read_text().split("[[accelerator]]")[0]
    assert "nominal" in header and "One rule for every chip" in header
    for acc in accelerators():
        if acc.memory_gb is not None:  # no GiB-to-GB conversions (32 GiB would be 34.36)
            assert acc.memory_gb == round(acc.memory_gb), acc.id
    # the same nominal size reads the same whatever the vendor's unit label
    assert accelerator("tpu v4").memory_gb == accelerator("tpu v6e").memory_gb == 32
    assert accelerator("tpu v4").memory_gb == accelerator("rtx 5090").memory_gb
    assert accelerator("tpu7x").memory_gb == accelerator("mi300x").memory_gb == 192
    assert accelerator("tpu v5p").memory_gb == 95  # Google: 'HBM capacity per chip (GiB) 95'
    assert accelerator("trainium2").memory_gb == 96  # AWS: '96 GiB'
    assert accelerator("trainium3").memory_gb == 144  # AWS: '144 GiB'


def test_figures_are_per_package() -> None:
    header = data_path("accelerators.toml").read_text().split("[[accelerator]]")[0]
    assert "per accelerator package" in header and "per GPU for multi-GPU" not in header
    mi250x = accelerator("mi250x")  # one OAM package of two GCDs, as AMD's datasheet gives it
    assert (mi250x.peak_tflops["bf16"], mi250x.memory_gb) == (383.0, 128)
    assert "two GCDs" in mi250x.notes or "two dies" in mi250x.notes
    # GB200: one Blackwell GPU package; 72 of them give the NVL72 rack's 180 PFLOP/s dense BF16
    # (NVIDIA lists 360 PF 'in sparse; dense is one-half')
    assert 72 * accelerator("gb200").peak_tflops["bf16"] == pytest.approx(180_000)


# --- Epoch AI rows --------------------------------------------------------------------------


def _row(**kw: object) -> EpochRow:
    base: dict[str, object] = dict(
        model="X", organization="", published=date(2024, 1, 1), domain="Language",
        parameters=None, training_compute=None, tokens=None, confidence="", hardware="",
        hardware_quantity=None, training_time_hours=None, utilization=None, open_weights=None,
        frontier=False, link="",
    )  # fmt: skip
    base.update(kw)
    return EpochRow(**base)  # type: ignore[arg-type]


def test_a_unit_slip_is_corrected_and_other_flagged_figures_are_not_used() -> None:
    from flopcast.epoch import as_model

    # DeepSeek-V4-Flash as shipped: 2.84e8 parameters where its notes say 284B
    (flash,) = [r for r in _shipped_rows() if r.model == "DeepSeek-V4-Flash"]
    (flag,) = row_flags(flash)
    assert flag.figure == "parameters" and flag.corrected == pytest.approx(284e9)
    m = as_model(flash)  # the Epoch AI row itself (the curated catalog has its own entry)
    fig = m.figure("total_params")
    assert fig is not None and fig.quantity is not None
    assert fig.quantity.value == pytest.approx(284e9) and "unit slip" in fig.note
    assert "Flagged" in m.notes
    # a parameter count its notes contradict, with no unit slip, is left out
    bad = _row(parameters=1e10, parameters_notes="145 million parameters")
    assert as_model(bad).figure("total_params") is None
    assert "not used" in as_model(bad).notes
    # a compute figure its notes contradict is left out (and so off the frontier)
    worse = _row(training_compute=1e18, training_compute_notes="about 8.6e19 FLOP")
    assert as_model(worse).figure("training_compute") is None
    # a total above the active count its notes give is the whole model, not a disagreement
    moe = _row(parameters=2e12, parameters_notes="288B active parameters, 16 experts")
    assert row_flags(moe) == []


def test_gpt_3_and_gpt_4_match_epoch_s_names() -> None:
    assert model("GPT-4 (Mar 2023)").id == model("GPT-4 (Jun 2023)").id == "gpt-4"
    assert model("GPT-3 175B (davinci)").id == "gpt-3"
    names = [e.model.name for e in frontier("2023-12-01", 10).entries]
    assert names.count("GPT-4") == 1 and not any(n.startswith("GPT-4 (") for n in names)


def test_frontier_lists_each_training_run_once() -> None:
    """No catalog model comes back under an Epoch AI name, and no run above 1e25 twice: two
    entries by one developer, released within a week, with the same compute are one run."""
    big = [e for e in candidates() if e.compute.value >= 1e24]
    for i, a in enumerate(big):
        for b in big[i + 1 :]:
            smaller = min(a.compute.value, b.compute.value)
            if "catalog" not in (a.origin, b.origin) and smaller < 1e25:
                continue  # Epoch AI's own fine-tune rows below 1e25 (NVLM, Flan-PaLM) are its data
            same = (
                a.model.developer.split()[0] == b.model.developer.split()[0]
                and abs(a.model.released - b.model.released) <= timedelta(days=7)
                and math.isclose(a.compute.value, b.compute.value, rel_tol=0.01)
            )
            assert not same, f"{a.model.name} and {b.model.name} look like one run"


# --- regulatory thresholds ------------------------------------------------------------------


def test_new_york_raise_act_and_sb_53_notes() -> None:
    by_id = {t.id: t for t in thresholds()}
    raise_act = by_id["new-york-raise-act"]
    assert raise_act.flop == 1e26 and "compute cost" in raise_act.rule
    assert "2025-12-19" in raise_act.status and "2027-01-01" in raise_act.status
    assert "compute cost" in raise_act.notes.lower()
    sb53 = by_id["california-sb-53"]
    assert "fine-tuning, reinforcement learning" in sb53.notes and "500 million" in sb53.notes
    raw = tomllib.loads(data_path("thresholds.toml").read_text())["threshold"]
    assert all(r["source"].startswith("https://") for r in raw)
