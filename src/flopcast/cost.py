"""What a training run costs, three ways, with its power and energy.

As in Cottier et al. 2024, "The rising costs of training frontier AI models" (arXiv:2405.21015,
sec. 2), and Epoch AI's Notable AI Models cost columns:

* **up-front acquisition**: accelerators × price per accelerator (with its server) × cluster
  interconnect overhead;
* **amortized hardware CapEx + energy**: the hardware's value when the run starts (its price
  when bought, depreciated at r = 0.14 orders of magnitude a year since) × accelerator-hours /
  hours-per-year × r·ln(10) × interconnect, plus the electricity of the run;
* **cloud rental**: accelerator-hours × a cloud price per accelerator-hour.

Power is Epoch AI's (:mod:`flopcast.power`); energy is the peak facility power × the average
draw while training × the run's duration. Every price comes with its source and date
(:mod:`flopcast.prices`) and every cost is stated in the dollars of one year.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flopcast.dates import parse_date, years_between
from flopcast.errors import FlopcastError, opt
from flopcast.hardware import Accelerator, accelerator
from flopcast.power import average_draw, parse_power, power_inputs
from flopcast.prices import (
    Price,
    dollars_year,
    first_available,
    hardware_price,
    normalize_term,
    parse_price,
    price_table,
)
from flopcast.prices import cloud_price as table_cloud_price
from flopcast.prices import electricity_price as table_electricity
from flopcast.quantity import DAYS_PER_YEAR, Kind, Quantity, QuantityLike, fmt_plain, parse
from flopcast.training import Input
from flopcast.uncertainty import Sampling, propagate

HOURS_PER_YEAR = DAYS_PER_YEAR * 24

#: The outputs of :class:`RunCost` that ``to_dict`` flattens to ``name``, ``name_90``,
#: ``name_basis`` (the keys ``flopcast cluster --json`` promises).
FLAT_KEYS = (
    "it_power_w",
    "facility_power_w",
    "energy_mwh",
    "electricity_cost_usd",
    "acquisition_cost_usd",
    "amortized_cost_usd",
    "cloud_cost_usd",
)


@dataclass(frozen=True)
class RunCost:
    """Power, energy and the three costs of a run, in US dollars of ``dollars_year``."""

    accelerator: Accelerator
    start: date  # when the run starts (prices, PUE year, electricity year)
    acquired: date  # when its hardware was bought
    dollars_year: int
    accelerators: Quantity | None
    accelerator_hours: Quantity | None  # None without a duration
    outputs: dict[str, Quantity]  # FLAT_KEYS present, plus per_accelerator_w, value_at_start_usd
    bases: dict[str, str]
    prices: dict[str, Price]
    inputs: dict[str, Input]
    notes: tuple[str, ...] = ()
    missing: dict[str, str] = field(default_factory=dict)  # output -> why it could not be priced

    def get(self, key: str) -> Quantity | None:
        return self.outputs.get(key)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in FLAT_KEYS:
            q = self.outputs.get(key)
            out[key] = None if q is None else q.value
            out[f"{key}_90"] = [q.low, q.high] if q is not None and q.uncertain else None
            out[f"{key}_basis"] = (
                self.missing.get(key, "") if q is None else self.bases.get(key, "")
            )
        out.update(
            accelerator=self.accelerator.id,
            run_start=self.start.isoformat(),
            hardware_acquired=self.acquired.isoformat(),
            dollars_of=self.dollars_year,
            accelerators=None if self.accelerators is None else self.accelerators.to_dict(),
            accelerator_hours=(
                None if self.accelerator_hours is None else self.accelerator_hours.to_dict()
            ),
            prices={k: v.to_dict() for k, v in self.prices.items()},
            cost_inputs={k: v.to_dict() for k, v in self.inputs.items()},
            notes=list(self.notes),
        )
        return out


def _given_or_table(
    given: str | None, what: str, per: str, lookup: Callable[[], Price]
) -> tuple[Price | None, str | None]:
    """A typed price, or the table's; (None, why) when the table has none."""
    if given is not None:
        return parse_price(given, what, per), None
    try:
        return lookup(), None
    except FlopcastError as exc:
        return None, str(exc)


def run_cost(
    acc: str | Accelerator,
    *,
    accelerators: QuantityLike | None = None,
    power: QuantityLike | None = None,
    duration: QuantityLike | None = None,
    accelerator_hours: QuantityLike | None = None,
    at: date | str | None = None,
    acquired: date | str | None = None,
    first_availability: bool = False,
    dollars: int | None = None,
    tdp: QuantityLike | None = None,
    overhead: QuantityLike | None = None,
    pue: QuantityLike | None = None,
    gpu_price: str | None = None,
    cloud_price: str | None = None,
    electricity_price: str | None = None,
    cloud_term: str = "3-year",
    sampling: Sampling | None = None,
) -> RunCost:
    """Power, energy and cost of ``accelerators`` × ``duration`` (or ``accelerator_hours``);
    ``power`` (a site's facility power, e.g. ``"1GW"``) instead of ``accelerators`` fills the
    site with as many as it can power.

    The run starts at ``at`` (default today); its hardware was bought at ``acquired``
    (default: ``start``), or, with ``first_availability``, when the chip was first sold, at its
    first listed price (Cottier et al.'s assumption for published models). Prices may be given
    as text with their currency and year (``gpu_price="$30K 2024"``).
    """
    a = acc if isinstance(acc, Accelerator) else accelerator(acc)
    start_d = parse_date(at, opt("at"))
    dyear = dollars_year(dollars if dollars is not None else start_d.year)
    table = price_table()
    notes: list[str] = []
    if dollars is not None and dyear != dollars:
        notes.append(f"no CPI for {dollars}: costs are in {dyear} dollars")
    elif dollars is None and dyear != start_d.year:
        notes.append(f"costs are in {dyear} dollars (the latest year of the CPI table)")

    quantities: dict[str, Quantity] = {}
    inputs: dict[str, Input] = {}
    if accelerators is not None and power is not None:
        raise FlopcastError("give the accelerators or the site's power, not both")
    if accelerators is not None:
        n = parse(accelerators, Kind.COUNT, what=opt("accelerators"), unit="accelerators")
        inputs["accelerators"] = Input("accelerators", n, Kind.COUNT, "given")
    if power is not None:
        inputs["power"] = Input("power", parse_power(power), Kind.NUMBER, "given")
    sized = "accelerators" in inputs or "power" in inputs
    if accelerator_hours is not None:
        hours = parse(
            accelerator_hours, Kind.COUNT, what=opt("accelerator_hours"), unit="accelerator-hours"
        )
        inputs["accelerator_hours"] = Input("accelerator_hours", hours, Kind.COUNT, "given")
    elif duration is not None and sized:
        d = parse(duration, Kind.DURATION, what=opt("duration"), default_duration="d")
        inputs["duration"] = Input("duration", d, Kind.DURATION, "given")
    elif not sized:
        raise FlopcastError(
            "a run needs accelerator-hours, or accelerators (or a site's power) and a duration"
        )
    timed = "accelerator_hours" in inputs or "duration" in inputs

    inputs.update(power_inputs(a, start_d.year, tdp=tdp, overhead=overhead, pue=pue))
    inputs["average_draw"] = average_draw()

    prices: dict[str, Price] = {}
    missing: dict[str, str] = {}
    server_included = True
    acquired_d = parse_date(acquired, opt("acquired")) if acquired is not None else start_d
    try:
        if gpu_price is not None:
            prices["hardware"] = parse_price(gpu_price, opt("gpu_price"))
        elif first_availability:
            prices["hardware"], acquired_d, server_included = first_available(a)
        else:
            prices["hardware"], server_included = hardware_price(a, acquired_d)
    except FlopcastError:
        if gpu_price is not None:
            raise
        for key in ("acquisition_cost_usd", "amortized_cost_usd"):
            missing[key] = (
                f"no purchase price in flopcast's table: give {opt('gpu_price')} '$30K 2024'"
            )
    cl, _ = _given_or_table(
        cloud_price, opt("cloud_price"), "h", lambda: table_cloud_price(a, start_d, cloud_term)
    )
    if cl is None:
        missing["cloud_cost_usd"] = (
            f"no {normalize_term(cloud_term)} cloud price in flopcast's table: give "
            f"{opt('cloud_price')} '$2.5/h 2025'"
        )
    else:
        prices["cloud"] = cl
    el, _ = _given_or_table(
        electricity_price, opt("electricity_price"), "kWh", lambda: table_electricity(start_d.year)
    )
    assert el is not None  # the electricity table always answers
    prices["electricity"] = el

    for name, price in prices.items():
        quantities[f"{name}_price"] = price.in_dollars_of(dyear)
    if "hardware" in prices:
        inputs["interconnect"] = Input(
            "interconnect", table.interconnect, Kind.NUMBER, "Cottier et al.", table.model_source
        )
        if not server_included:
            inputs["server_overhead"] = Input(
                "server_overhead", table.server_overhead, Kind.NUMBER, "Cottier et al.",
                table.model_source,
            )  # fmt: skip
    held = max(0.0, years_between(acquired_d, start_d))
    r = table.depreciation_ooms_per_year
    depreciation = 10 ** (-r * held)  # value falls 0.14 OOM/yr (Cottier et al. 2024, sec. 2.2)
    rate = r * math.log(10) / HOURS_PER_YEAR  # amortization per hour: r·ln(10) a year

    names = set(inputs) | set(quantities)

    def f(**x: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        per = x["tdp"] * x["system_overhead"] * x["pue"]  # Pilz et al. 2025, app. B.4
        hours = None
        if "accelerator_hours" in names:
            hours = x["accelerator_hours"]
        elif "duration" in names and "accelerators" in names:
            hours = x["accelerators"] * x["duration"] / 3600.0
        elif "duration" in names:
            hours = x["power"] / per * x["duration"] / 3600.0
        if hours is not None:
            out["accelerator_hours"] = hours
        out["per_accelerator_w"] = per
        n = None
        if "accelerators" in names:
            n = x["accelerators"]
        elif "power" in names:
            n = x["power"] / per  # as many as the site can power
            out["accelerators"] = n
        if n is not None:
            out["it_power_w"] = n * x["tdp"] * x["system_overhead"]
            out["facility_power_w"] = out["it_power_w"] * x["pue"]
        if hours is not None:
            energy_mwh = per * x["average_draw"] * hours / 1e6
            out["energy_mwh"] = energy_mwh
            out["electricity_cost_usd"] = energy_mwh * 1000.0 * x["electricity_price"]
        if "hardware_price" in names:
            unit = x["hardware_price"] * x.get("server_overhead", 1.0)
            if n is not None:
                out["acquisition_cost_usd"] = n * unit * x["interconnect"]
            out["value_at_start_usd"] = unit * depreciation
            if hours is not None:
                hw = unit * depreciation * hours * rate * x["interconnect"]
                out["amortized_hardware_usd"] = hw
                out["amortized_cost_usd"] = hw + out["electricity_cost_usd"]
        if "cloud_price" in names and hours is not None:
            out["cloud_cost_usd"] = hours * x["cloud_price"]
        return out

    values = {k: v.quantity for k, v in inputs.items()} | quantities
    units = {
        "accelerator_hours": "accelerator-hours", "per_accelerator_w": "W", "it_power_w": "W",
        "accelerators": "accelerators",
        "facility_power_w": "W", "energy_mwh": "MWh",
    }  # fmt: skip
    res = {k: _exact_if_flat(q) for k, q in propagate(f, values, units, sampling).items()}
    for key in ("acquisition_cost_usd", "value_at_start_usd", "amortized_hardware_usd",
                "amortized_cost_usd", "cloud_cost_usd", "electricity_cost_usd"):  # fmt: skip
        if key in res:
            res[key] = res[key].with_unit(f"USD ({dyear})")
    if "acquisition_cost_usd" not in res and "hardware" in prices:
        missing["acquisition_cost_usd"] = "the number of accelerators is not known"
    if not timed:
        for key in ("energy_mwh", "electricity_cost_usd", "amortized_cost_usd", "cloud_cost_usd"):
            missing[key] = f"no duration: give {opt('duration')}"
    if "it_power_w" not in res:
        for key in ("it_power_w", "facility_power_w"):
            missing[key] = "the number of accelerators is not known"
    bases = _bases(inputs, prices, res, acquired_d, start_d, held, dyear, r)
    return RunCost(
        accelerator=a,
        start=start_d,
        acquired=acquired_d,
        dollars_year=dyear,
        accelerators=(
            inputs["accelerators"].quantity if "accelerators" in inputs else res.get("accelerators")
        ),
        accelerator_hours=res.get("accelerator_hours"),
        outputs=res,
        bases=bases,
        prices=prices,
        inputs=inputs,
        notes=tuple(notes),
        missing=missing,
    )


def _exact_if_flat(q: Quantity) -> Quantity:
    """A result whose interval is only floating-point noise (an input cancelled out) as exact."""
    if q.low is not None and q.high is not None and q.high - q.low <= 1e-9 * abs(q.value):
        return Quantity(q.value, unit=q.unit)
    return q


def _usd(x: float) -> str:
    return f"${fmt_plain(x / 1e3, 3)}K" if x >= 1e3 else f"${fmt_plain(x, 3)}"


def _bases(
    inputs: dict[str, Input],
    prices: dict[str, Price],
    res: dict[str, Quantity],
    acquired: date,
    start: date,
    held: float,
    dyear: int,
    r: float,
) -> dict[str, str]:
    """One line per output saying how it was computed, with the central inputs."""
    tdp = inputs["tdp"].quantity.value
    so = inputs["system_overhead"].quantity.value
    pue = inputs["pue"].quantity.value
    power = f"× {tdp:g} W TDP × {so:g} server and network overhead"
    out = {
        "it_power_w": f"accelerators {power}",
        "facility_power_w": f"accelerators {power} × {pue:g} PUE ({start.year})",
        "energy_mwh": (
            f"facility power × {inputs['average_draw'].quantity.value:g} average draw × duration"
        ),
    }
    el = prices["electricity"]
    out["electricity_cost_usd"] = f"energy × {_usd(el.usd.value)}/kWh ({el.basis})"
    if "hardware" in prices:
        hw = prices["hardware"]
        ic = inputs["interconnect"].quantity.value
        when = "" if hw.when is None else f", {hw.when.isoformat()}"
        unit = f"{_usd(hw.usd.value)} ({hw.year} ${when})"
        if "server_overhead" in inputs:
            unit += f" × {inputs['server_overhead'].quantity.value:g} server"
        out["acquisition_cost_usd"] = f"accelerators × {unit} × {ic:g} interconnect"
        value = res["value_at_start_usd"].value
        dep = (
            f"bought {acquired.isoformat()}, {held:.2g} years before the run: "
            f"worth {_usd(value)} ({dyear} $) at its start; "
            if held > 0
            else ""
        )
        out["amortized_cost_usd"] = (
            f"{dep}value × accelerator-hours × {r:g}·ln(10)/year × {ic:g} interconnect "
            f"+ electricity; price {unit}"
        )
    if "cloud" in prices:
        out["cloud_cost_usd"] = (
            f"accelerator-hours × {_usd(prices['cloud'].usd.value)}/h ({prices['cloud'].basis})"
        )
    return out


def cloud_term_label(term: str) -> str:
    """``3-year`` → ``3-year commitment``; for output."""
    t = normalize_term(term)
    return "on-demand" if t == "on-demand" else f"{t} commitment"
