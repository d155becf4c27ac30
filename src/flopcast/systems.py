"""The real AI supercomputers: Epoch AI's GPU Clusters dataset, imported with checks, queried.

A dated copy ships with flopcast (``data/gpu_clusters.csv``, described in ``data/systems.toml``);
``flopcast systems --import FILE.csv`` reads a newer download by its column names, rejects rows
that cannot be read, flags rows whose figures disagree, validates the whole file before
replacing anything, and writes the user's copy atomically under a lock, so a failed import
never loses the previous one.

Credit: Epoch AI, "GPU Clusters" dataset, https://epoch.ai/data/gpu-clusters (CC BY 4.0).
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import io
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from flopcast.datafiles import (
    data_path,
    epoch_credit,
    lenient_key,
    load_toml,
    shipped_dataset,
    validated,
)
from flopcast.dates import parse_date
from flopcast.errors import FlopcastError
from flopcast.quantity import SECONDS_PER_DAY

#: Our column → Epoch AI's column names (newest first, in case they are renamed).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("Name",),
    "status": ("Status",),
    "certainty": ("Certainty",),
    "single_cluster": ("Single cluster?",),
    "first_operational": ("First Operational Date",),
    "decommissioned": ("Decommissioned Date (if applicable)",),
    "owner": ("Owner",),
    "users": ("Users",),
    "country": ("Country",),
    "location": ("Location",),
    "sector": ("Sector",),
    "chip": ("Chip type (primary)",),
    "chips": ("Chip quantity (primary)",),
    "chip2": ("Chip type (secondary)",),
    "chips2": ("Chip quantity (secondary)",),
    "total_chips": ("Total number of AI chips",),
    "h100e": ("H100 equivalents",),
    "flops16": ("16-bit OP/s",),
    "max_ops": ("Max OP/s",),
    "power_mw": ("Power Capacity (MW)",),
    "power_reported_mw": ("Reported Power Capacity (MW)",),
    "power_calculated_mw": ("Calculated Power Capacity (MW)",),
    "cost_usd": ("Hardware Cost",),
    "cost_reported_usd": ("Reported Cost",),
    "superseded_by": ("Superseded by",),
    "builds_upon": ("Builds Upon",),
    "possible_duplicate": ("Possible Duplicate",),
    "standard": ("Include in Standard Analysis",),
    "sources": ("Source 1", "Source 2", "Source 3", "Source 4", "Source 5"),
}
REQUIRED = ("name", "status", "first_operational", "h100e")
NUMBERS = (
    "chips", "chips2", "total_chips", "h100e", "flops16", "max_ops", "power_mw",
    "power_reported_mw", "power_calculated_mw", "cost_usd", "cost_reported_usd",
)  # fmt: skip
STATUSES = ("Existing", "Planned", "Decommissioned")
#: H100 8-bit dense peak: Epoch AI's H100-equivalents are Max OP/s / this.
H100_MAX_OPS = 1.979e15
#: Above this share of rejected rows a file is refused as a whole (not GPU clusters data).
MAX_REJECTED_SHARE = 0.2
#: The most rows a file may have (Epoch AI's dataset has under a thousand).
MAX_ROWS = 100_000


@dataclass(frozen=True)
class System:
    """One AI supercomputer of Epoch AI's GPU Clusters dataset."""

    name: str
    status: str
    certainty: str = ""
    single_cluster: str = ""
    first_operational: date | None = None
    decommissioned: date | None = None
    owner: str = ""
    users: str = ""
    country: str = ""
    location: str = ""
    sector: str = ""
    chip: str = ""
    chips: float | None = None
    chip2: str = ""
    chips2: float | None = None
    total_chips: float | None = None
    h100e: float | None = None
    flops16: float | None = None  # 16-bit FLOP/s of all its chips, dense peak
    max_ops: float | None = None
    power_mw: float | None = None
    power_reported_mw: float | None = None
    power_calculated_mw: float | None = None
    cost_usd: float | None = None
    cost_reported_usd: float | None = None
    superseded_by: tuple[str, ...] = ()
    builds_upon: tuple[str, ...] = ()
    possible_duplicate: bool = False
    standard: bool = False
    sources: tuple[str, ...] = ()

    def produces(self, days: float, utilization: float) -> float | None:
        """FLOP over ``days`` at ``utilization`` of its 16-bit peak (None if unknown)."""
        if self.flops16 is None:
            return None
        return self.flops16 * utilization * days * SECONDS_PER_DAY  # C = peak · MFU · t

    @property
    def owners(self) -> tuple[str, ...]:
        return tuple(o.strip() for o in self.owner.split(",") if o.strip())

    def to_record(self) -> dict[str, str]:
        """The system as a row of flopcast's normalized CSV."""
        out: dict[str, str] = {}
        for key in COLUMNS:
            value = getattr(self, key)
            if isinstance(value, tuple):
                out[key] = " ".join(value) if key == "sources" else ",".join(value)
            elif isinstance(value, bool):
                out[key] = "true" if value else ""
            elif isinstance(value, date):
                out[key] = value.isoformat()
            elif isinstance(value, float):
                out[key] = repr(value)
            else:
                out[key] = "" if value is None else str(value)
        return out

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in COLUMNS:
            value = getattr(self, key)
            out[key] = (
                list(value)
                if isinstance(value, tuple)
                else value.isoformat()
                if isinstance(value, date)
                else value
            )
        return out


@dataclass(frozen=True)
class Problem:
    """A row rejected or flagged by the importer, and why."""

    row: int  # 1-based data row of the file (the header is row 0)
    name: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "name": self.name, "reason": self.reason}


@dataclass(frozen=True)
class SystemsImport:
    """What reading a GPU Clusters CSV found."""

    path: str
    rows_read: int
    systems: tuple[System, ...]
    rejected: tuple[Problem, ...]
    flagged: tuple[Problem, ...]
    columns_missing: tuple[str, ...] = ()
    saved_to: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "rows_read": self.rows_read,
            "systems": len(self.systems),
            "rejected": [p.to_dict() for p in self.rejected],
            "flagged": [p.to_dict() for p in self.flagged],
            "columns_missing": list(self.columns_missing),
            "saved_to": self.saved_to,
            "meta": dict(self.meta),
            "credit": credit(self.meta or None),
        }


# --------------------------------------------------------------------------------------
# Reading rows


def _number(text: str) -> float:
    """A non-negative finite number; ValueError otherwise."""
    value = float(text.replace(",", "").replace("$", "").strip())
    if not math.isfinite(value) or value < 0:
        raise ValueError(text)
    return value


def _day(text: str) -> date:
    t = text.strip()
    try:
        return parse_date(t[:10] if len(t) > 10 else t)
    except FlopcastError:
        raise ValueError(text) from None


def _names(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.split(",") if x.strip())


def _truthy(text: str) -> bool:
    return text.strip().lower() in ("true", "yes", "1", "checked")


def parse_row(raw: Mapping[str, str]) -> System:
    """A normalized record → :class:`System`; ValueError with the reason if it cannot be read."""
    name = raw.get("name", "").strip()
    if not name:
        raise ValueError("no name")
    status = raw.get("status", "").strip()
    if status not in STATUSES:
        raise ValueError(f"status {status!r} is not one of {', '.join(STATUSES)}")
    values: dict[str, Any] = {"name": name, "status": status}
    for key in ("first_operational", "decommissioned"):
        text = raw.get(key, "").strip()
        if text:
            try:
                values[key] = _day(text)
            except ValueError:
                raise ValueError(f"{key.replace('_', ' ')} {text!r} is not a date") from None
    for key in NUMBERS:
        text = raw.get(key, "").strip()
        if text:
            try:
                values[key] = _number(text)
            except ValueError:
                raise ValueError(f"{key} {text!r} is not a non-negative number") from None
    for key in ("superseded_by", "builds_upon"):
        values[key] = _names(raw.get(key, ""))
    values["sources"] = tuple(raw.get("sources", "").split())
    for key in ("possible_duplicate", "standard"):
        values[key] = _truthy(raw.get(key, ""))
    for key in ("certainty", "single_cluster", "owner", "users", "country", "location",
                "sector", "chip", "chip2"):  # fmt: skip
        values[key] = " ".join(raw.get(key, "").split())  # one line, single spaces
    return System(**values)


def check_system(s: System) -> list[str]:
    """Reasons to distrust a row whose figures disagree with each other."""
    reasons = []
    chips = s.total_chips or ((s.chips or 0) + (s.chips2 or 0)) or None
    if chips and s.power_calculated_mw:
        watts = s.power_calculated_mw * 1e6 / chips
        if not 50 <= watts <= 5_000:
            reasons.append(f"calculated power is {watts:,.0f} W per chip (expected 50-5,000 W)")
    if chips and s.cost_usd:
        per = s.cost_usd / chips
        if not 100 <= per <= 5e6:  # a Cerebras CS system counts as one chip (~$3.5M)
            reasons.append(f"hardware cost is ${per:,.0f} per chip (expected $100-$5M)")
    if s.h100e and s.max_ops:
        ratio = s.max_ops / H100_MAX_OPS / s.h100e
        if not 0.5 <= ratio <= 2:
            reasons.append(
                f"H100-equivalents {s.h100e:,.0f} disagree with Max OP/s by {ratio:.2g}x"
            )
    if s.first_operational and s.decommissioned and s.decommissioned < s.first_operational:
        reasons.append("decommissioned before it was first operational")
    if s.status == "Existing" and s.first_operational is None:
        reasons.append("existing but no first operational date")
    return reasons


def _pick(header: Iterable[str]) -> tuple[dict[str, list[str]], list[str]]:
    present = set(header)
    chosen: dict[str, list[str]] = {}
    missing = []
    for ours, theirs in COLUMNS.items():
        cols = [c for c in theirs if c in present]
        if ours == "sources" and cols:
            chosen[ours] = cols
        elif cols:
            chosen[ours] = [cols[0]]
        else:
            missing.append(ours)
    return chosen, missing


def read_systems_csv(path: str | Path) -> SystemsImport:
    """Read an Epoch AI GPU Clusters CSV (or flopcast's normalized one), checking every row.

    Raises a one-line error when the file is not such a CSV or too many rows are unreadable;
    otherwise returns the readable systems with the rejected and flagged rows listed.
    """
    from flopcast.store import read_text

    text = read_text(path, "GPU clusters CSV")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    if "name" in header and "h100e" in header:  # flopcast's own normalized CSV
        mapping = {k: [k] for k in COLUMNS if k in header}
        missing = [k for k in COLUMNS if k not in header]
    else:
        mapping, missing = _pick(header)
    absent = [k for k in REQUIRED if k not in mapping]
    if absent:
        names = ", ".join(repr(COLUMNS[k][0]) for k in absent)
        raise FlopcastError(
            f"{path} is not an Epoch AI GPU Clusters CSV: no {names} column "
            "(download it from https://epoch.ai/data/gpu-clusters)"
        )
    systems: list[System] = []
    rejected: list[Problem] = []
    flagged: list[Problem] = []
    seen: set[str] = set()
    count = 0
    try:
        for count, raw in enumerate(reader, 1):
            if count > MAX_ROWS:
                raise FlopcastError(
                    f"{path} has more than {MAX_ROWS:,} rows: not GPU clusters data"
                )
            record = {
                k: " ".join((raw.get(c) or "").strip() for c in cols).strip()
                for k, cols in mapping.items()
            }
            name = record.get("name", "")
            try:
                s = parse_row(record)
            except ValueError as exc:
                rejected.append(Problem(count, name, str(exc)))
                continue
            if lenient_key(s.name) in seen:  # e.g. many "Anonymized Chinese System" rows
                k = 2
                while lenient_key(f"{s.name} #{k}") in seen:
                    k += 1
                s = dataclasses.replace(s, name=f"{s.name} #{k}")
            seen.add(lenient_key(s.name))
            systems.append(s)
            flagged += [Problem(count, s.name, why) for why in check_system(s)]
    except csv.Error as exc:
        raise FlopcastError(f"{path} is not a readable CSV (row {count + 1}: {exc})") from None
    if not systems:
        raise FlopcastError(f"{path}: no readable systems (all {count} rows rejected)")
    if len(rejected) > MAX_REJECTED_SHARE * count:
        raise FlopcastError(
            f"{path}: {len(rejected)} of {count} rows cannot be read (first: row "
            f"{rejected[0].row}, {rejected[0].reason}); nothing was imported"
        )
    return SystemsImport(
        str(path), count, tuple(systems), tuple(rejected), tuple(flagged), tuple(missing)
    )


def write_csv(systems: Iterable[System]) -> str:
    """Systems as flopcast's normalized CSV text."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for s in systems:
        writer.writerow(s.to_record())
    return out.getvalue()


# --------------------------------------------------------------------------------------
# The active dataset: the user's import if there is one, else the shipped snapshot


def settings() -> dict[str, Any]:
    return dict(load_toml("systems.toml"))


def user_copy() -> Path:
    """Where ``flopcast systems --import`` keeps its copy (one JSON file: meta and rows)."""
    from flopcast.epoch import user_data_dir

    return user_data_dir() / "gpu_clusters.json"


def credit(meta: Mapping[str, Any] | None = None) -> str:
    """The attribution line to show wherever this data is used."""
    return epoch_credit(meta or active_meta())


def _shipped_meta() -> dict[str, Any]:
    return shipped_dataset(settings()["clusters"])


@cache
def _active() -> tuple[dict[str, Any], tuple[System, ...]]:
    from flopcast.store import read_json

    user = user_copy()
    if user.exists():
        data = read_json(user, "imported GPU clusters")
        try:
            rows = tuple(parse_row(r) for r in data["rows"])
            return dict(data["meta"]), rows
        except (KeyError, TypeError, ValueError) as exc:
            raise FlopcastError(
                f"the imported GPU clusters data {str(user)!r} is damaged ({exc}): import the "
                "CSV again, or run 'flopcast systems --reset' to use the shipped snapshot"
            ) from None
    path = data_path(settings()["clusters"]["file"])
    systems = validated(  # parsed once, then loaded from the cache
        "gpu_clusters", (path, Path(__file__)), lambda: read_systems_csv(path).systems
    )
    return _shipped_meta(), systems


def active_meta() -> dict[str, Any]:
    return _active()[0]


def all_systems() -> tuple[System, ...]:
    """Every system of the active dataset (user import, else the shipped snapshot)."""
    return _active()[1]


def import_csv(
    path: str | Path, *, snapshot: str | None = None, output: Path | None = None
) -> SystemsImport:
    """Import a GPU Clusters CSV for this user. The whole file is validated first; the copy is
    replaced atomically under a lock, so a failure leaves the previous import as it was."""
    from flopcast.store import atomic_write_json, locked

    result = read_systems_csv(path)
    dates = [s.first_operational for s in result.systems if s.first_operational]
    meta = {
        "dataset": "GPU Clusters",
        "snapshot": snapshot or (max(dates).isoformat()[:7] if dates else "?"),
        "url": settings()["clusters"]["url"],
        "license": "CC BY 4.0",
        "file": Path(path).name,
        "origin": f"imported from {Path(path).name}",
        "rows": len(result.systems),
    }
    target = output or user_copy()
    with locked(target):
        atomic_write_json(
            target,
            {"meta": meta, "rows": [s.to_record() for s in result.systems]},
            what="imported GPU clusters",
        )
    _active.cache_clear()
    return SystemsImport(
        result.path, result.rows_read, result.systems, result.rejected, result.flagged,
        result.columns_missing, str(target), meta,
    )  # fmt: skip


#: The public name of :func:`import_csv` (``flopcast.import_systems``).
import_systems = import_csv


def reset() -> bool:
    """Forget the user's import (the shipped snapshot is used again)."""
    from flopcast.store import locked

    user = user_copy()
    existed = user.exists()
    if existed:
        with locked(user):
            user.unlink()
    _active.cache_clear()
    return existed


# --------------------------------------------------------------------------------------
# Looking systems up


def system(name: str) -> System:
    """A system by name, leniently (``colossus phase 2``, ``Meta 100k``)."""
    key = lenient_key(name)
    every = all_systems()
    for s in every:
        if lenient_key(s.name) == key:
            return s
    partial = [s for s in every if key and key in lenient_key(s.name)]
    if len(partial) == 1:
        return partial[0]
    names = [s.name for s in every]
    close = [s.name for s in partial[:4]] or difflib.get_close_matches(name, names, n=4, cutoff=0.5)
    hint = f"did you mean {'; '.join(close)}? " if close else ""
    raise FlopcastError(
        f"unknown system {name!r}: {hint}run 'flopcast systems' to list the largest"
    )
