"""Quantities as analysts write them: parsing, formatting, and values with 90% intervals.

A :class:`Quantity` is a central value, optionally with a 90% interval ``[low, high]``.
The interval is read as a two-piece lognormal: one log-spread below the central value and
another above it, so that lopsided statements such as "more than 30T, probably not above
40T" (``30T[30T..40T]``) are representable.

Accepted forms (see :data:`FORMS`):

* plain: ``17B``, ``1.6T``, ``400e9``, ``5.2e25``, ``3.8e25 FLOP``, ``390 TFLOP/s``, ``32K``
  (= 32,000), ``2.38M``, ``90d``, ``3 months``, ``12 weeks``, ``40%`` or ``0.4``;
* a range alone, ``30T..40T``: the central value is the geometric midpoint;
* a central value with its own interval, ``30T[30T..40T]``;
* a factor band, ``5e25~3x``: within 3x either way.

Nothing here imports numpy: parsing and formatting are on the start-up path.
"""

from __future__ import annotations

import math
import numbers
import re
import sys
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flopcast.errors import FlopcastError, FlopcastTypeError

#: Standard normal quantile at 0.95: a 90% interval spans ±Z90 standard deviations.
Z90 = 1.6448536269514722

#: Days in a month and in a year (Julian year), for durations typed as months or years.
DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
SECONDS_PER_DAY = 86_400.0
SECONDS_PER_HOUR = 3_600.0


class Kind(StrEnum):
    """What a quantity measures; decides which suffixes and unit words are accepted."""

    COUNT = "count"  # parameters, tokens, accelerators, accelerator-hours
    FLOP = "flop"  # an amount of computation
    RATE = "rate"  # FLOP/s
    DURATION = "duration"  # stored in seconds
    FRACTION = "fraction"  # utilization, 0..1
    NUMBER = "number"  # a plain number or ratio (tokens per parameter), shown without suffix


@dataclass(frozen=True)
class Quantity:
    """A central value with an optional 90% interval.

    ``low``/``high`` are the 5th and 95th percentiles; both ``None`` for an exact value.
    ``unit`` is the display unit (``"FLOP"``, ``"tokens"``, ``"days"``...), not a scale.
    """

    value: float
    low: float | None = None
    high: float | None = None
    unit: str = ""

    def __post_init__(self) -> None:
        for name in ("value", "low", "high"):
            x = getattr(self, name)
            if x is None and name != "value":
                continue
            check_positive(x, f"Quantity {name}")
        if not isinstance(self.unit, str):
            raise FlopcastTypeError(f"Quantity unit must be a string, not {_type_name(self.unit)}")
        if (self.low is None) != (self.high is None):
            raise FlopcastError("a 90% interval needs both low and high (or neither)")
        if (
            self.low is not None
            and self.high is not None
            and not (self.low <= self.value <= self.high)
        ):
            raise FlopcastError(
                f"central value {self.value:g} is outside its interval "
                f"[{self.low:g}, {self.high:g}]: low <= value <= high"
            )

    @property
    def uncertain(self) -> bool:
        """True when the interval has any width."""
        return self.low is not None and (self.low != self.value or self.high != self.value)

    @property
    def log_spreads(self) -> tuple[float, float]:
        """Standard deviations of log(value) below and above the central value."""
        if not self.uncertain or self.low is None or self.high is None:
            return (0.0, 0.0)
        return (
            math.log(self.value / self.low) / Z90,
            math.log(self.high / self.value) / Z90,
        )

    def with_unit(self, unit: str) -> Quantity:
        return Quantity(self.value, self.low, self.high, unit)

    def scaled(self, factor: float, unit: str | None = None) -> Quantity:
        """The same quantity multiplied by a positive constant."""
        low = None if self.low is None else self.low * factor
        high = None if self.high is None else self.high * factor
        return Quantity(self.value * factor, low, high, self.unit if unit is None else unit)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value}
        if self.uncertain:
            out["low_90"] = self.low
            out["high_90"] = self.high
        if self.unit:
            out["unit"] = self.unit
        return out

    @classmethod
    def exact(cls, value: float, unit: str = "") -> Quantity:
        return cls(value, None, None, unit)


QuantityLike = Quantity | float | int | str

#: The smallest positive number a quantity may hold (smaller ones have lost their precision,
#: and their inverse overflows).
SMALLEST = sys.float_info.min


def check_positive(x: Any, what: str) -> None:
    """``x`` as a positive finite real number, else a one-line error naming ``what``."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise FlopcastTypeError(f"{what} must be a number, not {_type_name(x)}")
    try:
        f = float(x)
    except (OverflowError, ValueError):
        raise FlopcastError(f"{what} {x!r} is too large for a floating-point number") from None
    if not math.isfinite(f):
        raise FlopcastError(f"{what} must be a finite number, not {f!r}")
    if f <= 0:
        raise FlopcastError(f"{what} must be greater than zero, not {x!r}")
    if f < SMALLEST:
        raise FlopcastError(f"{what} {f!r} is too small (below {SMALLEST:.3g})")


def _type_name(x: Any) -> str:
    return "None" if x is None else type(x).__name__


def check_result(x: float, what: str) -> float:
    """A computed positive quantity, checked: beyond the range of floats (either way) is an
    error saying so, never ``inf`` or a silent zero."""
    if x < SMALLEST:
        raise FlopcastError(
            f"{what} is too small to compute ({x!r}, below {SMALLEST:.3g}): an input is too small"
        )
    return check_finite(x, what)


def check_finite(x: float, what: str) -> float:
    """``x`` if it is a finite number, else an error saying the result overflowed."""
    if not math.isfinite(x):
        raise FlopcastError(
            f"{what} is not a finite number ({x!r}): an input is too large or too small"
        )
    return x


# --------------------------------------------------------------------------------------
# Parsing


_COUNT_SCALE = {
    "": 1.0,
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
    "g": 1e9,
    "t": 1e12,
    "trillion": 1e12,
    "p": 1e15,
    "quadrillion": 1e15,
}

# SI prefixes for FLOP and FLOP/s; "B" for billion is also accepted since people write it.
_SI_PREFIX = {
    "": 1.0,
    "k": 1e3,
    "m": 1e6,
    "g": 1e9,
    "b": 1e9,
    "t": 1e12,
    "p": 1e15,
    "e": 1e18,
    "z": 1e21,
    "y": 1e24,
    "kilo": 1e3,
    "mega": 1e6,
    "giga": 1e9,
    "tera": 1e12,
    "peta": 1e15,
    "exa": 1e18,
    "zetta": 1e21,
    "yotta": 1e24,
}

_COUNT_WORDS = (
    "tokens",
    "token",
    "tok",
    "params",
    "param",
    "parameters",
    "parameter",
    "gpus",
    "gpu",
    "chips",
    "chip",
    "accelerators",
    "accelerator",
    "gpu-hours",
    "gpu hours",
    "gpu-h",
    "accelerator-hours",
    "accelerator hours",
    "chip-hours",
    "hours",
    "h",
)

_DURATION_UNITS = {
    "s": 1.0,
    "sec": 1.0,
    "secs": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "min": 60.0,
    "mins": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "h": SECONDS_PER_HOUR,
    "hr": SECONDS_PER_HOUR,
    "hrs": SECONDS_PER_HOUR,
    "hour": SECONDS_PER_HOUR,
    "hours": SECONDS_PER_HOUR,
    "d": SECONDS_PER_DAY,
    "day": SECONDS_PER_DAY,
    "days": SECONDS_PER_DAY,
    "w": 7 * SECONDS_PER_DAY,
    "wk": 7 * SECONDS_PER_DAY,
    "wks": 7 * SECONDS_PER_DAY,
    "week": 7 * SECONDS_PER_DAY,
    "weeks": 7 * SECONDS_PER_DAY,
    "mo": DAYS_PER_MONTH * SECONDS_PER_DAY,
    "mos": DAYS_PER_MONTH * SECONDS_PER_DAY,
    "month": DAYS_PER_MONTH * SECONDS_PER_DAY,
    "months": DAYS_PER_MONTH * SECONDS_PER_DAY,
    "y": DAYS_PER_YEAR * SECONDS_PER_DAY,
    "yr": DAYS_PER_YEAR * SECONDS_PER_DAY,
    "yrs": DAYS_PER_YEAR * SECONDS_PER_DAY,
    "year": DAYS_PER_YEAR * SECONDS_PER_DAY,
    "years": DAYS_PER_YEAR * SECONDS_PER_DAY,
}

# (low, high, central) examples of the uncertain forms, per kind, for error messages
_UNCERTAIN_EXAMPLES: dict[Kind, tuple[str, str, str]] = {
    Kind.COUNT: ("30T", "40T", "30T"),
    Kind.FLOP: ("3e25", "6e25", "5e25"),
    Kind.RATE: ("300T", "400T", "390T"),
    Kind.DURATION: ("60d", "90d", "90d"),
    Kind.FRACTION: ("0.25", "0.5", "0.4"),
    Kind.NUMBER: ("20", "40", "20"),
}


def _uncertain_forms(kind: Kind) -> str:
    lo, hi, c = _UNCERTAIN_EXAMPLES[kind]
    band = f"{c}~1.5x" if kind is Kind.FRACTION else f"{c}~3x"
    return f"a range {lo}..{hi}, a central value with its 90% interval {c}[{lo}..{hi}], or {band}"


#: The accepted forms of each kind, as shown in error messages.
FORMS: dict[Kind, str] = {
    Kind.COUNT: "a positive number with an optional K/M/B/T suffix (17B, 1.6T, 400e9, 32K, 2.38M)",
    Kind.FLOP: "a positive number of FLOP (5.2e25, 3.8e25 FLOP, 2527 ZFLOP)",
    Kind.RATE: "a positive FLOP/s figure (390 TFLOP/s, 989.4T, 3.9e14, 2.25 PFLOPS)",
    Kind.DURATION: "a positive duration (90d, 90 days, 3 months, 12 weeks, 48h, 1.5 years)",
    Kind.FRACTION: "a fraction between 0 and 1 (0.4) or a percentage (40%)",
    Kind.NUMBER: "a positive number (20, 1,294, 1.5e3, 2.5K)",
}

_NUMBER = r"[+-]?(?:\d[\d,_]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_SCALAR_RE = re.compile(rf"^\s*(?P<num>{_NUMBER})\s*(?P<unit>.*?)\s*$", re.ASCII | re.DOTALL)
_FACTOR_RE = re.compile(
    r"^\s*(?P<f>\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+)\s*[x×]?\s*$", re.IGNORECASE | re.ASCII
)
#: The longest text parsed as a quantity (real ones are under 40 characters).
MAX_TEXT = 200
_RANGE_SPLIT = re.compile(r"\s*(?:\.\.|–|—|\bto\b)\s*")


def _fail(text: str, kind: Kind, what: str, why: str = "") -> FlopcastError:
    reason = f" ({why})" if why else ""
    return FlopcastError(
        f"cannot read {what} {text!r}{reason}: write {FORMS[kind]}; "
        f"an uncertain one as {_uncertain_forms(kind)}"
    )


def _scale_for(unit: str, kind: Kind, default_duration: str | None) -> float | None:
    """The multiplier a unit suffix stands for, or None if the suffix is not accepted."""
    u = unit.strip().lower()
    if kind in (Kind.COUNT, Kind.NUMBER):
        # a scale suffix ("B", "trillion"), then optionally a unit word ("tokens", "GPU-hours")
        for suffix in sorted(_COUNT_SCALE, key=len, reverse=True):
            if u.startswith(suffix):
                rest = u[len(suffix) :].strip()
                if rest == "" or rest in _COUNT_WORDS or rest.endswith("-hours"):
                    return _COUNT_SCALE[suffix]
        return None
    if kind is Kind.FLOP:
        u = u.replace(" ", "")
        for word in ("flops", "flop", "op", "ops"):
            if u.endswith(word):
                u = u[: -len(word)]
                break
        return _SI_PREFIX.get(u)
    if kind is Kind.RATE:
        u = u.replace(" ", "")
        for tail in ("/gpu", "/chip", "/accelerator", "pergpu"):
            if u.endswith(tail):
                u = u[: -len(tail)]
        for word in ("flop/s", "flops/s", "flops", "flop/sec", "ops/s", "ops", "flop"):
            if u.endswith(word):
                u = u[: -len(word)]
                break
        return _SI_PREFIX.get(u)
    if kind is Kind.DURATION:
        if not u:
            if default_duration is None:
                return None
            u = default_duration
        return _DURATION_UNITS.get(u.replace(" ", ""))
    if kind is Kind.FRACTION:
        if u == "%":
            return 0.01
        return 1.0 if u == "" else None
    raise AssertionError(kind)  # pragma: no cover


def _parse_scalar(text: str, kind: Kind, what: str, default_duration: str | None) -> float:
    match = _SCALAR_RE.match(text)
    if not match:
        raise _fail(text, kind, what)
    num_text = match.group("num").replace(",", "").replace("_", "")
    unit = match.group("unit")
    if kind is Kind.DURATION and unit.strip().lower() == "m":
        raise _fail(text, kind, what, "'m' is ambiguous: write 'min' or 'mo'")
    scale = _scale_for(unit, kind, default_duration)
    if scale is None:
        raise _fail(text, kind, what, f"unknown unit {unit.strip()!r}" if unit else "")
    try:
        value = float(num_text) * scale
    except ValueError:
        raise _fail(text, kind, what) from None
    if not math.isfinite(value):
        raise _fail(text, kind, what, "not a finite number")
    if value <= 0:
        raise _fail(text, kind, what, "must be greater than zero")
    if value < SMALLEST:
        raise _fail(text, kind, what, f"too small: below {SMALLEST:.3g}")
    if kind is Kind.FRACTION and value > 1:
        raise FlopcastError(
            f"{what} {text!r} is above 1: utilization is a fraction of peak, "
            "write 0.4 or 40% (values above 100% are impossible)"
        )
    return value


def _split_range(text: str) -> tuple[str, str] | None:
    parts = _RANGE_SPLIT.split(text)
    if len(parts) == 1:
        return None
    if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
        return None
    return parts[0], parts[1]


def _borrow_suffix(low: str, high: str) -> str:
    """``30..40T`` means 30T..40T: a bare low end takes the high end's unit."""
    lo_match, hi_match = _SCALAR_RE.match(low), _SCALAR_RE.match(high)
    if lo_match and hi_match and not lo_match.group("unit") and hi_match.group("unit"):
        return lo_match.group("num") + hi_match.group("unit")
    return low


def parse(
    text: QuantityLike,
    kind: Kind,
    *,
    what: str = "value",
    unit: str = "",
    default_duration: str | None = None,
) -> Quantity:
    """Parse a quantity as analysts write it (see the module docstring for the forms).

    ``what`` names the input in error messages ("--tokens"); ``unit`` is the display unit of
    the result; ``default_duration`` is the unit a bare duration number is read in ("d").
    Durations come back in seconds, fractions as 0..1, everything else in base units.
    """
    if not isinstance(kind, Kind):
        try:
            kind = Kind(kind)
        except ValueError:
            raise FlopcastError(
                f"kind {kind!r} is not a Kind; use one of {', '.join(k.value for k in Kind)}"
            ) from None
    if not isinstance(what, str) or not isinstance(unit, str):
        raise FlopcastTypeError("what and unit must be strings")
    if isinstance(text, Quantity):
        return text if not unit or text.unit else text.with_unit(unit)
    if text is None:
        raise FlopcastTypeError(f"{what} is None: write {FORMS[kind]}")
    if isinstance(text, bool) or not isinstance(text, str | numbers.Real):
        raise FlopcastTypeError(
            f"{what} must be a string or a number, not {_type_name(text)}: write {FORMS[kind]}"
        )
    if isinstance(text, numbers.Real):
        try:
            value = float(text)
        except (OverflowError, ValueError):
            raise _fail(str(text)[:40], kind, what, "too large for a float") from None
        if not math.isfinite(value) or value <= 0:
            raise _fail(str(text), kind, what, "must be a finite number greater than zero")
        if value < SMALLEST:
            raise _fail(str(text), kind, what, f"too small: below {SMALLEST:.3g}")
        if kind is Kind.FRACTION and value > 1:
            raise FlopcastError(f"{what} {value:g} is above 1: write 0.4 or 40%")
        if kind is Kind.DURATION:
            scale = _scale_for("", kind, default_duration)
            if scale is None:
                raise _fail(str(text), kind, what, "say the unit, e.g. 90d")
            value = check_finite(value * scale, f"{what} {text!r} in seconds")
        return Quantity(value, unit=unit)
    if len(text) > MAX_TEXT:
        raise _fail(text[:20] + "...", kind, what, f"longer than {MAX_TEXT} characters")

    raw = text.strip()
    if not raw:
        raise _fail(text, kind, what, "empty")

    def scalar(part: str) -> float:
        return _parse_scalar(part, kind, what, default_duration)

    # central[low..high]
    bracket = re.match(r"^(?P<c>[^\[\]]+)\[(?P<r>[^\[\]]+)\]\s*(?P<u>[^\[\]]*)$", raw)
    if bracket:
        unit_tail = bracket.group("u")
        bounds = _split_range(bracket.group("r"))
        if bounds is None:
            raise _fail(text, kind, what, "the brackets need a range such as [30T..40T]")
        central = scalar(bracket.group("c") + unit_tail)
        lo_text, hi_text = bounds
        low = scalar(_borrow_suffix(lo_text, hi_text) + unit_tail)
        high = scalar(hi_text + unit_tail)
        _check_order(text, what, low, high)
        if not low <= central <= high:
            raise FlopcastError(
                f"{what} {text!r}: the central value must lie inside its interval "
                f"(write e.g. 30T[30T..40T])"
            )
        return Quantity(central, low, high, unit)

    # central~Fx
    if "~" in raw:
        central_text, _, factor_text = raw.partition("~")
        factor_match = _FACTOR_RE.match(factor_text)
        if not factor_match:
            raise _fail(text, kind, what, "a factor band looks like 5e25~3x")
        factor = float(factor_match.group("f"))
        if not 1 <= factor < math.inf:
            raise FlopcastError(
                f"{what} {text!r}: a factor band needs a finite factor of at least 1 (e.g. ~3x)"
            )
        central = scalar(central_text)
        if not (central * factor < math.inf and central / factor >= SMALLEST):
            raise FlopcastError(
                f"{what} {text!r}: the band {central:g}/{factor:g} to {central:g}×{factor:g} "
                "goes beyond the range of floating-point numbers; give a smaller factor"
            )
        if kind is Kind.FRACTION and central * factor > 1:
            raise FlopcastError(
                f"{what} {text!r}: the band reaches above 1; give a range such as 0.25..0.5"
            )
        return Quantity(central, central / factor, central * factor, unit)

    # low..high
    bounds = _split_range(raw)
    if bounds is not None:
        lo_text, hi_text = bounds
        low = scalar(_borrow_suffix(lo_text, hi_text))
        high = scalar(hi_text)
        _check_order(text, what, low, high)
        return Quantity(geometric_mean(low, high), low, high, unit)

    return Quantity(scalar(raw), unit=unit)


def geometric_mean(low: float, high: float) -> float:
    """sqrt(low·high), without overflowing or underflowing in the product."""
    product = low * high
    if SMALLEST <= product < math.inf:
        return math.sqrt(product)
    return min(max(math.sqrt(low) * math.sqrt(high), low), high)


def _check_order(text: str, what: str, low: float, high: float) -> None:
    if low > high:
        raise FlopcastError(
            f"{what} {text!r}: the low end is above the high end; write the smaller value first"
        )


# --------------------------------------------------------------------------------------
# Formatting


#: Significant figures a number may be shown with (a float holds 17).
MAX_SIG = 17


def _check_fmt(x: Any, sig: Any) -> float:
    """A number and a significant-figure count fit to format, else a one-line error."""
    if isinstance(sig, bool) or not isinstance(sig, numbers.Integral):
        raise FlopcastTypeError(f"sig must be an integer from 1 to {MAX_SIG}, not {sig!r}")
    if not 1 <= int(sig) <= MAX_SIG:
        raise FlopcastError(f"sig must be from 1 to {MAX_SIG} significant figures, not {sig}")
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise FlopcastTypeError(f"a number to format must be a number, not {_type_name(x)}")
    value = float(x)
    check_finite(value, "a result")
    return value


def _round_sig(x: float, sig: int) -> float:
    if x == 0 or not math.isfinite(x):
        return x
    return float(f"{x:.{sig - 1}e}")


def fmt_sci(x: float, sig: int = 3) -> str:
    """Scientific notation as the field writes it: ``5.18e25``, ``3.8e25``, ``3e26``."""
    x = _check_fmt(x, sig)
    if x == 0:
        return "0"
    mantissa, exponent = f"{x:.{sig - 1}e}".split("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"


def fmt_plain(x: float, sig: int = 3) -> str:
    """A plain number: ``104``, ``0.875``, ``46.9``; thousands shown whole (``1,294``)."""
    x = _check_fmt(x, sig)
    if x == 0:
        return "0"
    ax = abs(x)
    if ax >= 1e6 or ax < 1e-4:
        return fmt_sci(x, sig)
    if ax >= 10**sig:
        return f"{round(x):,}"
    rounded = _round_sig(x, sig)
    digits = max(0, sig - 1 - math.floor(math.log10(abs(rounded))))
    text = f"{rounded:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


_SI_STEPS = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))


def fmt_si(x: float, sig: int = 3) -> str:
    """A count with a suffix: ``288B``, ``34.6T``, ``100K``, ``2.38M``, ``104``."""
    x = _check_fmt(x, sig)
    ax = abs(x)
    if ax >= 1e15:
        return fmt_sci(x, sig)
    for scale, suffix in _SI_STEPS:
        # choose the step after rounding, so 999.96B shows as 1T and not 1,000B
        if _round_sig(ax, sig) >= scale:
            return fmt_plain(_round_sig(x / scale, sig), sig) + suffix
    return fmt_plain(x, sig)


_RATE_STEPS = ((1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"))


def fmt_rate(x: float, sig: int = 3) -> str:
    """FLOP/s with an SI prefix: ``989 TFLOP/s``, ``2.25 PFLOP/s``."""
    x = _check_fmt(x, sig)
    for scale, prefix in _RATE_STEPS:
        if _round_sig(abs(x), sig) >= scale:
            return f"{fmt_plain(_round_sig(x / scale, sig), sig)} {prefix}FLOP/s"
    return f"{fmt_sci(x, sig)} FLOP/s"


def fmt_duration(seconds: float, sig: int = 3) -> str:
    """``46.9 days``; below a day in hours, above three years in years."""
    seconds = _check_fmt(seconds, sig)
    days = seconds / SECONDS_PER_DAY
    if days >= 3 * DAYS_PER_YEAR:
        return f"{fmt_plain(days / DAYS_PER_YEAR, sig)} years"
    if days >= 1:
        return f"{fmt_plain(days, sig)} days"
    return f"{fmt_plain(seconds / SECONDS_PER_HOUR, sig)} hours"


def fmt_fraction(x: float, sig: int = 3) -> str:
    """A fraction as a percentage: ``26.5%``."""
    x = _check_fmt(x, sig)
    return f"{fmt_plain(x * 100, sig)}%"


def fmt_value(x: float, kind: Kind, sig: int = 3) -> str:
    """One number of a kind, without its display unit word."""
    if kind is Kind.FLOP:
        return fmt_sci(x, sig)
    if kind is Kind.RATE:
        return fmt_rate(x, sig)
    if kind is Kind.DURATION:
        return fmt_duration(x, sig)
    if kind is Kind.FRACTION:
        return fmt_fraction(x, sig)
    if kind is Kind.NUMBER:
        return fmt_plain(x, sig)
    return fmt_si(x, sig)


def fmt(q: Quantity, kind: Kind, sig: int = 3, *, unit: bool = True) -> str:
    """A quantity with its 90% interval: ``5.18e25 FLOP (90%: 5.18e25–6.91e25)``."""
    if not isinstance(q, Quantity):
        raise FlopcastTypeError(f"fmt needs a Quantity, not {_type_name(q)}")
    if not isinstance(kind, Kind):
        raise FlopcastTypeError(f"fmt needs a Kind (Kind.FLOP, Kind.COUNT...), not {kind!r}")
    _check_fmt(q.value, sig)
    central = fmt_value(q.value, kind, sig)
    word = f" {q.unit}" if unit and q.unit and kind in (Kind.COUNT, Kind.FLOP, Kind.NUMBER) else ""
    if not q.uncertain or q.low is None or q.high is None:
        return central + word
    if kind is Kind.DURATION:  # "48.1 days (90%: 48.1–64.1 days)": bounds in the central's unit
        unit_word = central.split(" ")[-1]
        scale = {"years": DAYS_PER_YEAR * SECONDS_PER_DAY, "days": SECONDS_PER_DAY}.get(
            unit_word, SECONDS_PER_HOUR
        )
        low = fmt_plain(q.low / scale, sig)
        high = fmt_plain(q.high / scale, sig)
        return f"{central} (90%: {low}–{high} {unit_word})"
    low = fmt_value(q.low, kind, sig)
    high = fmt_value(q.high, kind, sig)
    return f"{central}{word} (90%: {low}–{high})"


# --------------------------------------------------------------------------------------
# Context lengths: in a context length k = 1,024 and M = 1,048,576 (as windows are quoted:
# "128k" is 131,072 tokens); everywhere else K = 1,000.

#: Contexts above this are refused as absurd (tokens).
MAX_CONTEXT = 1 << 27

_CONTEXT = re.compile(r"^(\d+(?:\.\d+)?)\s*(k|m)?i?\s*(?:tokens?)?$")


def parse_context(text: str | int) -> int:
    """A context length: ``32k`` = 32,768 and ``128k`` = 131,072 (k = 1,024 here, as context
    windows are quoted), ``1M`` = 1,048,576, or a plain number of tokens."""
    from flopcast.sanitize import short

    if isinstance(text, bool) or not isinstance(text, str | int):
        raise FlopcastTypeError(f"context {short(text)} is not a number of tokens")
    if isinstance(text, int):
        return check_context(text)
    raw = text.strip().lower().replace(",", "").replace("_", "")
    m = _CONTEXT.match(raw)
    if not m:
        raise FlopcastError(
            f"context {short(text)} is not a number of tokens: write 8192, 32k or 128k (k = 1,024)"
        )
    scale = {None: 1, "k": 1 << 10, "m": 1 << 20}[m.group(2)]
    value = float(m.group(1)) * scale
    if not math.isfinite(value) or value > MAX_CONTEXT:  # "1" * 400 is inf as a float
        raise FlopcastError(
            f"context {short(text)} tokens is absurd (flopcast stops at {MAX_CONTEXT:,})"
        )
    if value != int(value):
        raise FlopcastError(f"context {short(text)} is not a whole number of tokens")
    return check_context(int(value))


def check_context(context: int) -> int:
    from flopcast.sanitize import short

    if isinstance(context, bool) or not isinstance(context, int) or context < 1:
        raise FlopcastError(f"context must be a positive number of tokens, got {short(context)}")
    if context > MAX_CONTEXT:
        shown = f"{context:,}" if context.bit_length() < 64 else short(context)
        raise FlopcastError(f"context {shown} tokens is absurd (flopcast stops at {MAX_CONTEXT:,})")
    return context
