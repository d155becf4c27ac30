"""The report and its figures, kept on disk between runs (``flopcast report`` the second time
takes a fraction of a second).

A report is a pure function of its arguments, flopcast's code and data, and the data a user
imported (``flopcast epoch import`` and the like, under :func:`flopcast.epoch.user_data_dir`);
the cache key covers all of them, so any change to one means building again. Only the standard
library is imported here: a cache hit loads no numpy, scipy, pydantic or matplotlib.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

_PACKAGE = Path(__file__).resolve().parents[1]


@cache
def _package_files() -> tuple[Path, ...]:
    """Every file of the package: its code and its shipped data."""
    return tuple(
        sorted(p for p in _PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    )


def _inputs() -> tuple[Path, ...]:
    """The package's files and those of the user's imported data (looked up each time: the
    data folder can be changed by the environment)."""
    from flopcast.epoch import user_data_dir

    user = user_data_dir()
    mine = sorted(p for p in user.iterdir() if p.is_file()) if user.is_dir() else []
    return (*_package_files(), *mine)


def cached(kind: str, args: Mapping[str, Any], build: Callable[[], T]) -> T:
    """``build()``, or what it returned before for the same ``kind``, ``args`` (plain values),
    code and data."""
    from flopcast import __version__
    from flopcast.datafiles import validated

    key = json.dumps([kind, __version__, args], sort_keys=True, default=str)
    name = f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"
    return validated(name, _inputs(), build)
