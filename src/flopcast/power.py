"""Power of accelerators in a data centre, forward (N chips → watts) and inverse (watts → chips).

Peak facility power = accelerators × chip TDP × system overhead × PUE, as Epoch AI computes it
for its GPU Clusters data (Pilz et al. 2025, "Trends in AI Supercomputers", arXiv:2504.16026,
app. B.4): TDP × overhead is the IT power of the servers and their network, PUE adds cooling
and power conversion. The factors and their sources live in ``data/power.toml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flopcast.datafiles import data_path, first_error, load_toml, validated
from flopcast.dates import parse_date
from flopcast.errors import FlopcastError, opt
from flopcast.hardware import Accelerator, accelerator
from flopcast.quantity import Kind, Quantity, QuantityLike, parse
from flopcast.training import Input
from flopcast.uncertainty import Sampling, propagate

if TYPE_CHECKING:
    from pydantic import BaseModel


@dataclass(frozen=True)
class Factor:
    """A cited factor: its value (with a 90% interval where uncertain) and where it comes from."""

    text: str
    source: str
    note: str = ""


@dataclass(frozen=True)
class PowerTable:
    """``data/power.toml``, validated."""

    system_overhead: Factor
    average_draw: Factor
    pue_by_year: dict[int, float]
    pue_source: str


def _schema() -> type[BaseModel]:
    from pydantic import BaseModel, ConfigDict, Field, HttpUrl

    class FactorRow(BaseModel):
        model_config = ConfigDict(extra="forbid")
        value: str
        source: HttpUrl
        date: str
        note: str = ""
        other_sources: list[HttpUrl] = []

    class PueRow(BaseModel):
        model_config = ConfigDict(extra="forbid")
        source: HttpUrl
        date: str
        other_sources: list[HttpUrl] = []
        by_year: dict[int, float] = Field(min_length=1)

    class File(BaseModel):
        model_config = ConfigDict(extra="forbid")
        system_overhead: FactorRow
        pue: PueRow
        average_draw: FactorRow

    return File


def _build() -> PowerTable:
    from pydantic import ValidationError

    try:
        f: Any = _schema().model_validate(load_toml("power.toml"))
    except ValidationError as exc:
        raise FlopcastError(f"data/power.toml: {first_error(exc)}") from None
    for year, pue in f.pue.by_year.items():
        if not 1.0 <= pue <= 3.0:
            raise FlopcastError(f"data/power.toml: PUE {pue} for {year} is not between 1 and 3")
    for name in ("system_overhead", "average_draw"):
        row = getattr(f, name)
        parse(row.value, Kind.NUMBER, what=f"data/power.toml {name}")  # must parse
    return PowerTable(
        system_overhead=Factor(
            f.system_overhead.value, str(f.system_overhead.source), f.system_overhead.note
        ),
        average_draw=Factor(f.average_draw.value, str(f.average_draw.source), f.average_draw.note),
        pue_by_year=dict(sorted(f.pue.by_year.items())),
        pue_source=str(f.pue.source),
    )


@cache
def power_table() -> PowerTable:
    """The power factors flopcast ships, validated on first use (then cached)."""
    return validated("power", (data_path("power.toml"), Path(__file__)), _build)


# --------------------------------------------------------------------------------------
# Inputs


def table_pue(year: int) -> Input:
    """The PUE of an AI data centre in ``year`` (the table's first/last year outside it)."""
    table = power_table()
    years = sorted(table.pue_by_year)
    used = min(max(year, years[0]), years[-1])
    note = (
        f"{used}" if used == year else f"{used} (the table's {'last' if year > used else 'first'})"
    )
    return Input(
        "pue",
        Quantity.exact(table.pue_by_year[used]),
        Kind.NUMBER,
        f"table: AI data centres, {note}",
        table.pue_source,
    )


def system_overhead() -> Input:
    """Server and network power as a multiple of the accelerators' TDP (Epoch AI: 1.82)."""
    f = power_table().system_overhead
    q = parse(f.text, Kind.NUMBER, what="system overhead")
    return Input("system_overhead", q, Kind.NUMBER, "table: DGX H100 (Epoch AI)", f.source)


def average_draw() -> Input:
    """Average power while training, as a fraction of the peak (Cottier et al.: 0.75)."""
    f = power_table().average_draw
    q = parse(f.text, Kind.FRACTION, what="average draw")
    return Input("average_draw", q, Kind.FRACTION, "assumed (Cottier et al.)", f.source)


def chip_tdp(acc: Accelerator, tdp: QuantityLike | None = None) -> Input:
    """The accelerator's TDP in watts: given, or from the accelerator table."""
    if tdp is not None:
        return Input("tdp", parse_power(tdp, opt("tdp")), Kind.NUMBER, "given")
    if acc.tdp_w is None:
        raise FlopcastError(
            f"{acc.name} has no TDP in flopcast's table (its vendor publishes none): "
            f"give {opt('tdp')}, e.g. 700W"
        )
    return Input(
        "tdp", Quantity.exact(acc.tdp_w, "W"), Kind.NUMBER, f"table: {acc.name}", acc.source
    )


_POWER_SCALE = {"": 1.0, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12}
_POWER_TERM = re.compile(
    r"(?P<num>\d[\d,_]*(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)\s*(?P<p>[kKmMgGtT]?)[wW]\b"
)


def parse_power(value: QuantityLike, what: str | None = None) -> Quantity:
    """Watts from ``1GW``, ``150 MW``, ``700W``, ``900MW..1.1GW``, ``1GW~1.2x`` or a number."""
    what = what or opt("power")
    if isinstance(value, Quantity):
        return value.with_unit("W")
    if isinstance(value, int | float):
        return parse(value, Kind.NUMBER, what=what, unit="W")
    text = value.strip()
    if text.startswith("-") or re.search(r"[\[.(~]\s*-", text):
        raise FlopcastError(f"{what} {value!r} is negative: write a positive power, e.g. 1GW")

    def plain(m: re.Match[str]) -> str:
        number = float(m.group("num").replace(",", "").replace("_", ""))
        return repr(number * _POWER_SCALE[m.group("p").lower()])

    converted = _POWER_TERM.sub(plain, text)
    try:
        return parse(converted, Kind.NUMBER, what=what, unit="W")
    except FlopcastError:
        raise FlopcastError(
            f"cannot read {what} {value!r}: write a positive power such as 1GW, 150MW, 700kW or "
            "700W; an uncertain one as 0.9GW..1.1GW or 1GW~1.2x"
        ) from None


# --------------------------------------------------------------------------------------
# Cluster power


@dataclass(frozen=True)
class ClusterPower:
    """Peak power of N accelerators in a data centre: IT (servers + network) and facility."""

    accelerator: Accelerator
    year: int
    accelerators: Quantity
    it_power_w: Quantity  # accelerators × TDP × system overhead
    facility_power_w: Quantity  # × PUE
    per_accelerator_w: Quantity  # facility power per accelerator
    inputs: dict[str, Input]

    @property
    def basis(self) -> str:
        i = self.inputs
        return (
            f"accelerators × {i['tdp'].quantity.value:g} W TDP × "
            f"{i['system_overhead'].quantity.value:g} system overhead × "
            f"{i['pue'].quantity.value:g} PUE ({self.year})"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "accelerator": self.accelerator.id,
            "year": self.year,
            "accelerators": self.accelerators.to_dict(),
            "it_power_w": self.it_power_w.to_dict(),
            "facility_power_w": self.facility_power_w.to_dict(),
            "per_accelerator_w": self.per_accelerator_w.to_dict(),
            "basis": self.basis,
            "inputs": {k: v.to_dict() for k, v in self.inputs.items()},
        }


def power_inputs(
    acc: Accelerator,
    year: int,
    *,
    tdp: QuantityLike | None = None,
    overhead: QuantityLike | None = None,
    pue: QuantityLike | None = None,
) -> dict[str, Input]:
    """TDP, system overhead and PUE for an accelerator in a year, from the tables or given."""
    return {
        "tdp": chip_tdp(acc, tdp),
        "system_overhead": (
            Input("system_overhead", _factor(overhead, opt("overhead")), Kind.NUMBER, "given")
            if overhead is not None
            else system_overhead()
        ),
        "pue": (
            Input("pue", _factor(pue, opt("pue")), Kind.NUMBER, "given")
            if pue is not None
            else table_pue(year)
        ),
    }


def _factor(value: QuantityLike, what: str) -> Quantity:
    q = parse(value, Kind.NUMBER, what=what)
    if (q.low if q.low is not None else q.value) < 1:
        raise FlopcastError(
            f"{what} {value!r} is below 1: an overhead multiplies power (1.1, 1.82)"
        )
    return q


def _resolve(acc: str | Accelerator) -> Accelerator:
    return acc if isinstance(acc, Accelerator) else accelerator(acc)


def cluster_power(
    accelerators: QuantityLike,
    acc: str | Accelerator,
    *,
    at: date | str | None = None,
    tdp: QuantityLike | None = None,
    overhead: QuantityLike | None = None,
    pue: QuantityLike | None = None,
    sampling: Sampling | None = None,
) -> ClusterPower:
    """Peak power of a cluster: ``cluster_power("100K", "h100", at="2024-10")`` is 142.7 MW
    of facility power (100,000 × 700 W × 1.82 × 1.12)."""
    a = _resolve(acc)
    year = parse_date(at, opt("at")).year
    n = parse(accelerators, Kind.COUNT, what=opt("accelerators"), unit="accelerators")
    inputs = power_inputs(a, year, tdp=tdp, overhead=overhead, pue=pue)

    def f(n: Any, tdp: Any, system_overhead: Any, pue: Any) -> dict[str, Any]:
        it = n * tdp * system_overhead  # IT power: Pilz et al. 2025, app. B.4
        return {"it": it, "facility": it * pue, "per": tdp * system_overhead * pue}

    res = propagate(f, {"n": n, **{k: v.quantity for k, v in inputs.items()}}, None, sampling)
    return ClusterPower(
        a, year, n, res["it"].with_unit("W"), res["facility"].with_unit("W"),
        res["per"].with_unit("W"), inputs,
    )  # fmt: skip


def accelerators_for_power(
    power: QuantityLike,
    acc: str | Accelerator,
    *,
    at: date | str | None = None,
    tdp: QuantityLike | None = None,
    overhead: QuantityLike | None = None,
    pue: QuantityLike | None = None,
    sampling: Sampling | None = None,
) -> ClusterPower:
    """How many accelerators a site of a given facility power holds (the inverse of
    :func:`cluster_power`): 1 GW of GB200 in 2025 is 1e9 / (1200 × 1.82 × 1.10) = 416,250."""
    a = _resolve(acc)
    year = parse_date(at, opt("at")).year
    p = parse_power(power)
    inputs = power_inputs(a, year, tdp=tdp, overhead=overhead, pue=pue)

    def f(p: Any, tdp: Any, system_overhead: Any, pue: Any) -> dict[str, Any]:
        per = tdp * system_overhead * pue
        return {"n": p / per, "it": p / pue, "per": per}

    res = propagate(f, {"p": p, **{k: v.quantity for k, v in inputs.items()}}, None, sampling)
    return ClusterPower(
        a, year, res["n"].with_unit("accelerators"), res["it"].with_unit("W"), p.with_unit("W"),
        res["per"].with_unit("W"), inputs,
    )  # fmt: skip


# --------------------------------------------------------------------------------------
# Formatting


def fmt_watts(x: float, sig: int = 3) -> str:
    """``142.7 MW``, ``1 GW``, ``1,427 W``."""
    from flopcast.quantity import fmt_plain

    for scale, unit in ((1e12, "TW"), (1e9, "GW"), (1e6, "MW"), (1e3, "kW")):
        if abs(x) >= scale * 0.9995:
            return f"{fmt_plain(x / scale, sig)} {unit}"
    return f"{fmt_plain(x, sig)} W"


def fmt_mwh(x: float, sig: int = 3) -> str:
    """Energy given in MWh: ``231 GWh``, ``1.2 TWh``, ``850 MWh``."""
    from flopcast.quantity import fmt_plain

    for scale, unit in ((1e6, "TWh"), (1e3, "GWh")):
        if abs(x) >= scale * 0.9995:
            return f"{fmt_plain(x / scale, sig)} {unit}"
    return f"{fmt_plain(x, sig)} MWh"


def fmt_range(q: Quantity, one: Any, sig: int = 3) -> str:
    """A quantity with its 90% interval, each number formatted by ``one(x, sig)``."""
    text = str(one(q.value, sig))
    if q.uncertain and q.low is not None and q.high is not None:
        low, high = str(one(q.low, sig)), str(one(q.high, sig))
        unit = high.rpartition(" ")[2]
        if " " in high and low.endswith(" " + unit):  # 18.9–26.1 MW, not 18.9 MW–26.1 MW
            low = low[: -len(unit) - 1]
        text += f" (90%: {low}–{high})"
    return text
