"""The user's imported Epoch AI dataset on disk: written whole or not at all, read checked.

The store keeps its place and names: ``epoch_models.csv`` (flopcast's normalized CSV) and its
record ``epoch_models.json`` (``dataset``, ``snapshot``, ``file``, ``rows``...) in the data
directory (``$FLOPCAST_DATA_DIR``, else ``$XDG_DATA_HOME/flopcast``). This module adds:

* **validated imports**: the whole file is read and checked before anything is replaced; rows
  cut off, a number column of text, or far fewer models than the previous import are refused
  unless forced, and the summary lists what was dropped;
* **one writer at a time**: an import holds the store's lock (:func:`flopcast.store.locked`)
  while it writes the CSV and then its record, each atomically;
* **the previous import kept beside**: ``epoch_models.previous.csv`` and ``.previous.json``;
* **checked reads**: the record's ``rows`` and ``sha256`` must match the CSV. A reader that
  finds them disagreeing looks again holding the lock (an import may be half-way through); a
  record that is missing or damaged is rebuilt from an intact CSV; a CSV that does not match
  its record is reported in one line, saying how to repair it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flopcast.errors import FlopcastError, on_cli
from flopcast.store import (
    atomic_write,
    atomic_write_json,
    kind_of,
    locked,
    read_bytes,
    read_json,
)

if TYPE_CHECKING:
    from flopcast.epoch import EpochImport, EpochRow


@dataclass(frozen=True)
class Format:
    """What the store needs of :mod:`flopcast.epoch`, handed in by it (so that the store does
    not import it back): the CSV parser and writer, the shipped snapshot, the dataset's URL."""

    parse: Callable[[bytes, str, bool], EpochImport]  # (data, source, language_only)
    render: Callable[[Sequence[EpochRow]], bytes]
    shipped: Callable[[], tuple[dict[str, Any], tuple[EpochRow, ...]]]
    url: str
    max_bytes: int


CSV_NAME = "epoch_models.csv"
RECORD_NAME = "epoch_models.json"
PREVIOUS_CSV = "epoch_models.previous.csv"
PREVIOUS_RECORD = "epoch_models.previous.json"
#: An import with fewer models than this share of the previous import's needs ``force``.
MIN_SHARE_OF_PREVIOUS = 0.5
#: Seconds a reader waits for an import in progress before reporting the store as damaged.
READ_LOCK_TIMEOUT_S = 30.0


def record_path(csv: Path) -> Path:
    return csv.with_suffix(".json")


def _repair_hint() -> str:
    if on_cli():
        again, reset = "'flopcast epoch import FILE'", "'flopcast epoch reset'"
    else:
        again, reset = "flopcast.epoch.import_csv(FILE)", "flopcast.epoch.reset()"
    return f"import the CSV again ({again}), or {reset} to use the shipped snapshot"


@dataclass(frozen=True)
class Active:
    """The Epoch AI dataset in use: its record and its rows."""

    meta: dict[str, Any]
    rows: tuple[EpochRow, ...]


@dataclass
class _State:
    """What is on disk, read without trusting it."""

    rows: tuple[EpochRow, ...] | None = None
    digest: str = ""
    csv_error: str = ""
    record: dict[str, Any] | None = None
    record_error: str = ""

    @property
    def consistent(self) -> bool:
        if self.rows is None or self.record is None:
            return False
        digest = self.record.get("sha256")
        return self.record["rows"] == len(self.rows) and digest in (None, self.digest)

    def mismatch(self, where: Path) -> str:
        assert self.rows is not None and self.record is not None
        if self.record["rows"] != len(self.rows):
            return (
                f"the imported Epoch AI dataset {str(where)!r} has {len(self.rows):,} models "
                f"but its record says {self.record['rows']:,} (cut off by a failed write?)"
            )
        return (
            f"the imported Epoch AI dataset {str(where)!r} is not the file its record "
            "describes (its checksum differs)"
        )


def _read_state(fmt: Format, csv: Path) -> _State:
    state = _State()
    try:
        data = read_bytes(csv, "imported Epoch AI dataset")
        parsed = fmt.parse(data, str(csv), False)
    except FlopcastError as exc:
        state.csv_error = str(exc)
    else:
        if parsed.malformed:
            first = parsed.malformed[0]
            state.csv_error = (
                f"the imported Epoch AI dataset {str(csv)!r} is damaged at {first.model} "
                f"({first.reason})"
            )
        else:
            state.rows = parsed.rows
            state.digest = hashlib.sha256(data).hexdigest()
    record = record_path(csv)
    if kind_of(record) == "missing":
        state.record_error = "the record was missing"
        return state
    try:
        loaded = read_json(record, "Epoch AI dataset record", max_bytes=1024 * 1024)
    except FlopcastError:
        state.record_error = "the record was unreadable"
        return state
    if _check_record(loaded):
        state.record_error = "the record was damaged"
    else:
        state.record = loaded
    return state


def _check_record(record: Any) -> str:
    """Why a parsed record cannot be used, or ""."""
    if not isinstance(record, dict):
        return f"a JSON object was expected, not {type(record).__name__}"
    rows = record.get("rows")
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 0:
        return f"'rows' must be a count, not {rows!r}"[:120]
    if not isinstance(record.get("file"), str):
        return "'file' must be a file name"
    if "sha256" in record and not isinstance(record["sha256"], str):
        return "'sha256' must be a string"
    return ""


def _rebuilt_record(
    fmt: Format, rows: tuple[EpochRow, ...], digest: str, why: str
) -> dict[str, Any]:
    dates = [r.published for r in rows if r.published is not None]
    return {
        "dataset": "Epoch AI models",
        "snapshot": max(dates).isoformat() if dates else "unknown",
        "url": fmt.url,
        "license": "CC BY 4.0",
        "file": CSV_NAME,
        "origin": f"imported (record rebuilt from {CSV_NAME}: {why})",
        "rows": len(rows),
        "sha256": digest,
    }


def load_active(fmt: Format, csv: Path) -> Active:
    """The user's import at ``csv`` if there is one (checked against its record), else the
    shipped snapshot. A damaged import is a one-line :class:`FlopcastError` saying how to
    repair it."""
    if kind_of(csv) == "missing":  # no import (a record alone describes nothing)
        meta, rows = fmt.shipped()
        return Active(meta, rows)
    state = _read_state(fmt, csv)
    if state.consistent:
        assert state.record is not None and state.rows is not None
        return Active(state.record, state.rows)
    # An import may be half-way between writing the CSV and its record: look again holding
    # the lock; rebuild a missing or damaged record from an intact CSV while holding it.
    try:
        with locked(csv, timeout=READ_LOCK_TIMEOUT_S):
            state = _read_state(fmt, csv)
            if state.rows is not None and state.record is None:
                record = _rebuilt_record(fmt, state.rows, state.digest, state.record_error)
                # in a read-only store, the rebuilt record serves this run only
                with contextlib.suppress(FlopcastError):
                    atomic_write_json(record_path(csv), record, what="Epoch AI dataset record")
                state.record = record
    except FlopcastError:  # the lock cannot be taken (a read-only directory): judge as read
        if state.rows is not None and state.record is None:
            state.record = _rebuilt_record(fmt, state.rows, state.digest, state.record_error)
    if state.consistent:
        assert state.record is not None and state.rows is not None
        return Active(state.record, state.rows)
    if state.rows is None:
        raise FlopcastError(f"{state.csv_error}: {_repair_hint()}")
    raise FlopcastError(f"{state.mismatch(csv)}: {_repair_hint()}")


@dataclass(frozen=True)
class ImportSummary:
    """What ``flopcast epoch import`` did."""

    result: EpochImport
    saved_to: str
    meta: dict[str, Any] = field(default_factory=dict)
    previous: str | None = None  # where the import it replaced was kept
    forced: tuple[str, ...] = ()  # the problems imported anyway

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.result.to_dict(),
            "saved_to": self.saved_to,
            "meta": self.meta,
            "previous_kept_at": self.previous,
            "forced_past": list(self.forced),
        }


def import_csv(
    fmt: Format,
    path: str | Path,
    target: Path,
    *,
    snapshot: str | None = None,
    dataset: str = "Notable AI Models",
    force: bool = False,
) -> ImportSummary:
    """Import an Epoch AI CSV so its language models are usable by name.

    The file is read and checked in full first; nothing on disk changes if it is refused.
    Refused unless ``force``: lines cut off or otherwise unreadable, a number column that is
    mostly text, no training compute at all, or fewer than half the models of the previous
    import. The import replaces the previous one atomically, under the store's lock, and
    keeps it beside as ``epoch_models.previous.csv``/``.json``.
    """
    for name, value in (("snapshot", snapshot), ("dataset", dataset)):
        if value is not None and not isinstance(value, str):
            raise FlopcastError(f"{name} must be a string, not {type(value).__name__}")
    if not isinstance(path, str | Path):
        raise FlopcastError(f"path must be a file path, not {type(path).__name__}")
    source = Path(path)
    data = read_bytes(source, "Epoch AI CSV", fmt.max_bytes)
    result = fmt.parse(data, str(source), True)
    if not result.rows:
        raise FlopcastError(f"{source}: no language models with a publication date found")
    force_hint = "--force" if on_cli() else "force=True"
    problems = result.problems()
    if problems and not force:
        raise FlopcastError(
            f"{source}: {'; '.join(problems)}. Nothing was imported ({force_hint} imports "
            "what can be read and lists what is dropped)"
        )
    dates = [r.published for r in result.rows if r.published is not None]
    meta: dict[str, Any] = {
        "dataset": dataset.strip()[:200] or "Notable AI Models",
        "snapshot": (snapshot.strip()[:40] if snapshot else "") or max(dates).isoformat(),
        "url": fmt.url,
        "license": "CC BY 4.0",
        "file": source.name,
        "origin": f"imported from {source.name}",
        "rows": len(result.rows),
    }
    body = fmt.render(result.rows)
    meta["sha256"] = hashlib.sha256(body).hexdigest()
    meta["imported_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    previous_kept: str | None = None
    with locked(target):
        previous = _previous_rows(fmt, target)
        if (
            previous is not None
            and len(result.rows) < MIN_SHARE_OF_PREVIOUS * previous
            and not force
        ):
            raise FlopcastError(
                f"{source} has {len(result.rows):,} language models, under half the "
                f"{previous:,} of the import it would replace (a partial download?). Nothing "
                f"was imported ({force_hint} replaces it anyway)"
            )
        if previous is not None:
            previous_kept = _keep_previous(target)
        atomic_write(target, body, what="Epoch AI dataset")
        atomic_write_json(record_path(target), meta, what="Epoch AI dataset record")
    forced = tuple(problems) if force else ()
    if previous is not None and len(result.rows) < MIN_SHARE_OF_PREVIOUS * previous:
        forced += (f"{len(result.rows):,} models replace {previous:,}",)
    return ImportSummary(result, str(target), meta, previous_kept, forced)


def _previous_rows(fmt: Format, target: Path) -> int | None:
    """The model count of the import at ``target`` (None when there is none)."""
    if kind_of(target) == "missing":
        return None
    state = _read_state(fmt, target)
    if state.record is not None:
        rows: int = state.record["rows"]
        return rows
    return None if state.rows is None else len(state.rows)


def _keep_previous(target: Path) -> str | None:
    """Copy the current import beside it as ``*.previous.*`` (under the lock)."""
    kept = None
    for current, previous in (
        (target, target.with_name(PREVIOUS_CSV)),
        (record_path(target), target.with_name(PREVIOUS_RECORD)),
    ):
        if kind_of(current) == "file":
            atomic_write(previous, read_bytes(current, "previous import"), what="previous import")
            kept = kept or str(previous)
    return kept


def reset(target: Path) -> bool:
    """Forget the user's import at ``target`` (the shipped snapshot is used again); the
    previous import kept beside it stays. Whether there was one."""
    if kind_of(target) == "missing" and kind_of(record_path(target)) == "missing":
        return False
    with locked(target):
        existed = kind_of(target) != "missing"
        for p in (target, record_path(target)):
            try:
                p.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise FlopcastError(f"cannot remove {p}: {exc.strerror or exc}") from None
    return existed
