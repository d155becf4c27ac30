"""Reading the data files shipped in ``flopcast/data`` (package data).

Only the standard library here: each data file is validated by the module that owns it, with
pydantic, when that module first needs it.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import pickle
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

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


#: Everything but letters and digits: ``\w`` is exactly what ``str.isalnum`` accepts, and ``_``.
_NOT_ALNUM = re.compile(r"[\W_]+")


def lenient_key(name: str) -> str:
    """A name folded for lenient look-up: case, spaces, dashes, dots and underscores ignored
    (every character but letters and digits)."""
    return _NOT_ALNUM.sub("", name.lower())


def first_error(exc: Any) -> str:
    """``where: what`` of a pydantic ValidationError's first error, for one-line messages."""
    err = exc.errors()[0]
    return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"


def check_unique_names(file: str, entries: Iterable[tuple[str, Iterable[str]]]) -> None:
    """Every id and alias (folded by :func:`lenient_key`) names one entry only."""
    seen: dict[str, str] = {}
    for ident, aliases in entries:
        for key in {lenient_key(ident), *(lenient_key(a) for a in aliases)}:
            if not key:
                raise FlopcastError(f"{file}: entry {ident!r} has an empty name or alias")
            if key in seen and seen[key] != ident:
                raise FlopcastError(f"{file}: name {key!r} is used by both {seen[key]} and {ident}")
            seen[key] = ident


def did_you_mean(name: str, ids: Iterable[str], folded: Mapping[str, str] | None = None) -> str:
    """``"did you mean a, b? "`` for the ids closest to ``name`` (``""`` when none is close).

    ``folded`` maps further folded names (aliases) to ids, so a near-miss of an alias helps.
    """
    choices = sorted(set(ids))
    close = difflib.get_close_matches(name.lower().strip(), choices, n=4, cutoff=0.5)
    if not close and folded:
        keys = difflib.get_close_matches(lenient_key(name), list(folded), n=4, cutoff=0.5)
        close = sorted({folded[k] for k in keys})
    return f"did you mean {', '.join(close)}? " if close else ""


E = TypeVar("E")


class NameIndex(Generic[E]):
    """The entries of one data table by every name (id and aliases), folded leniently.

    Built once per table; a name that two entries share is an error in the data file, raised
    when the index is built (each table's test builds it). ``get`` raises one line with the
    closest names and ``hint()`` (where to list them, worded when the error is raised).
    """

    def __init__(
        self,
        file: str,
        what: str,
        entries: Iterable[tuple[str, Iterable[str], E]],
        *,
        hint: Callable[[], str] | None = None,
    ) -> None:
        self.file, self.what, self.hint = file, what, hint
        self._by_key: dict[str, E] = {}
        self._owner: dict[str, str] = {}
        self._ids: list[str] = []
        for ident, aliases, entry in entries:
            self._ids.append(ident)
            for key in {lenient_key(ident), *(lenient_key(a) for a in aliases)}:
                if not key:
                    raise FlopcastError(f"{file}: entry {ident!r} has an empty name or alias")
                if key in self._owner and self._owner[key] != ident:
                    raise FlopcastError(
                        f"{file}: name {key!r} is used by both {self._owner[key]} and {ident}"
                    )
                self._owner[key] = ident
                self._by_key[key] = entry

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._ids)

    def find(self, name: str) -> E | None:
        """The entry a name folds to, or None."""
        return self._by_key.get(lenient_key(name))

    def unknown(self, name: str, hint: str | None = None) -> FlopcastError:
        """The one-line error for a name no entry has."""
        more = hint if hint is not None else (self.hint() if self.hint else "")
        text = f"unknown {self.what} {name!r}: {did_you_mean(name, self._ids, self._owner)}{more}"
        return FlopcastError(text.rstrip(" :;"))

    def get(self, name: str) -> E:
        """The entry a name folds to; an unknown name is a one-line error."""
        if not isinstance(name, str):
            from flopcast.errors import FlopcastTypeError

            raise FlopcastTypeError(f"a {self.what} name is text, not {type(name).__name__}")
        found = self.find(name)
        if found is None:
            raise self.unknown(name)
        return found


T = TypeVar("T")


def cache_dir() -> Path:
    """Where validated data files are cached: $FLOPCAST_CACHE_DIR, else the XDG cache."""
    explicit = os.environ.get("FLOPCAST_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "flopcast"


#: What a cache pickle starts with: a tag, so a pickle of anything else is rebuilt.
_CACHE_TAG = "flopcast-validated-1"
#: The largest cache file read back (the catalog's is ~100 KB).
_MAX_CACHE_BYTES = 16 * 1024 * 1024


def validated(name: str, inputs: Iterable[Path], build: Callable[[], T]) -> T:
    """``build()``, cached on disk by the content of ``inputs`` (data files and the code that
    parses them). The first run validates with pydantic; later runs load the validated values
    without importing it. Any cache problem (unreadable, truncated, another pickle protocol,
    another object, an unwritable cache directory) just means building again.
    """
    digest = hashlib.sha256(_code_fingerprint().encode())
    for path in inputs:
        digest.update(path.read_bytes())
    key = digest.hexdigest()
    try:
        target = cache_dir() / f"{name}-{key[:24]}.pickle"
    except (RuntimeError, OSError):  # no home directory to put a cache in
        return build()
    cached = _load_cache(target, name, key)
    if cached is not None:
        value: T = cached[0]
        return value
    value = build()
    try:
        from flopcast.store import atomic_write

        target.parent.mkdir(parents=True, exist_ok=True)
        data = pickle.dumps((_CACHE_TAG, name, key, value), protocol=pickle.HIGHEST_PROTOCOL)
        atomic_write(target, data, what="cache file")
    except (OSError, FlopcastError, pickle.PickleError):
        pass  # a cache that cannot be written is only slower
    return value


@cache
def _code_fingerprint() -> str:
    """Every module of the package by size and modification time: a cached value holds
    objects of flopcast's own classes, so any change of code (another version, another
    checkout) must miss the cache, not load objects of another shape. Stats only: fast."""
    package = Path(__file__).resolve().parent
    parts = []
    for root, _dirs, files in os.walk(package):
        for f in sorted(files):
            if f.endswith(".py"):
                path = os.path.join(root, f)
                st = os.stat(path)
                parts.append(f"{os.path.relpath(path, package)}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(sorted(parts))


def _load_cache(target: Path, name: str, key: str) -> tuple[Any] | None:
    """The cached value (in a 1-tuple), or None if the file is missing or is not our pickle of
    this name and content."""
    try:
        with target.open("rb") as fh:
            data = fh.read(_MAX_CACHE_BYTES + 1)
    except OSError:
        return None
    if len(data) > _MAX_CACHE_BYTES:
        return None
    try:
        loaded = pickle.loads(data)
    except Exception:  # a damaged cache can raise anything; it is rebuilt
        return None
    if isinstance(loaded, tuple) and len(loaded) == 4 and loaded[:3] == (_CACHE_TAG, name, key):
        return (loaded[3],)
    return None


def load_validated(name: str, schema: Callable[[], Any], code: Path) -> dict[str, Any]:
    """A shipped TOML data file validated by a pydantic model (``schema()`` returns its class),
    as plain values; cached on disk by the content of the file and of ``code`` (the module that
    defines the schema). An invalid file is a one-line error naming the file and the field."""

    def build() -> dict[str, Any]:
        from pydantic import ValidationError

        try:
            dumped: dict[str, Any] = (
                schema().model_validate(load_toml(name)).model_dump(mode="json")
            )
        except ValidationError as exc:
            raise FlopcastError(f"data/{name}: {first_error(exc)}") from None
        return dumped

    return validated(name.replace("/", "_"), (data_path(name), code), build)


# --------------------------------------------------------------------------------------
# Epoch AI's datasets (CC BY 4.0): how they are described and credited wherever shown


#: The origin of a dataset flopcast ships (an import says where it came from instead).
SHIPPED = "shipped with flopcast"


def shipped_dataset(section: Mapping[str, Any]) -> dict[str, Any]:
    """The record of an Epoch AI snapshot flopcast ships, from its data file's section
    (``dataset``, ``date``, ``url``, ``license``, ``file``)."""
    return {
        "dataset": section["dataset"],
        "snapshot": section["date"],
        "url": section["url"],
        "license": section["license"],
        "file": section["file"],
        "origin": SHIPPED,
    }


def epoch_credit(meta: Mapping[str, Any]) -> str:
    """The attribution line shown wherever an Epoch AI dataset is used (CC BY 4.0 asks for
    the creator, the work and the licence): ``Epoch AI, 'GPU Clusters' dataset (snapshot
    2026-04), https://epoch.ai/data/gpu-clusters, CC BY 4.0``."""
    return (
        f"Epoch AI, '{meta.get('dataset', '?')}' dataset (snapshot "
        f"{meta.get('snapshot', '?')}), {meta.get('url', 'https://epoch.ai/data')}, CC BY 4.0"
    )
