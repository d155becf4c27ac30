"""Dates as people type them (``2025-04-05``, ``2024-10``, ``2024``), and years between dates."""

from __future__ import annotations

import re
from datetime import date

from flopcast.errors import FlopcastError, FlopcastTypeError
from flopcast.quantity import DAYS_PER_YEAR

_FORMS = "YYYY-MM-DD, YYYY-MM or YYYY (e.g. 2025-04-05, 2024-10)"


def parse_date(value: date | str | None, what: str = "date") -> date:
    """A date from ``YYYY-MM-DD``, ``YYYY-MM`` (its 15th) or ``YYYY`` (1 July); None is today."""
    if value is None:
        return date.today()
    if isinstance(value, date):
        return _in_range(value, what)
    if not isinstance(value, str):
        raise FlopcastTypeError(f"{what} must be a date or text like 2025-04-05, not {value!r}")
    text = value.strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
    if m is None:
        raise FlopcastError(f"cannot read {what} {value[:40]!r}: write {_FORMS}")
    year, month, day = m.group(1), m.group(2), m.group(3)
    try:
        if month is None:
            parsed = date(int(year), 7, 1)
        elif day is None:
            parsed = date(int(year), int(month), 15)
        else:
            parsed = date(int(year), int(month), int(day))
    except ValueError:
        raise FlopcastError(f"{what} {value!r} is not a calendar date: write {_FORMS}") from None
    return _in_range(parsed, what)


#: The years a date may fall in: AI from its beginnings to any forecast worth making (and
#: far enough from Python's year 1 and 9999 that date arithmetic cannot overflow).
YEARS = (1900, 2200)


def _in_range(day: date, what: str) -> date:
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise FlopcastError(f"{what} {day.isoformat()}: give a date from {YEARS[0]} to {YEARS[1]}")
    return day


def years_between(start: date, end: date) -> float:
    """Years from ``start`` to ``end`` (negative if ``end`` is earlier), in Julian years."""
    return (end - start).days / DAYS_PER_YEAR
