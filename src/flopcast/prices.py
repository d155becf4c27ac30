"""Prices with their sources and dates, and US dollars of one year in another's.

Hardware purchase prices per accelerator (including its share of the server), cloud rental per
accelerator-hour, and electricity per kWh live in ``data/prices.toml``; the consumer price
index that converts between years' dollars in ``data/cpi.toml``. Every price is a
:class:`Price`: a quantity with its 90% interval, the year of its dollars, its date and source.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flopcast.datafiles import data_path, first_error, load_toml, validated
from flopcast.errors import FlopcastError, opt
from flopcast.hardware import Accelerator
from flopcast.quantity import Kind, Quantity, fmt_plain, parse

if TYPE_CHECKING:
    from pydantic import BaseModel

#: Cloud commitment terms, and the words that name them.
TERMS = ("on-demand", "1-year", "3-year")
_TERM_WORDS = {
    "on-demand": "on-demand", "ondemand": "on-demand", "od": "on-demand",
    "1-year": "1-year", "1y": "1-year", "1yr": "1-year", "1-yr": "1-year",
    "3-year": "3-year", "3y": "3-year", "3yr": "3-year", "3-yr": "3-year",
    "committed": "3-year",
}  # fmt: skip
_TERM_FIELD = {"on-demand": "on_demand", "1-year": "one_year", "3-year": "three_year"}


@dataclass(frozen=True)
class Price:
    """A price in US dollars of ``year``: its value (90% interval where uncertain), date, source."""

    usd: Quantity
    year: int  # the year of its dollars
    when: date | None  # when the price was quoted (None for a price typed by the user)
    basis: str
    source: str
    origin: str  # "table" or "given"

    def in_dollars_of(self, year: int) -> Quantity:
        """The price in dollars of another year (CPI)."""
        return self.usd.scaled(cpi_factor(self.year, year))

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.usd.to_dict(),
            "dollars_of": self.year,
            "date": None if self.when is None else self.when.isoformat(),
            "basis": self.basis,
            "source": self.source,
            "origin": self.origin,
        }


@dataclass(frozen=True)
class HardwarePrice:
    """One purchase price of ``data/prices.toml``."""

    chips: tuple[str, ...]
    when: date
    usd: Quantity
    available: date | None
    server_included: bool
    basis: str
    source: str


@dataclass(frozen=True)
class CloudOffer:
    """One cloud offer: US dollars per accelerator-hour by commitment term."""

    chips: tuple[str, ...]
    when: date
    provider: str
    usd_per_hour: dict[str, float]  # term -> price
    source: str


@dataclass(frozen=True)
class PriceTable:
    """``data/prices.toml`` and ``data/cpi.toml``, validated."""

    interconnect: Quantity
    server_overhead: Quantity
    depreciation_ooms_per_year: float
    run_to_release_days: int
    model_source: str
    hardware: tuple[HardwarePrice, ...]
    cloud: tuple[CloudOffer, ...]
    electricity: dict[int, float]
    electricity_band: tuple[float, float]
    electricity_source: str
    cpi: dict[int, float]
    cpi_source: str


def _schema() -> tuple[type[BaseModel], type[BaseModel]]:
    import datetime as dt

    from pydantic import BaseModel, ConfigDict, Field, HttpUrl

    class Model(BaseModel):
        model_config = ConfigDict(extra="forbid")
        interconnect: str
        server_overhead: str
        depreciation_ooms_per_year: float = Field(gt=0, lt=1)
        run_to_release_days: int = Field(ge=0, le=365)
        price_band: float = Field(ge=1)
        source: HttpUrl
        date: str
        other_sources: list[HttpUrl] = []

    class Hardware(BaseModel):
        model_config = ConfigDict(extra="forbid")
        chips: list[str] = Field(min_length=1)
        date: dt.date
        usd: str
        available: dt.date | None = None
        server_included: bool = True
        basis: str
        source: HttpUrl

    class Cloud(BaseModel):
        model_config = ConfigDict(extra="forbid")
        chips: list[str] = Field(min_length=1)
        date: dt.date
        provider: str
        on_demand: float | None = Field(None, gt=0, lt=1000)
        one_year: float | None = Field(None, gt=0, lt=1000)
        three_year: float | None = Field(None, gt=0, lt=1000)
        source: HttpUrl

    class Electricity(BaseModel):
        model_config = ConfigDict(extra="forbid")
        source: HttpUrl
        other_sources: list[HttpUrl] = []
        band_low: float = Field(gt=0, le=1)
        band_high: float = Field(ge=1)
        usd_per_kwh: dict[int, float] = Field(min_length=1)

    class Prices(BaseModel):
        model_config = ConfigDict(extra="forbid")
        cost_model: Model
        hardware: list[Hardware]
        cloud: list[Cloud]
        electricity: Electricity

    class Cpi(BaseModel):
        model_config = ConfigDict(extra="forbid")
        source: HttpUrl
        series: str
        date: str
        annual_average: dict[int, float] = Field(min_length=2)

    return Prices, Cpi


def _build() -> PriceTable:
    from pydantic import ValidationError

    from flopcast.hardware import accelerators

    prices_schema, cpi_schema = _schema()
    try:
        p: Any = prices_schema.model_validate(load_toml("prices.toml"))
    except ValidationError as exc:
        raise FlopcastError(f"data/prices.toml: {first_error(exc)}") from None
    try:
        c: Any = cpi_schema.model_validate(load_toml("cpi.toml"))
    except ValidationError as exc:
        raise FlopcastError(f"data/cpi.toml: {first_error(exc)}") from None
    known = {a.id for a in accelerators()}
    band = p.cost_model.price_band
    hardware = []
    for i, h in enumerate(p.hardware):
        unknown = sorted(set(h.chips) - known)
        if unknown:
            raise FlopcastError(f"data/prices.toml: hardware.{i}: unknown chips {unknown}")
        q = parse(h.usd, Kind.NUMBER, what=f"data/prices.toml hardware.{i}.usd", unit="USD")
        if not q.uncertain:
            q = Quantity(q.value, q.value / band, q.value * band, "USD")
        hardware.append(
            HardwarePrice(
                tuple(h.chips), h.date, q, h.available, h.server_included, h.basis, str(h.source)
            )
        )
    cloud = []
    for i, o in enumerate(p.cloud):
        unknown = sorted(set(o.chips) - known)
        if unknown:
            raise FlopcastError(f"data/prices.toml: cloud.{i}: unknown chips {unknown}")
        terms = {t: getattr(o, f) for t, f in _TERM_FIELD.items() if getattr(o, f) is not None}
        if not terms:
            raise FlopcastError(f"data/prices.toml: cloud.{i}: no price for any term")
        cloud.append(CloudOffer(tuple(o.chips), o.date, o.provider, terms, str(o.source)))
    m = p.cost_model
    return PriceTable(
        interconnect=parse(m.interconnect, Kind.NUMBER, what="interconnect"),
        server_overhead=parse(m.server_overhead, Kind.NUMBER, what="server overhead"),
        depreciation_ooms_per_year=m.depreciation_ooms_per_year,
        run_to_release_days=m.run_to_release_days,
        model_source=str(m.source),
        hardware=tuple(sorted(hardware, key=lambda h: h.when)),
        cloud=tuple(sorted(cloud, key=lambda o: o.when)),
        electricity=dict(sorted(p.electricity.usd_per_kwh.items())),
        electricity_band=(p.electricity.band_low, p.electricity.band_high),
        electricity_source=str(p.electricity.source),
        cpi=dict(sorted(c.annual_average.items())),
        cpi_source=str(c.source),
    )


@cache
def price_table() -> PriceTable:
    """The prices flopcast ships, validated on first use (then cached)."""
    inputs = (data_path("prices.toml"), data_path("cpi.toml"), Path(__file__))
    return validated("prices", inputs, _build)


# --------------------------------------------------------------------------------------
# Dollars of a year


def dollars_year(year: int) -> int:
    """The year whose dollars flopcast can state: ``year``, or the CPI table's nearest."""
    years = sorted(price_table().cpi)
    return min(max(year, years[0]), years[-1])


def cpi_factor(from_year: int, to_year: int) -> float:
    """Dollars of ``to_year`` per dollar of ``from_year`` (BLS CPI-U annual averages)."""
    cpi = price_table().cpi
    return cpi[dollars_year(to_year)] / cpi[dollars_year(from_year)]


# --------------------------------------------------------------------------------------
# Looking prices up


def _usd(x: float) -> str:
    return f"${fmt_plain(x, 3)}"


def _hardware_price(h: HardwarePrice) -> Price:
    return Price(h.usd, h.when.year, h.when, h.basis, h.source, "table")


def hardware_prices(acc: Accelerator) -> tuple[HardwarePrice, ...]:
    """Every listed purchase price of an accelerator, oldest first."""
    return tuple(h for h in price_table().hardware if acc.id in h.chips)


def _no_price(acc: Accelerator, what: str, flag: str) -> FlopcastError:
    return FlopcastError(
        f"no {what} for {acc.name} in flopcast's table: give {flag} with its currency and year"
    )


def hardware_price(acc: Accelerator, at: date) -> tuple[Price, bool]:
    """The latest purchase price listed at or before ``at`` (else the earliest listed), and
    whether it includes the server (False for a chip-only price)."""
    listed = hardware_prices(acc)
    if not listed:
        raise _no_price(acc, "purchase price", f"{opt('gpu_price')} '$30K 2024'")
    before = [h for h in listed if h.when <= at]
    h = before[-1] if before else listed[0]
    return _hardware_price(h), h.server_included


def first_available(acc: Accelerator) -> tuple[Price, date, bool]:
    """The accelerator's first listed price and when it was first bought (Cottier et al.:
    90 days after release, or the price's date if later)."""
    listed = hardware_prices(acc)
    if not listed:
        raise _no_price(acc, "purchase price", f"{opt('gpu_price')} '$30K 2024'")
    h = listed[0]
    acquired = max(h.when, h.available) if h.available is not None else h.when
    return _hardware_price(h), acquired, h.server_included


def normalize_term(term: str) -> str:
    """``committed`` → ``3-year``; an unknown term is a one-line error."""
    key = term.strip().lower().replace(" ", "-")
    if key not in _TERM_WORDS:
        raise FlopcastError(
            f"unknown cloud term {term!r}: use on-demand, 1-year or 3-year (committed = 3-year)"
        )
    return _TERM_WORDS[key]


def cloud_price(acc: Accelerator, at: date, term: str = "3-year") -> Price:
    """The cloud price of an accelerator-hour at a date: the median of the offers of that term
    in the 12 months up to ``at`` (else the nearest earlier, else the nearest later), with the
    cheapest and dearest of them as its range."""
    t = normalize_term(term)
    offers = [o for o in price_table().cloud if acc.id in o.chips and t in o.usd_per_hour]
    if not offers:
        raise _no_price(acc, f"{t} cloud price", f"{opt('cloud_price')} '$2.5/h 2025'")
    window = [o for o in offers if at - timedelta(days=365) <= o.when <= at]
    if not window:
        before = [o for o in offers if o.when <= at]
        window = [before[-1]] if before else [offers[0]]
    values = [o.usd_per_hour[t] for o in window]
    median = statistics.median(values)
    q = Quantity(median, min(values), max(values), "USD/h")
    listed = "; ".join(
        f"{o.provider} {o.when.isoformat()} {_usd(o.usd_per_hour[t])}" for o in window
    )
    n = len(window)
    basis = f"{t}: {'median of ' + str(n) + ' offers' if n > 1 else 'one offer'} ({listed})"
    year = window[-1].when.year  # offers are a year apart at most: dollars of the latest
    return Price(q, year, window[-1].when, basis, window[-1].source, "table")


def electricity_price(year: int) -> Price:
    """US industrial electricity, US dollars per kWh, in ``year`` (else the nearest listed)."""
    table = price_table()
    years = sorted(table.electricity)
    used = min(max(year, years[0]), years[-1])
    value = table.electricity[used]
    lo, hi = table.electricity_band
    q = Quantity(value, value * lo, value * hi, "USD/kWh")
    basis = f"US industrial average, {used}" + ("" if used == year else f"; none for {year}")
    return Price(q, used, date(used, 7, 1), basis, table.electricity_source, "table")


# --------------------------------------------------------------------------------------
# Prices typed by the user: an amount, its currency, and the year of its dollars


_YEAR_TAIL = re.compile(
    r"^(?P<rest>.*?)[\s,]*(?:\(\s*|\bin\s+|@\s*)?(?P<year>(?:19|20)\d\d)\s*\)?\s*$"
)
_CURRENCY = re.compile(r"(US\$|\$|\bUSD\b)", re.IGNORECASE)
_OTHER_CURRENCY = re.compile(r"(€|£|¥|\bEUR\b|\bGBP\b|\bCNY\b|\bJPY\b)", re.IGNORECASE)


def parse_price(text: str, what: str, per: str = "") -> Price:
    """A price the user typed: ``$30K 2024``, ``30000 USD 2024``, ``$2.5..3.5/h 2025``,
    ``$0.08/kWh 2024``. The currency (US dollars) and the year of the dollars are required."""
    example = {"kWh": "'$0.08/kWh 2024'", "h": "'$2.5/h 2025'"}.get(per, "'$30K 2024'")
    raw = text.strip()
    if _OTHER_CURRENCY.search(raw):
        raise FlopcastError(
            f"{what} {text!r}: flopcast prices in US dollars; convert it, e.g. {example}"
        )
    m = _YEAR_TAIL.match(raw)
    if m is None or not m.group("rest").strip():
        raise FlopcastError(
            f"{what} {text!r} has no year: say the year of its dollars, e.g. {example}"
        )
    rest = m.group("rest")
    if not _CURRENCY.search(rest):
        raise FlopcastError(
            f"{what} {text!r} has no currency: write it in US dollars, e.g. {example}"
        )
    amount = _CURRENCY.sub(" ", rest)
    if per:
        amount = re.sub(
            rf"\s*(?:/|per\s+)(?:accelerator-|gpu-|chip-)?{per}\b", " ", amount, flags=re.I
        )
    q = parse(amount.strip(), Kind.NUMBER, what=what, unit="USD" + (f"/{per}" if per else ""))
    year = int(m.group("year"))
    return Price(q, year, None, f"given: {text.strip()}", "", "given")


def fmt_usd(x: float, sig: int = 3) -> str:
    """``$4.45B``, ``$372M``, ``$36K``, ``$2.59``, ``$0.0806``."""
    from flopcast.quantity import fmt_si

    return f"${fmt_si(x, sig)}" if abs(x) >= 1000 else f"${fmt_plain(x, sig)}"
