"""Saving a fit as JSON, so that ``--law my-fit.json`` works everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flopcast.errors import FlopcastTypeError
from flopcast.scaling.fit.approach3 import FitResult
from flopcast.scaling.fit.isoflop import IsoFlopFit
from flopcast.scaling.laws import SAVED_FIT_FORMAT, ParametricLaw, PowerLaw
from flopcast.store import atomic_write_json


def _law_record(law: ParametricLaw | PowerLaw) -> dict[str, Any]:
    common: dict[str, Any] = {
        "kind": law.kind,
        "title": law.title,
        "aliases": [],
        "fitted_compute": list(law.fitted_compute) if law.fitted_compute else None,
        "parameter_count": law.parameter_count,
        "notes": law.notes,
        "citation": law.citation.to_dict(),
    }
    if isinstance(law, ParametricLaw):
        return common | {
            "E": law.E,
            "A": law.A,
            "B": law.B,
            "alpha": law.alpha,
            "beta": law.beta,
            "standard_errors": dict(law.standard_errors) or None,
        }
    return common | {"n_coef": law.n_coef, "n_exp": law.n_exp}


def save_fit(result: FitResult | IsoFlopFit, path: str | Path) -> Path:
    """Write ``result`` as JSON that :func:`flopcast.scaling.laws.get_law` loads as a law."""
    if not isinstance(path, str | Path):
        raise FlopcastTypeError(f"a fit is saved to a file path, not {type(path).__name__}")
    record = {
        "format": SAVED_FIT_FORMAT,
        "version": 1,
        "name": result.name,
        "law": _law_record(result.to_law()),
        "fit": result.to_dict(),
    }
    # temporary file, fsync, rename: a failed write leaves the previous fit as it was
    return atomic_write_json(path, record, what="fit file")
