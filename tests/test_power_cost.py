"""Power, energy and the three costs of a run, against hand-worked and Epoch AI's figures."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flopcast.cost import run_cost
from flopcast.dates import parse_date
from flopcast.errors import FlopcastError
from flopcast.hardware import Accelerator, accelerator
from flopcast.power import accelerators_for_power, cluster_power, parse_power, table_pue
from flopcast.prices import (
    cloud_price,
    cpi_factor,
    dollars_year,
    electricity_price,
    first_available,
    hardware_price,
    parse_price,
)


@pytest.fixture
def h100() -> Accelerator:
    return accelerator("h100")


def test_100k_h100_power_matches_epoch_ai() -> None:
    p = cluster_power("100K", "h100", at="2024-10")
    # 100,000 × 700 W × 1.82 × 1.12 (PUE 2024) = 142,688,000 W
    assert p.facility_power_w.value == pytest.approx(142_688_000)
    assert p.it_power_w.value == pytest.approx(127_400_000)  # 100,000 × 700 × 1.82
    # Epoch AI's GPU Clusters data: 142.7 MW for each 100K-H100 system of late 2024
    assert abs(p.facility_power_w.value / 142.7e6 - 1) < 0.10


def test_pue_follows_epoch_ai_by_year_and_holds_outside_the_table() -> None:
    assert table_pue(2023).quantity.value == 1.14  # Epoch AI: AI data centres, 2023
    assert table_pue(2030).quantity.value == 1.10  # the table's last year
    assert table_pue(2000).quantity.value == 1.31  # its first
    assert "last" in table_pue(2030).origin


def test_power_inverse_of_a_gigawatt_of_gb200() -> None:
    site = accelerators_for_power("1GW", "gb200", at="2025-06")
    # 1e9 W / (1200 W × 1.82 × 1.10) = 416,250.4 accelerators
    assert site.accelerators.value == pytest.approx(416_250.4, rel=1e-6)
    assert site.per_accelerator_w.value == pytest.approx(2402.4)


@settings(max_examples=30, deadline=None)
@given(st.floats(min_value=1e3, max_value=1e6), st.integers(min_value=2016, max_value=2030))
def test_power_forward_and_inverse_agree(n: float, year: int) -> None:
    forward = cluster_power(n, "h100", at=date(year, 6, 1))
    back = accelerators_for_power(forward.facility_power_w.value, "h100", at=date(year, 6, 1))
    assert back.accelerators.value == pytest.approx(n, rel=1e-9)


@pytest.mark.parametrize(
    ("text", "watts"),
    [("1GW", 1e9), ("150 MW", 150e6), ("700W", 700.0), ("700kW", 7e5), ("1e9", 1e9)],
)
def test_power_as_people_write_it(text: str, watts: float) -> None:
    assert parse_power(text).value == pytest.approx(watts)


def test_uncertain_power() -> None:
    q = parse_power("0.9GW..1.1GW")
    assert q.low == pytest.approx(0.9e9) and q.high == pytest.approx(1.1e9)


@pytest.mark.parametrize("bad", ["-1GW", "1 GJ", "lots", "0W"])
def test_bad_power_names_the_value(bad: str) -> None:
    with pytest.raises(FlopcastError, match=repr(bad).replace("[", r"\[")):
        parse_power(bad)


def test_dates_as_people_write_them() -> None:
    assert parse_date("2025-04-05") == date(2025, 4, 5)
    assert parse_date("2024-10") == date(2024, 10, 15)
    assert parse_date("2024") == date(2024, 7, 1)
    for bad in ("2024-13", "April 2025", "2025-02-30"):
        with pytest.raises(FlopcastError, match=bad):
            parse_date(bad)


def test_dollars_between_years_by_cpi() -> None:
    # BLS CPI-U annual averages: 2023 304.702, 2022 292.655
    assert cpi_factor(2022, 2023) == pytest.approx(304.702 / 292.655)
    assert cpi_factor(2023, 2023) == 1.0
    assert dollars_year(2099) == 2025  # the table's last year
    assert dollars_year(1990) == 2010


@pytest.mark.parametrize(
    ("text", "value", "year"),
    [
        ("$30K 2024", 30_000, 2024),
        ("30000 USD 2024", 30_000, 2024),
        ("$2.5/h (2025)", 2.5, 2025),
        ("USD 0.08/kWh in 2023", 0.08, 2023),
    ],
)
def test_prices_people_type(text: str, value: float, year: int) -> None:
    per = "kWh" if "kWh" in text else "h" if "/h" in text else ""
    p = parse_price(text, "--price", per)
    assert p.usd.value == pytest.approx(value) and p.year == year and p.origin == "given"


@pytest.mark.parametrize(
    ("text", "why"),
    [("30000", "no year"), ("30000 2024", "no currency"), ("$30K", "no year"), ("€30K 2024", "US")],
)
def test_price_without_currency_or_year_is_refused(text: str, why: str) -> None:
    with pytest.raises(FlopcastError, match=why) as err:
        parse_price(text, "--gpu-price")
    assert repr(text) in str(err.value)


def test_hardware_price_is_the_latest_listed_at_the_date(h100: Accelerator) -> None:
    p, with_server = hardware_price(h100, date(2024, 10, 15))
    # HGX H100 8-GPU board at $288,142 on 2024-07-31, divided by 8
    assert p.usd.value == pytest.approx(36_017.75) and p.when == date(2024, 7, 31)
    assert with_server and p.source.startswith("https://")
    assert p.usd.low == pytest.approx(36_017.75 / 2)  # Cottier et al.'s 0.5x-2x


def test_first_availability_is_90_days_after_release(h100: Accelerator) -> None:
    p, acquired, _ = first_available(h100)
    assert p.when == date(2022, 9, 29) and acquired == date(2022, 12, 19)


def test_cloud_price_is_the_median_of_a_years_offers(h100: Accelerator) -> None:
    p = cloud_price(h100, date(2025, 3, 31), "on-demand")
    # on-demand H100 offers 2024-03-31..2025-03-31: RunPod 3.99, Lambda 2.99, Cudo 2.45,
    # AWS 12.29, Google 11.06: median 3.99, range 2.45-12.29
    assert p.usd.value == pytest.approx(3.99)
    assert p.usd.low == pytest.approx(2.45) and p.usd.high == pytest.approx(12.29)
    with pytest.raises(FlopcastError, match="unknown cloud term"):
        cloud_price(h100, date(2025, 3, 31), "forever")


def test_electricity_uses_the_latest_year_listed() -> None:
    assert electricity_price(2023).usd.value == 0.0806  # EIA: 8.06 cents/kWh, 2023
    later = electricity_price(2026)
    assert later.year == 2023 and "none for 2026" in later.basis


def test_cluster_cost_three_ways_by_hand() -> None:
    c = run_cost("h100", accelerators="100K", duration="90d", at="2024-10")
    hours = 100_000 * 90 * 24
    price = 36_017.75
    # acquisition: 100,000 × $36,017.75 × 1.235 = $4.448B; Epoch AI: $3.8B for these systems
    acquisition = c.get("acquisition_cost_usd")
    assert acquisition is not None and acquisition.value == pytest.approx(1e5 * price * 1.235)
    assert abs(acquisition.value / 3.8e9 - 1) < 0.25
    # energy: 1,426.88 W × 0.75 × 216M h = 231,155 MWh; electricity at $0.0806/kWh (2023 $)
    energy = c.get("energy_mwh")
    assert energy is not None and energy.value == pytest.approx(1426.88 * 0.75 * hours / 1e6)
    elec = 231_154.56 * 1000 * 0.0806 * cpi_factor(2023, 2024)
    # amortized: bought at the start, so no depreciation: value × h × 0.14 ln10 / 8766 × 1.235
    amortized = c.get("amortized_cost_usd")
    hw = price * hours * 0.14 * math.log(10) / 8766 * 1.235
    assert amortized is not None and amortized.value == pytest.approx(hw + elec, rel=1e-6)
    cloud = c.get("cloud_cost_usd")
    assert cloud is not None and cloud.value == pytest.approx(hours * 2.59)  # one 3-year offer
    assert c.dollars_year == 2024


def test_cost_dict_carries_number_range_and_basis() -> None:
    d = run_cost("h100", accelerators="100K", duration="90d", at="2024-10").to_dict()
    for key in ("it_power_w", "facility_power_w", "energy_mwh", "acquisition_cost_usd",
                "amortized_cost_usd", "cloud_cost_usd"):  # fmt: skip
        assert isinstance(d[key], float), key
        assert d[f"{key}_basis"], key
    assert (
        d["acquisition_cost_usd_90"][0]
        < d["acquisition_cost_usd"]
        < d["acquisition_cost_usd_90"][1]
    )


def test_hardware_bought_earlier_is_worth_less() -> None:
    c = run_cost(
        "h100", accelerators=1000, accelerator_hours="1M", at="2024-12-19",
        first_availability=True, dollars=2022,
    )  # fmt: skip
    value = c.get("value_at_start_usd")
    # bought 2022-12-19 at $44,489.88, 2.0 years before: × 10^(-0.14 × 2.0) = $23,355
    assert value is not None and value.value == pytest.approx(44_489.88 * 10 ** (-0.28), rel=2e-3)


def test_a_site_of_given_power_costs_its_accelerators() -> None:
    c = run_cost("gb200", power="1GW", duration="120d", at="2025-06")
    n = 1e9 / (1200 * 1.82 * 1.10)
    assert c.accelerators is not None and c.accelerators.value == pytest.approx(n)
    facility = c.get("facility_power_w")
    assert facility is not None and facility.value == pytest.approx(1e9) and not facility.uncertain


def test_missing_prices_are_said_not_guessed() -> None:
    c = run_cost("h800", accelerators=2048, duration="60d", at="2024-10")
    assert (
        c.get("acquisition_cost_usd") is None and "gpu_price" in c.missing["acquisition_cost_usd"]
    )
    given = run_cost("h800", accelerators=2048, duration="60d", at="2024-10", gpu_price="$30K 2024")
    acquisition = given.get("acquisition_cost_usd")
    assert acquisition is not None and acquisition.value == pytest.approx(2048 * 30_000 * 1.235)


def test_no_tdp_is_one_line() -> None:
    with pytest.raises(FlopcastError, match="no TDP"):
        cluster_power(1000, "tpu-v5p")
