"""Dates for trends: decimal years, and the periods a user types (``2024``, ``2024-05``,
``2024-05-31``)."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta

from flopcast.errors import FlopcastError

#: Dates are read and forecast within these years (every number finite and bounded).
FIRST_YEAR, LAST_YEAR = 1900, 2200


def decimal_year(d: date) -> float:
    """``2024-07-02`` → 2024.5: the year plus the elapsed fraction of it."""
    days = 366 if _leap(d.year) else 365
    return d.year + (d.timetuple().tm_yday - 1) / days


def date_of(t: float) -> date:
    """The day a decimal year falls on (inverse of :func:`decimal_year`)."""
    if not math.isfinite(t) or not FIRST_YEAR <= t < LAST_YEAR + 1:
        raise FlopcastError(f"date {t:g} is outside {FIRST_YEAR}–{LAST_YEAR}")
    year = math.floor(t)
    days = 366 if _leap(year) else 365
    # + 1e-6 day: a day from decimal_year comes back as itself despite rounding
    return date(year, 1, 1) + timedelta(days=min(days - 1, int((t - year) * days + 1e-6)))


def month(t: float) -> str:
    """A decimal year as ``YYYY-MM``."""
    return date_of(t).strftime("%Y-%m")


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


_PERIOD = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?$")


def parse_period(text: str, what: str) -> tuple[date, date]:
    """``2024`` / ``2024-05`` / ``2024-05-31`` as the first and last day of that period."""
    m = _PERIOD.match(text.strip())
    hint = f"{what} {text!r}: write a date as YYYY, YYYY-MM or YYYY-MM-DD"
    if m is None:
        raise FlopcastError(hint)
    year = int(m["y"])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise FlopcastError(f"{what} {text!r}: the year must be within {FIRST_YEAR}–{LAST_YEAR}")
    try:
        if m["d"]:
            day = date(year, int(m["m"]), int(m["d"]))
            return day, day
        if m["m"]:
            first = date(year, int(m["m"]), 1)
            nxt = date(year + (first.month == 12), first.month % 12 + 1, 1)
            return first, nxt - timedelta(days=1)
    except ValueError:
        raise FlopcastError(hint + " (no such day)") from None
    return date(year, 1, 1), date(year, 12, 31)


def midpoint(text: str, what: str) -> date:
    """The middle day of a period: ``2027-06`` → 2027-06-15, ``2027`` → 2027-07-02."""
    first, last = parse_period(text, what)
    return first + (last - first) // 2
