"""Loading ``data/scaling_laws.toml`` (lazily, once) and small shared helpers.

Standard library only at import time; pydantic is imported when the file is first validated,
and the validated values are cached on disk (:func:`flopcast.datafiles.validated`), so later
runs do without it.
"""

from __future__ import annotations

import math
import sys
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flopcast.datafiles import data_path, first_error, load_toml, validated
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


@dataclass(frozen=True)
class DefaultMultiplier:
    """The default data-efficiency multiplier: m(S) = coefficient (S / reference_sparsity)^exponent
    (see :func:`flopcast.scaling.moe.default_multiplier`)."""

    title: str
    coefficient: float
    reference_sparsity: float
    exponent: float
    notes: str
    citation: Citation


@dataclass(frozen=True)
class JointMoeLaw:
    """The constants of the Joint MoE law (Ludziejewski et al. 2025 sec. 3), whose symbols they
    keep: L = a Ê^delta N_act^-(alpha + gamma ln Ê) + b Ê^omega D^-(beta + zeta ln Ê) + c."""

    title: str
    a: float
    delta: float
    alpha: float
    gamma: float
    b: float
    omega: float
    beta: float
    zeta: float
    c: float
    E_start: float
    E_max: float
    notes: str
    citation: Citation


@dataclass(frozen=True)
class ScalingSettings:
    """The MoE multipliers' constants and the over-training settings of the data file."""

    default_moe: DefaultMultiplier
    joint_moe: JointMoeLaw
    cost_law: str  # the parametric law whose exponents price over-training by default
    near_optimal_factor: float  # within this factor of the optimum: "near compute-optimal"


#: What the cached values of the data file are built from.
SOURCES = (data_path(DATA_FILE), Path(__file__).with_name("_schema.py"))


@cache
def scaling_settings() -> ScalingSettings:
    """The multipliers' constants and over-training settings, validated on first use (then
    loaded from the cache, without pydantic)."""
    return validated("scaling-settings", SOURCES, _build_settings)


def _build_settings() -> ScalingSettings:
    f = scaling_file()
    d, j = f.moe.default, f.moe.ludziejewski2025
    return ScalingSettings(
        DefaultMultiplier(**{**dict(d), "citation": Citation(**dict(d.citation))}),
        JointMoeLaw(**{**dict(j), "citation": Citation(**dict(j.citation))}),
        f.overtraining.cost_law,
        f.overtraining.near_optimal_factor,
    )


@cache
def scaling_file() -> ScalingLawsFile:
    """The validated contents of ``data/scaling_laws.toml`` (read once per process, with
    pydantic: what builds the cached values)."""
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
