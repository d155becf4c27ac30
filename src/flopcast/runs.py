"""A model's training run as a system: its hardware, peak power, energy and three costs (beside
Epoch AI's own figures where its Notable AI Models snapshot has them), and where the run sits
among the systems its developer had.

Hardware comes from the catalog (accelerator, count, hours) or, where the catalog has none,
from Epoch AI's row for the model (hardware, quantity, training time); a duration the compute
estimate implies (6·N·D ÷ accelerators × FLOP/s) fills a missing one. Costs follow Cottier et al.
2024 for published models: the run starts 60 days plus its duration before release, on hardware
bought when the chip was first sold, at its first listed price (:mod:`flopcast.cost`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from flopcast.datafiles import data_path, epoch_credit, lenient_key, load_toml, shipped_dataset
from flopcast.errors import FlopcastError
from flopcast.hardware import Accelerator, accelerator
from flopcast.quantity import SECONDS_PER_HOUR, Quantity

if TYPE_CHECKING:
    from flopcast.accounting import ModelCompute
    from flopcast.cost import RunCost
    from flopcast.figures import Model
    from flopcast.fleet import Placement
    from flopcast.systems import System
    from flopcast.uncertainty import Sampling

#: Epoch AI's Notable AI Models columns that flopcast compares its own figures with.
EPOCH_COLUMNS = {
    "power_w": "Training power draw (W)",
    "amortized_usd": "Training compute cost (2023 USD)",
    "cloud_usd": "Training compute cost (cloud)",
    "upfront_usd": "Training compute cost (upfront)",
}
#: flopcast's output → Epoch AI's figure for it.
COMPARED = {
    "facility_power_w": "power_w",
    "amortized_cost_usd": "amortized_usd",
    "cloud_cost_usd": "cloud_usd",
    "acquisition_cost_usd": "upfront_usd",
}


@dataclass(frozen=True)
class EpochRunFigures:
    """Epoch AI's power and cost figures for a model (costs in 2023 US dollars)."""

    model: str
    figures: dict[str, float]  # keys of EPOCH_COLUMNS
    credit: str

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, **self.figures, "dollars_of": 2023, "credit": self.credit}


def extract_model_costs(csv_text: str) -> str:
    """From a Notable AI Models CSV, the rows with a power or cost figure, as the small CSV
    flopcast ships (``data/epoch_model_costs.csv``)."""
    reader = csv.DictReader(io.StringIO(csv_text, newline=""))
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["model", *EPOCH_COLUMNS])
    for row in reader:
        values = [(row.get(col) or "").strip() for col in EPOCH_COLUMNS.values()]
        if any(values):
            writer.writerow([row["Model"].strip(), *values])
    return out.getvalue()


@cache
def _epoch_costs() -> dict[str, EpochRunFigures]:
    from flopcast.store import read_text

    meta = load_toml("systems.toml")["model_costs"]
    text = read_text(data_path(meta["file"]), "Epoch AI model costs")
    credit = epoch_credit(shipped_dataset(meta))
    out: dict[str, EpochRunFigures] = {}
    for row in csv.DictReader(io.StringIO(text, newline="")):
        figures = {k: float(row[k]) for k in EPOCH_COLUMNS if row.get(k)}
        out.setdefault(lenient_key(row["model"]), EpochRunFigures(row["model"], figures, credit))
    return out


def epoch_run_figures(name: str) -> EpochRunFigures | None:
    """Epoch AI's power and cost figures for a model, by name (None if it has none)."""
    return _epoch_costs().get(lenient_key(name))


# --------------------------------------------------------------------------------------
# The run's hardware


@dataclass(frozen=True)
class RunHardware:
    """What a model was trained on, and where each figure came from."""

    accelerator: Accelerator
    accelerators: Quantity | None
    accelerator_hours: Quantity
    origins: dict[str, str]  # accelerator / accelerators / accelerator_hours -> where from

    def to_dict(self) -> dict[str, Any]:
        return {
            "accelerator": self.accelerator.id,
            "accelerators": None if self.accelerators is None else self.accelerators.to_dict(),
            "accelerator_hours": self.accelerator_hours.to_dict(),
            "origins": dict(self.origins),
        }


def _epoch_row(m: Model) -> Any:
    from flopcast.epoch import epoch_rows

    key = lenient_key(m.name)
    return next((r for r in epoch_rows() if lenient_key(r.model) == key), None)


def run_hardware(m: Model, mc: ModelCompute) -> RunHardware | None:
    """The accelerator, count and accelerator-hours of a model's run (None if unknown)."""
    est = mc.estimate
    inputs = est.inputs if est is not None else {}
    row = _epoch_row(m)
    origins: dict[str, str] = {}
    acc = est.accelerator if est is not None else None
    hw = m.figure("training_hardware")
    if acc is None and hw is not None:
        try:
            acc = accelerator(hw.text)
        except FlopcastError:
            acc = None
    if acc is not None:
        origins["accelerator"] = "catalog" if hw is not None else "given"
    elif row is not None and row.hardware:
        try:
            acc = accelerator(row.hardware.split(",")[0])
            origins["accelerator"] = "Epoch AI"
        except FlopcastError:
            return None
    else:
        return None
    n: Quantity | None = None
    if "accelerators" in inputs:
        n = inputs["accelerators"].quantity
        origins["accelerators"] = inputs["accelerators"].origin
    elif (fig := m.figure("accelerator_count")) is not None and fig.quantity is not None:
        n, origins["accelerators"] = fig.quantity, f"catalog: {fig.provenance}"
    elif row is not None and row.hardware_quantity:
        n, origins["accelerators"] = Quantity(row.hardware_quantity), "Epoch AI"
    hours: Quantity | None = None
    if "accelerator_hours" in inputs:
        hours = inputs["accelerator_hours"].quantity
        origins["accelerator_hours"] = inputs["accelerator_hours"].origin
    elif n is not None and est is not None and (est.duration or est.implied_duration):
        d = est.duration or est.implied_duration
        assert d is not None
        hours = _times(n, d.scaled(1 / SECONDS_PER_HOUR))
        origins["accelerator_hours"] = (
            "accelerators × duration"
            if est.duration is not None
            else "accelerators × the duration 6·N·D implies"
        )
    elif n is not None and row is not None and row.training_time_hours:
        hours = _times(n, Quantity(row.training_time_hours))
        origins["accelerator_hours"] = "accelerators × Epoch AI's training time"
    if hours is None:
        return None
    return RunHardware(acc, n, hours.with_unit("accelerator-hours"), origins)


def _times(a: Quantity, b: Quantity) -> Quantity:
    """The product of two quantities (intervals multiplied end to end: a conservative bound)."""
    if not (a.uncertain or b.uncertain):
        return Quantity(a.value * b.value)
    lo = (a.low if a.low is not None else a.value) * (b.low if b.low is not None else b.value)
    hi = (a.high if a.high is not None else a.value) * (b.high if b.high is not None else b.value)
    return Quantity(a.value * b.value, lo, hi)


# --------------------------------------------------------------------------------------
# The run


@dataclass(frozen=True)
class TrainingRun:
    """A model's training run: hardware, power, energy, costs, Epoch AI's figures, placement."""

    model: str
    hardware: RunHardware
    cost: RunCost
    epoch: EpochRunFigures | None
    placement: Placement | None

    @property
    def ratios(self) -> dict[str, float]:
        """flopcast's central figure ÷ Epoch AI's, for each figure both have."""
        out: dict[str, float] = {}
        if self.epoch is None:
            return out
        for ours, theirs in COMPARED.items():
            q = self.cost.get(ours)
            e = self.epoch.figures.get(theirs)
            if q is not None and e:
                out[ours] = q.value / e
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "hardware": self.hardware.to_dict(),
            **self.cost.to_dict(),
            "epoch_ai": None if self.epoch is None else self.epoch.to_dict(),
            "ratio_to_epoch_ai": self.ratios,
            "placement": None if self.placement is None else self.placement.to_dict(),
        }


def training_run(
    m: Model, mc: ModelCompute, *, dollars: int = 2023, sampling: Sampling | None = None
) -> TrainingRun | None:
    """The training run of a catalog model, costed in ``dollars`` (Epoch AI's 2023 by default);
    None when its hardware, or the power of its accelerator, is not known."""
    from flopcast.cost import run_cost
    from flopcast.fleet import place
    from flopcast.prices import price_table

    hw = run_hardware(m, mc)
    if hw is None:
        return None
    days = 0.0
    if hw.accelerators is not None:
        days = hw.accelerator_hours.value / hw.accelerators.value / 24
    buffer = price_table().run_to_release_days
    start = m.released - timedelta(days=days + buffer)  # Cottier et al. 2024: run ends 60 d
    try:
        cost = run_cost(
            hw.accelerator,
            accelerators=hw.accelerators,
            accelerator_hours=hw.accelerator_hours,
            at=start,
            first_availability=True,
            dollars=dollars,
            sampling=sampling,
        )
    except FlopcastError:  # e.g. a TPU: no TDP in the table, so no power or energy
        return None
    placement = None
    if hw.accelerators is not None:
        placement = place(m.developer, hw.accelerator, hw.accelerators.value, m.released)
    return TrainingRun(m.name, hw, cost, epoch_run_figures(m.name), placement)


# --------------------------------------------------------------------------------------
# The typical frontier cluster at a date


@dataclass(frozen=True)
class FrontierCluster:
    """The typical frontier cluster of ``data/defaults.toml`` (100K H100 for 90 days) at a
    date: its power and cost, and the real systems of at least its size that existed then."""

    at: date
    cost: RunCost
    h100e: float
    systems: tuple[System, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            **self.cost.to_dict(),
            "h100e": self.h100e,
            "systems": [s.name for s in self.systems],
        }


def frontier_cluster(at: date, *, sampling: Sampling | None = None) -> FrontierCluster:
    """The typical frontier cluster priced at ``at`` (in that year's dollars), with the
    systems of its size (in H100-equivalents) that existed then."""
    from flopcast.cost import run_cost
    from flopcast.defaults import section
    from flopcast.fleet import systems_of_size
    from flopcast.quantity import Kind, parse

    tc = section("typical_cluster")
    acc = accelerator(tc["accelerator"])
    n = parse(tc["accelerators"], Kind.COUNT, what="typical cluster").value
    cost = run_cost(acc, accelerators=n, duration=tc["days"], at=at, sampling=sampling)
    h100e = n * acc.peak_flops("bf16") / accelerator("h100").peak_flops("bf16")
    return FrontierCluster(at, cost, h100e, tuple(systems_of_size(h100e, at)))
