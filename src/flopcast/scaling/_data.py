"""Loading ``data/scaling_laws.toml`` (lazily, once) and small shared helpers.

Standard library only at import time; pydantic is imported when the file is first read.
"""

from __future__ import annotations

import math
import sys
import tomllib
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from flopcast.datafiles import first_error, load_toml
from flopcast.errors import FlopcastError, FlopcastTypeError
from flopcast.sanitize import short

if TYPE_CHECKING:
    from flopcast.scaling._schema import ScalingLawsFile

DATA_FILE = "scaling_laws.toml"

#: A float, or a numpy array of floats (Monte Carlo samples): the arithmetic of the laws'
#: optima (each law's ``dense_optimum``, annotated for floats), of m(S) and of the overtraining
#: factor k works on both alike, so intervals are computed without a Python loop.
Real = Any


@dataclass(frozen=True)
class Citation:
    """Where a law or multiplier comes from: the paper, the section/equation, and a URL."""

    paper: str
    where: str
    url: str

    def to_dict(self) -> dict[str, str]:
        return {"paper": self.paper, "where": self.where, "url": self.url}


@cache
def scaling_file() -> ScalingLawsFile:
    """The validated contents of ``data/scaling_laws.toml`` (read once per process)."""
    from pydantic import ValidationError

    from flopcast.scaling._schema import ScalingLawsFile

    try:
        return ScalingLawsFile.model_validate(load_toml(DATA_FILE))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise FlopcastError(f"cannot read flopcast's {DATA_FILE}: {exc}") from exc
    except ValidationError as exc:
        raise FlopcastError(f"invalid {DATA_FILE} at {first_error(exc)}") from exc


def positive(name: str, value: float | str) -> float:
    """``value`` as a float if it is a finite positive number (or a quantity such as ``"7B"``,
    ``"2T"``, ``"5.2e25"``), else a one-line FlopcastError."""
    if isinstance(value, str):
        from flopcast.quantity import Kind, parse

        return positive(name, parse(value, Kind.COUNT, what=name).value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FlopcastTypeError(f"{name} must be a number, not {type(value).__name__}")
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise FlopcastError(f"{name} must be a number, got {short(value)}") from None
    except OverflowError:
        raise FlopcastError(f"{name} {short(value)} is too large for a float") from None
    if not math.isfinite(x) or x <= 0:
        raise FlopcastError(f"{name} must be a finite positive number, got {short(value)}")
    if x < sys.float_info.min:
        raise FlopcastError(f"{name} {x!r} is too small (below {sys.float_info.min:.3g})")
    return x


def finite(name: str, value: float) -> float:
    """A computed result, checked: an overflow is an error naming it, never ``inf``."""
    if not math.isfinite(value) or value <= 0:
        raise FlopcastError(
            f"{name} is not a finite positive number ({value!r}): an input is too large or "
            "too small"
        )
    return value
