"""Reading the data files shipped in ``flopcast/data`` (package data).

Only the standard library here: each data file is validated by the module that owns it, with
pydantic, when that module first needs it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tomllib
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from flopcast.errors import FlopcastError

#: The folder of the data files shipped with the package (a plain directory: flopcast is not
#: installed zipped; ``importlib.resources`` would add ~9 ms of start-up for nothing).
DATA_DIR = Path(__file__).resolve().parent / "data"


def data_path(name: str) -> Path:
    """The path of a shipped data file, e.g. ``data_path("accelerators.toml")``."""
    return DATA_DIR / name


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


T = TypeVar("T")


def cache_dir() -> Path:
    """Where validated data files are cached: $FLOPCAST_CACHE_DIR, else the XDG cache."""
    explicit = os.environ.get("FLOPCAST_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "flopcast"


def validated(name: str, inputs: Iterable[Path], build: Callable[[], T]) -> T:
    """``build()``, cached on disk by the content of ``inputs`` (data files and the code that
    parses them). The first run validates with pydantic; later runs load the validated values
    without importing it. Any cache problem just means building again.
    """
    digest = hashlib.sha256()
    for path in inputs:
        digest.update(path.read_bytes())
    target = cache_dir() / f"{name}-{digest.hexdigest()[:24]}.pickle"
    try:
        with target.open("rb") as fh:
            value: T = pickle.load(fh)
        return value
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError):
        pass
    value = build()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(target)
    except OSError:
        pass
    return value
