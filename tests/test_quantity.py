"""Parsing and formatting of quantities as analysts write them."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flopcast.errors import FlopcastError
from flopcast.quantity import (
    DAYS_PER_MONTH,
    SECONDS_PER_DAY,
    Kind,
    Quantity,
    fmt,
    fmt_duration,
    fmt_fraction,
    fmt_plain,
    fmt_rate,
    fmt_sci,
    fmt_si,
    parse,
)

DAY = SECONDS_PER_DAY


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("17B", Kind.COUNT, 17e9),
        ("1.6T", Kind.COUNT, 1.6e12),
        ("400e9", Kind.COUNT, 400e9),
        ("22T", Kind.COUNT, 22e12),
        ("22T tokens", Kind.COUNT, 22e12),
        ("32K", Kind.COUNT, 32_000),
        ("100k", Kind.COUNT, 100_000),
        ("2.38M", Kind.COUNT, 2.38e6),
        ("2.38M GPU-hours", Kind.COUNT, 2.38e6),
        ("1,022,362", Kind.COUNT, 1_022_362),
        ("405 billion", Kind.COUNT, 405e9),
        ("5.2e25", Kind.FLOP, 5.2e25),
        ("3.8e25 FLOP", Kind.FLOP, 3.8e25),
        ("3.8E25 FLOPs", Kind.FLOP, 3.8e25),
        ("2527.2 ZFLOP", Kind.FLOP, 2.5272e24),
        ("390 TFLOP/s", Kind.RATE, 390e12),
        ("989.4T", Kind.RATE, 989.4e12),
        ("2.25 PFLOPS", Kind.RATE, 2.25e15),
        ("3.9e14", Kind.RATE, 3.9e14),
        ("90d", Kind.DURATION, 90 * DAY),
        ("90 days", Kind.DURATION, 90 * DAY),
        ("3 months", Kind.DURATION, 3 * DAYS_PER_MONTH * DAY),
        ("12 weeks", Kind.DURATION, 84 * DAY),
        ("48h", Kind.DURATION, 2 * DAY),
        ("40%", Kind.FRACTION, 0.4),
        ("0.4", Kind.FRACTION, 0.4),
    ],
)
def test_parse_plain_forms(text: str, kind: Kind, expected: float) -> None:
    q = parse(text, kind)
    assert q.value == pytest.approx(expected, rel=1e-12)
    assert not q.uncertain


def test_bare_duration_uses_the_default_unit() -> None:
    assert parse("90", Kind.DURATION, default_duration="d").value == 90 * DAY
    with pytest.raises(FlopcastError, match="positive duration"):
        parse("90", Kind.DURATION)


def test_range_alone_is_centred_on_the_geometric_midpoint() -> None:
    q = parse("30T..40T", Kind.COUNT)
    assert q.value == pytest.approx(math.sqrt(30e12 * 40e12))
    assert fmt_si(q.value) == "34.6T"
    assert (q.low, q.high) == (30e12, 40e12)


def test_range_with_suffix_on_the_high_end_only() -> None:
    assert parse("30..40T", Kind.COUNT) == parse("30T..40T", Kind.COUNT)


def test_central_value_with_lopsided_interval() -> None:
    q = parse("30T[30T..40T]", Kind.COUNT)
    assert (q.value, q.low, q.high) == (30e12, 30e12, 40e12)
    s_low, s_high = q.log_spreads
    assert s_low == 0
    assert s_high == pytest.approx(math.log(4 / 3) / 1.6448536269514722)


def test_factor_band() -> None:
    q = parse("5e25~3x", Kind.FLOP)
    assert q.value == 5e25
    assert q.low == pytest.approx(5e25 / 3)
    assert q.high == pytest.approx(1.5e26)


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("17X", Kind.COUNT, "unknown unit 'X'.*17B, 1.6T"),
        ("-5B", Kind.COUNT, "greater than zero"),
        ("0", Kind.COUNT, "greater than zero"),
        ("40T..30T", Kind.COUNT, "low end is above the high end"),
        ("1.2", Kind.FRACTION, "above 1"),
        ("120%", Kind.FRACTION, "above 1"),
        ("3m", Kind.DURATION, "ambiguous"),
        ("fast", Kind.RATE, "TFLOP/s"),
        ("", Kind.COUNT, "empty"),
        ("40T[30T..35T]", Kind.COUNT, "inside its interval"),
        ("5e25~0.5x", Kind.FLOP, "at least 1"),
        ("5e25~lots", Kind.FLOP, "factor band"),
        ("30T[abc]", Kind.COUNT, "brackets need a range"),
    ],
)
def test_bad_input_is_one_line_naming_the_accepted_forms(
    text: str, kind: Kind, message: str
) -> None:
    with pytest.raises(FlopcastError, match=message) as info:
        parse(text, kind, what="--x")
    assert "\n" not in str(info.value)


def test_formatting_as_the_field_writes_it() -> None:
    assert fmt_sci(5.184e25) == "5.18e25"
    assert fmt_sci(3.8e25) == "3.8e25"
    assert fmt_sci(3e26) == "3e26"
    assert fmt_sci(2.2440e24) == "2.24e24"
    assert fmt_plain(103.9) == "104"
    assert fmt_plain(1294.1) == "1,294"
    assert fmt_plain(0.875) == "0.875"
    assert fmt_si(288e9) == "288B"
    assert fmt_si(999.96e9) == "1T"
    assert fmt_si(100_000) == "100K"
    assert fmt_rate(989.4e12) == "989 TFLOP/s"
    assert fmt_rate(2.25e15) == "2.25 PFLOP/s"
    assert fmt_duration(48.08 * DAY) == "48.1 days"
    assert fmt_duration(5 * 3600) == "5 hours"
    assert fmt_fraction(0.2647) == "26.5%"
    assert fmt_sci(5.184e25, sig=2) == "5.2e25"


def test_interval_display() -> None:
    q = Quantity(5.99e25, 5.184e25, 6.912e25, "FLOP")
    assert fmt(q, Kind.FLOP) == "5.99e25 FLOP (90%: 5.18e25–6.91e25)"


def test_duration_interval_display() -> None:
    q = Quantity(48.1 * DAY, 48.1 * DAY, 64.1 * DAY)
    assert fmt(q, Kind.DURATION) == "48.1 days (90%: 48.1–64.1 days)"


def test_quantity_rejects_a_central_value_outside_its_interval() -> None:
    with pytest.raises(ValueError):
        Quantity(1.0, 2.0, 3.0)


positive = st.floats(min_value=1e-3, max_value=1e30, allow_nan=False, allow_infinity=False)


@given(positive, st.integers(min_value=2, max_value=6))
def test_sci_round_trips_within_printed_precision(x: float, sig: int) -> None:
    back = parse(fmt_sci(x, sig), Kind.FLOP).value
    assert back == pytest.approx(x, rel=0.5 * 10 ** (1 - sig))


@given(st.floats(min_value=1.0, max_value=9.99e14), st.integers(min_value=2, max_value=6))
def test_si_round_trips_within_printed_precision(x: float, sig: int) -> None:
    back = parse(fmt_si(x, sig), Kind.COUNT).value
    assert back == pytest.approx(x, rel=0.5 * 10 ** (1 - sig))


@given(st.floats(min_value=1e9, max_value=1e20), st.integers(min_value=2, max_value=6))
def test_rate_round_trips_within_printed_precision(x: float, sig: int) -> None:
    back = parse(fmt_rate(x, sig), Kind.RATE).value
    assert back == pytest.approx(x, rel=0.5 * 10 ** (1 - sig))


@given(st.floats(min_value=1.0, max_value=1000.0), st.integers(min_value=2, max_value=6))
def test_duration_round_trips_within_printed_precision(days: float, sig: int) -> None:
    back = parse(fmt_duration(days * DAY, sig), Kind.DURATION).value
    assert back == pytest.approx(days * DAY, rel=0.5 * 10 ** (1 - sig))


@given(
    st.floats(min_value=1e3, max_value=1e14),
    st.floats(min_value=1.0, max_value=10.0),
    st.floats(min_value=0.0, max_value=1.0),
)
def test_interval_forms_keep_their_bounds(low: float, width: float, where: float) -> None:
    high = low * width
    central = low * width**where
    q = parse(f"{central!r}[{low!r}..{high!r}]", Kind.COUNT)
    assert q.low is not None and q.high is not None
    assert q.low == pytest.approx(low) and q.high == pytest.approx(high)
    assert q.low <= q.value <= q.high
