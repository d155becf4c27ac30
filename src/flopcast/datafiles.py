"""Reading the data files shipped in ``flopcast/data`` (package data).

Only the standard library here: each data file is validated by the module that owns it, with
pydantic, when that module first needs it.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any


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
