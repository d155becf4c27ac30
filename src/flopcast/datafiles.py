"""Reading the data files shipped in ``flopcast/data`` (package data).

Only the standard library here: each data file is validated by the module that owns it, with
pydantic, when that module first needs it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from flopcast.errors import FlopcastError


def data_path(name: str) -> Path:
    """The path of a shipped data file, e.g. ``data_path("accelerators.toml")``."""
    return Path(str(resources.files("flopcast") / "data" / name))


@cache
def load_toml(name: str) -> dict[str, Any]:
    """A shipped TOML data file, parsed (cached: the files do not change at run time)."""
    with data_path(name).open("rb") as fh:
        return tomllib.load(fh)


def lenient_key(name: str) -> str:
    """A name folded for lenient look-up: case, spaces, dashes, dots and underscores ignored."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


def first_error(exc: Any) -> str:
    """``where: what`` of a pydantic ValidationError's first error, for one-line messages."""
    err = exc.errors()[0]
    return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"


def check_unique_names(file: str, entries: Iterable[tuple[str, Iterable[str]]]) -> None:
    """Every id and alias (folded by :func:`lenient_key`) names one entry only."""
    seen: dict[str, str] = {}
    for ident, aliases in entries:
        for key in {lenient_key(ident), *(lenient_key(a) for a in aliases)}:
            if key in seen and seen[key] != ident:
                raise FlopcastError(f"{file}: name {key!r} is used by both {seen[key]} and {ident}")
            seen[key] = ident
