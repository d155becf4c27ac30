"""Dates as people type them (``2025-04-05``, ``2024-10``, ``2024``), and years between dates."""

from __future__ import annotations

import re
from datetime import date

from flopcast.errors import FlopcastError
from flopcast.quantity import DAYS_PER_YEAR

_FORMS = "YYYY-MM-DD, YYYY-MM or YYYY (e.g. 2025-04-05, 2024-10)"


def parse_date(value: date | str | None, what: str = "date") -> date:
    """A date from ``YYYY-MM-DD``, ``YYYY-MM`` (its 15th) or ``YYYY`` (1 July); None is today."""
    if value is None:
        return date.today()
    if isinstance(value, date):
        return value
    text = value.strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
    if m is None:
        raise FlopcastError(f"cannot read {what} {value!r}: write {_FORMS}")
    year, month, day = m.group(1), m.group(2), m.group(3)
    try:
        if month is None:
            return date(int(year), 7, 1)
        if day is None:
            return date(int(year), int(month), 15)
        return date(int(year), int(month), int(day))
    except ValueError:
        raise FlopcastError(f"{what} {value!r} is not a calendar date: write {_FORMS}") from None


def years_between(start: date, end: date) -> float:
    """Years from ``start`` to ``end`` (negative if ``end`` is earlier), in Julian years."""
    return (end - start).days / DAYS_PER_YEAR
