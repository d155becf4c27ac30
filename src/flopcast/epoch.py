"""Epoch AI's AI Models database: import, validation, and its models usable by name.

Epoch AI publishes its Notable / Large-scale / All AI Models datasets as CSV under CC BY 4.0.
flopcast reads them by column name (the columns differ between versions), normalizes them to
a small CSV of its own, and reports rows whose figures look wrong instead of trusting them.
A dated snapshot of the whole Notable AI Models dataset ships with flopcast
(``data/epoch_notable.csv``, described in ``data/epoch.toml``): its language models are the
default reference for the frontier and for models by name, and every domain feeds the trends
(:mod:`flopcast.trends`); ``flopcast epoch import FILE.csv`` replaces the language models with
a newer download.

Credit: Epoch AI, "Notable AI Models" dataset, https://epoch.ai/data/notable-ai-models.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flopcast.conventions import FLOP_PER_PARAM_TOKEN
from flopcast.datafiles import (
    SHIPPED,
    data_path,
    epoch_credit,
    lenient_key,
    load_toml,
    shipped_dataset,
    validated,
)
from flopcast.errors import FlopcastError
from flopcast.figures import Figure, Model
from flopcast.quantity import Kind, Quantity
from flopcast.store import atomic_write, atomic_write_json, decode_text, read_bytes

#: Our column → Epoch's column names, newest first (they were renamed between versions).
COLUMNS: dict[str, tuple[str, ...]] = {
    "model": ("Model", "System"),
    "organization": ("Organization",),
    "published": ("Publication date",),
    "domain": ("Domain",),
    "parameters": ("Parameters",),
    "parameters_notes": ("Parameters notes",),
    "training_compute": ("Training compute (FLOP)",),
    "training_compute_notes": ("Training compute notes",),
    "tokens": (
        "Training dataset size (total)",
        "Training dataset size (gradients)",
        "Training dataset size (datapoints)",
    ),
    "confidence": ("Confidence",),
    "hardware": ("Training hardware",),
    "hardware_quantity": ("Hardware quantity",),
    "training_time_hours": ("Training time (hours)",),
    "utilization": ("Hardware utilization (MFU)", "Hardware utilization"),
    "open_weights": ("Open model weights?",),
    "accessibility": ("Model accessibility",),
    "frontier": ("Frontier model",),
    "link": ("Link",),
    "base_model": ("Base model",),
}
REQUIRED = ("model", "published", "training_compute")

#: How far apart two figures may be before a row is reported as suspicious.
SUSPICIOUS_FACTOR = 3.0


@dataclass(frozen=True)
class EpochRow:
    """One model of Epoch AI's dataset, normalized (numbers as floats, None when blank)."""

    model: str
    organization: str
    published: date | None
    domain: str
    parameters: float | None
    training_compute: float | None
    tokens: float | None
    confidence: str
    hardware: str
    hardware_quantity: float | None
    training_time_hours: float | None
    utilization: float | None
    open_weights: bool | None
    frontier: bool
    link: str
    parameters_notes: str = ""
    training_compute_notes: str = ""
    base_model: str = ""

    def to_record(self) -> dict[str, str]:
        """The row as flopcast's normalized CSV record."""

        def num(x: float | None) -> str:
            return "" if x is None else repr(x)

        return {
            "model": self.model,
            "organization": self.organization,
            "published": "" if self.published is None else self.published.isoformat(),
            "domain": self.domain,
            "parameters": num(self.parameters),
            "parameters_notes": self.parameters_notes,
            "training_compute": num(self.training_compute),
            "training_compute_notes": self.training_compute_notes,
            "tokens": num(self.tokens),
            "confidence": self.confidence,
            "hardware": self.hardware,
            "hardware_quantity": num(self.hardware_quantity),
            "training_time_hours": num(self.training_time_hours),
            "utilization": num(self.utilization),
            "open_weights": "" if self.open_weights is None else str(self.open_weights).lower(),
            "frontier": str(self.frontier).lower(),
            "link": self.link,
            "base_model": self.base_model,
        }


@dataclass(frozen=True)
class Suspicion:
    """A row whose figures disagree with each other, and why."""

    model: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"model": self.model, "reason": self.reason}


@dataclass(frozen=True)
class EpochImport:
    """The result of reading an Epoch AI CSV."""

    path: str
    rows_read: int
    rows: tuple[EpochRow, ...]
    suspicious: tuple[Suspicion, ...]
    columns_missing: tuple[str, ...] = ()
    skipped: tuple[Suspicion, ...] = ()
    saved_to: str | None = None
    #: Lines that could not be read whole (cut off, or with too many fields): dropped.
    malformed: tuple[Suspicion, ...] = ()
    #: Number cells that are not numbers, by column: (how many, the first one), blanked.
    unreadable: dict[str, tuple[int, str]] = field(default_factory=dict)
    #: Number cells that are numbers, by column.
    readable: dict[str, int] = field(default_factory=dict)

    def problems(self) -> list[str]:
        """Reasons not to trust the file as a whole: rows cut off, a number column of text."""
        out = []
        if self.malformed:
            first = self.malformed[0]
            out.append(
                f"{len(self.malformed)} line(s) cannot be read whole ({first.model}: "
                f"{first.reason})"
            )
        for column, (count, example) in self.unreadable.items():
            if count > self.readable.get(column, 0):
                out.append(
                    f"column {column!r} is mostly not numbers ({count:,} cells, e.g. {example})"
                )
        if self.rows and "training_compute" not in self.readable:
            out.append("no model has a training compute figure")
        return out

    def dropped(self) -> list[str]:
        """What the import leaves out, in words (for the report)."""
        out = [f"{s.model}: {s.reason}" for s in self.malformed]
        out += [
            f"{count:,} {column} cell(s) that are not numbers, e.g. {example}: left blank"
            for column, (count, example) in self.unreadable.items()
        ]
        out += [f"{s.model}: {s.reason}" for s in self.skipped]
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "rows_read": self.rows_read,
            "models": len(self.rows),
            "suspicious": [s.to_dict() for s in self.suspicious],
            "skipped": [s.to_dict() for s in self.skipped],
            "malformed": [s.to_dict() for s in self.malformed],
            "unreadable": {k: {"cells": n, "first": e} for k, (n, e) in self.unreadable.items()},
            "dropped": self.dropped(),
            "columns_missing": list(self.columns_missing),
            "saved_to": self.saved_to,
            "credit": credit(),
        }


def _float(text: str) -> float | None:
    return _number(text)[0]


def _number(text: str) -> tuple[float | None, bool]:
    """A cell as a positive finite number (None when blank, zero or negative), and whether it
    was unreadable (text, or not a finite number)."""
    text = (text or "").strip().replace(",", "")
    if not text:
        return None, False
    try:
        value = float(text)
    except ValueError:
        return None, True
    if not math.isfinite(value):
        return None, True
    return (value if value > 0 else None), False


def _date(text: str) -> date | None:
    text = (text or "").strip()
    for form in (text, text[:10]):
        try:
            return date.fromisoformat(form)
        except ValueError:
            continue
    if re.fullmatch(r"\d{4}", text):
        return date(int(text), 7, 1)  # a bare year: mid-year
    return None


def _bool(text: str) -> bool | None:
    t = (text or "").strip().lower()
    if t in ("yes", "true", "1"):
        return True
    if t in ("no", "false", "0"):
        return False
    return None


# Numbers in notes: "405B", "70 billion", "6.7e10", "3.8 × 10^25", "1.2E+24".
_NOTE_NUMBER = re.compile(
    r"(?P<m>\d+(?:\.\d+)?)\s*(?:(?:[x×*]\s*10\s*\^\s*(?P<p>[+-]?\d+))|(?:[eE](?P<e>[+-]?\d+))|"
    r"\s*(?P<w>billion|million|trillion|[BMT])\b)"
)
_WORD = {"billion": 1e9, "million": 1e6, "trillion": 1e12, "b": 1e9, "m": 1e6, "t": 1e12}


def note_numbers(text: str) -> list[float]:
    """The magnitudes written in a free-text note."""
    out = []
    for m in _NOTE_NUMBER.finditer(text or ""):
        exponent = m.group("p") if m.group("p") is not None else m.group("e")
        if exponent is not None:
            if len(exponent.lstrip("+-")) > 4:  # 10^99999: not a figure anyone meant
                continue
            value = float(f"{m.group('m')}e{exponent}")
        elif m.group("w"):
            value = float(m.group("m")) * _WORD[m.group("w").lower()]
        else:
            continue
        if math.isfinite(value) and value > 0:
            out.append(value)
    return out


def _near(x: float, candidates: Iterable[float], factor: float) -> bool:
    return any(c > 0 and 1 / factor <= x / c <= factor for c in candidates)


_SPARSE_WORDS = ("activ", "mixture", "moe", "expert", "sparse")
#: Words saying a note's parameter count is a part of the model (active, or trained on top).
_PART_WORDS = (*_SPARSE_WORDS, "trainable", "lora", "adapter")


@dataclass(frozen=True)
class Flag:
    """A reason to distrust a row, and the one figure it blames when it can tell.

    ``figure`` is ``"parameters"`` or ``"training_compute"`` when the check points at that
    figure, None when several could be wrong (6·N·D against the compute). ``corrected`` is
    the figure the row's own notes give when the row's value is off by a power of 1000 (a
    unit slip, e.g. 2.84e8 where the notes say 284B).
    """

    reason: str
    figure: str | None = None
    corrected: float | None = None


def _unit_slip(x: float, stated: Iterable[float]) -> float | None:
    """The stated figure that ``x`` equals up to a factor of 1000, 10^6 or 10^9, if any."""
    for c in stated:
        exponent = math.log10(c / x)
        if round(exponent) in (-9, -6, -3, 3, 6, 9) and abs(exponent - round(exponent)) < 0.005:
            return c
    return None


def row_flags(row: EpochRow) -> list[Flag]:
    """Reasons to distrust a row: figures that disagree with each other by more than 3x."""
    flags = []
    f = SUSPICIOUS_FACTOR
    notes = f"{row.parameters_notes} {row.training_compute_notes}".lower()
    if row.parameters and row.tokens and row.training_compute:
        six_nd = FLOP_PER_PARAM_TOKEN * row.parameters * row.tokens
        ratio = six_nd / row.training_compute
        sparse = any(w in notes for w in _SPARSE_WORDS)
        finetune = bool(row.base_model) or any(
            w in notes for w in ("fine-tun", "finetun", "base model", "continued pre")
        )
        if ratio > f and not sparse:
            flags.append(
                Flag(
                    f"6·N·D = {six_nd:.3g} is {ratio:.0f}x the stated compute "
                    f"{row.training_compute:.3g}"
                )
            )
        elif ratio < 1 / f and not finetune:
            flags.append(
                Flag(
                    f"6·N·D = {six_nd:.3g} is {1 / ratio:.0f}x below the stated compute "
                    f"{row.training_compute:.3g}"
                )
            )
    if row.parameters:
        stated = [x for x in note_numbers(row.parameters_notes) if 1e5 <= x <= 1e14]
        # a total above every count in notes that speak of active or trainable parameters
        # is the whole model, not a disagreement (2T total, "288B active")
        part = row.parameters >= max(stated, default=math.inf) and any(
            w in row.parameters_notes.lower() for w in _PART_WORDS
        )
        if stated and not part and not _near(row.parameters, stated, f):
            slip = _unit_slip(row.parameters, stated)
            reason = (
                f"parameters {row.parameters:.3g} disagree with the notes' "
                f"{', '.join(f'{x:.3g}' for x in stated[:3])}"
            )
            if slip is not None:
                reason += f" (a unit slip: the notes say {slip:.3g})"
            flags.append(Flag(reason, "parameters", slip))
    if row.training_compute:
        stated = [x for x in note_numbers(row.training_compute_notes) if x >= 1e15]
        if stated and not _near(row.training_compute, stated, f):
            flags.append(
                Flag(
                    f"compute {row.training_compute:.3g} appears nowhere within 3x in its notes "
                    f"(largest there: {max(stated):.3g})",
                    "training_compute",
                )
            )
    return flags


def check_row(row: EpochRow) -> list[str]:
    """Reasons to distrust a row (see :func:`row_flags`)."""
    return [flag.reason for flag in row_flags(row)]


def _pick(header: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    present = set(header)
    chosen: dict[str, str] = {}
    missing = []
    for ours, theirs in COLUMNS.items():
        col = next((c for c in theirs if c in present), None)
        if col is None:
            missing.append(ours)
        else:
            chosen[ours] = col
    return chosen, missing


#: The largest CSV read (Epoch AI's whole database is ~10 MB).
MAX_CSV_BYTES = 64 * 1024 * 1024
#: The longest cell (notes run to a few thousand characters).
MAX_FIELD = 1_000_000
_NUMBER_COLUMNS = (
    "parameters",
    "training_compute",
    "tokens",
    "hardware_quantity",
    "training_time_hours",
    "utilization",
)


def read_epoch_csv(path: str | Path, *, language_only: bool = True) -> EpochImport:
    """Read an Epoch AI models CSV (or flopcast's normalized one) by its column names.

    The file must be a regular UTF-8 file (a byte-order mark is fine) of at most
    :data:`MAX_CSV_BYTES`. Lines that cannot be read whole (a file cut off mid-row) and number
    cells that are not numbers are not guessed at: they are listed in the result
    (``malformed``, ``unreadable``) and :meth:`EpochImport.problems` says whether the file as
    a whole can be trusted.
    """
    data = read_bytes(path, "Epoch AI CSV", MAX_CSV_BYTES)
    return parse_epoch_csv(data, str(path), language_only=language_only)


def parse_epoch_csv(data: bytes, source: str, *, language_only: bool = True) -> EpochImport:
    """:func:`read_epoch_csv` of bytes already read (``source`` names them in messages)."""
    text = decode_text(data, f"Epoch AI CSV {source!r}")
    limit = csv.field_size_limit()
    csv.field_size_limit(MAX_FIELD)
    try:
        return _parse(text, source, language_only)
    finally:
        csv.field_size_limit(limit)


def _parse(text: str, source: str, language_only: bool) -> EpochImport:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise FlopcastError(f"{source} is empty: download an Epoch AI models CSV") from None
    except csv.Error as exc:
        raise FlopcastError(f"{source} line 1 cannot be read as CSV: {exc}") from None
    normalized = "training_compute" in header and "model" in header
    if normalized:
        mapping = {k: k for k in COLUMNS if k in header}
        missing = [k for k in COLUMNS if k not in header]
    else:
        mapping, missing = _pick(header)
    absent = [k for k in REQUIRED if k not in mapping]
    if absent:
        names = ", ".join(repr(COLUMNS[k][0]) for k in absent)
        raise FlopcastError(
            f"{source} is not an Epoch AI models CSV: no {names} column "
            "(download one from https://epoch.ai/data/ai-models)"
        )
    index = {name: i for i, name in reversed(list(enumerate(header)))}
    where = {ours: index[theirs] for ours, theirs in mapping.items()}
    rows: list[EpochRow] = []
    suspicious: list[Suspicion] = []
    skipped: list[Suspicion] = []
    malformed: list[Suspicion] = []
    unreadable: dict[str, tuple[int, str]] = {}
    readable: dict[str, int] = {}
    count = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # an unterminated quote, a NUL byte, a field too long
            malformed.append(Suspicion(f"line {reader.line_num}", f"not valid CSV ({exc})"))
            break
        if not any(f.strip() for f in fields):
            continue  # a blank line
        count += 1
        if len(fields) != len(header):
            malformed.append(
                Suspicion(
                    f"line {reader.line_num}",
                    f"{len(fields)} fields where the header has {len(header)} (cut off?)",
                )
            )
            continue

        def get(key: str, fields: list[str] = fields) -> str:
            i = where.get(key)
            return fields[i].strip() if i is not None else ""

        if language_only and "language" not in get("domain").lower():
            continue
        name = get("model")
        if not name:
            continue
        published = _date(get("published"))
        if published is None:
            skipped.append(Suspicion(name, "no publication date"))
            continue
        numbers: dict[str, float | None] = {}
        for key in _NUMBER_COLUMNS:
            value, bad = _number(get(key))
            numbers[key] = value
            if bad:
                n, first = unreadable.get(key, (0, ""))
                unreadable[key] = (n + 1, first or f"{get(key)[:40]!r} on line {reader.line_num}")
            elif value is not None:
                readable[key] = readable.get(key, 0) + 1
        util = numbers["utilization"]
        open_flag = (
            _bool(get("open_weights"))
            if get("open_weights")
            else ("open weights" in get("accessibility").lower() or None)
        )
        row = EpochRow(
            model=name,
            organization=get("organization"),
            published=published,
            domain=get("domain"),
            parameters=numbers["parameters"],
            training_compute=numbers["training_compute"],
            tokens=numbers["tokens"],
            confidence=get("confidence"),
            hardware=get("hardware"),
            hardware_quantity=numbers["hardware_quantity"],
            training_time_hours=numbers["training_time_hours"],
            utilization=None if util is None else (util / 100 if util > 1 else util),
            open_weights=open_flag,
            frontier=_bool(get("frontier")) is True,
            link=get("link").split(",")[0].strip(),
            parameters_notes=get("parameters_notes"),
            training_compute_notes=get("training_compute_notes"),
            base_model=get("base_model"),
        )
        rows.append(row)
        suspicious += [Suspicion(name, why) for why in check_row(row)]
    return EpochImport(
        source,
        count,
        tuple(rows),
        tuple(suspicious),
        tuple(missing),
        tuple(skipped),
        malformed=tuple(malformed),
        unreadable=unreadable,
        readable=readable,
    )


def normalized_csv(rows: Iterable[EpochRow]) -> bytes:
    """Rows as flopcast's normalized CSV (UTF-8)."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row.to_record())
    return out.getvalue().encode("utf-8")


def write_normalized(rows: Iterable[EpochRow], path: Path, meta: Mapping[str, Any]) -> None:
    """Write rows as flopcast's normalized CSV with its JSON record, each atomically."""
    atomic_write(path, normalized_csv(rows), what="Epoch AI dataset")
    atomic_write_json(path.with_suffix(".json"), dict(meta), what="Epoch AI dataset record")


# --------------------------------------------------------------------------------------
# The active dataset: the user's import if there is one, else the shipped snapshot.


def user_data_dir() -> Path:
    """Where ``flopcast epoch import`` keeps its copy: $FLOPCAST_DATA_DIR, else XDG data."""
    explicit = os.environ.get("FLOPCAST_DATA_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "flopcast"


def user_snapshot() -> Path:
    return user_data_dir() / "epoch_models.csv"


def settings() -> dict[str, Any]:
    return dict(load_toml("epoch.toml"))


def credit(meta: Mapping[str, Any] | None = None) -> str:
    """The attribution line to show wherever Epoch AI's data is used (by default, of the
    dataset in use: the user's import, else the shipped snapshot)."""
    return epoch_credit(meta or active_meta())


def shipped_credit() -> str:
    """The attribution line of the snapshot flopcast ships (the catalog's Epoch AI figures)."""
    return epoch_credit(shipped_dataset(settings()["snapshot"]))


def active_meta() -> dict[str, Any]:
    """The record of the Epoch AI dataset in use (``origin`` says which)."""
    return dict(_active().meta)


@cache
def _active() -> Any:
    from flopcast.epoch_store import load_active

    return load_active(_format(), user_snapshot())


def _format() -> Any:
    """What :mod:`flopcast.epoch_store` needs of this module (it does not import it back)."""
    from flopcast.epoch_store import Format

    def shipped() -> tuple[dict[str, Any], tuple[EpochRow, ...]]:
        s = settings()["snapshot"]
        meta = shipped_dataset(s)
        path = data_path(s["file"])
        rows = validated(
            "epoch-rows", _shipped_inputs(), lambda: read_epoch_csv(path, language_only=True).rows
        )
        return meta, rows

    return Format(
        parse=lambda data, source, language_only: parse_epoch_csv(
            data, source, language_only=language_only
        ),
        render=normalized_csv,
        shipped=shipped,
        url=str(settings()["snapshot"]["url"]),
        max_bytes=MAX_CSV_BYTES,
    )


def epoch_rows() -> tuple[EpochRow, ...]:
    """The active Epoch AI language models (user import, else the shipped snapshot)."""
    rows: tuple[EpochRow, ...] = _active().rows
    return rows


def confidence_factor(label: str) -> float | None:
    """The 90% factor band Epoch AI's documentation gives a confidence label (None if none)."""
    bands: dict[str, float] = settings()["confidence"]
    return bands.get(label.strip().lower()) if label else None


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9.]+", "-", name.lower()).strip("-")
    return f"epoch:{slug}"


def as_model(row: EpochRow, meta: Mapping[str, Any] | None = None) -> Model:
    """An Epoch AI row as a catalog :class:`Model` whose figures cite Epoch AI."""
    meta = meta or active_meta()
    source = str(meta.get("url", "https://epoch.ai/data/notable-ai-models"))
    snap = f"Epoch AI {meta.get('dataset', '')}, snapshot {meta.get('snapshot', '')}".strip()
    figures: dict[str, Figure] = {}

    def add(name: str, value: float | None, kind: Kind, unit: str, note: str = "") -> None:
        if value is None:
            return
        figures[name] = Figure(
            name, f"{value:g}", source, "Epoch AI", "compiled", Quantity(value, unit=unit),
            kind, note or snap,
        )  # fmt: skip

    # A figure a sanity check blames is corrected when the row's own notes give it (a unit
    # slip), and otherwise left out: a flagged figure is never used as the model's figure.
    parameters, compute = row.parameters, row.training_compute
    params_note, flagged = row.parameters_notes[:300], []
    for flag in row_flags(row):
        if flag.figure == "parameters" and flag.corrected is not None:
            parameters = flag.corrected
            params_note = (
                f"corrected from Epoch AI's {row.parameters:.3g}, a unit slip: its notes say "
                f"{flag.corrected:.3g} ({row.parameters_notes[:200]})"
            )
            flagged.append(f"{flag.reason}; corrected")
        elif flag.figure == "parameters":
            parameters = None
            flagged.append(f"{flag.reason}; the parameter count is not used")
        elif flag.figure == "training_compute":
            compute = None
            flagged.append(f"{flag.reason}; the compute figure is not used")
        else:
            flagged.append(flag.reason)

    add("total_params", parameters, Kind.COUNT, "params", params_note)
    add("training_tokens", row.tokens, Kind.COUNT, "tokens")
    add("accelerator_count", row.hardware_quantity, Kind.COUNT, "accelerators")
    if row.hardware_quantity and row.training_time_hours:
        add(
            "accelerator_hours",
            row.hardware_quantity * row.training_time_hours,
            Kind.COUNT,
            "accelerator-hours",
            "hardware quantity × training time (hours), as listed by Epoch AI",
        )
    if compute is not None:
        factor = confidence_factor(row.confidence)
        assumed = factor is None
        factor = factor or float(settings()["unlabelled_factor"])
        c = compute
        label = row.confidence or "no label"
        notes = f"; notes: {row.training_compute_notes[:300]}" if row.training_compute_notes else ""
        figures["training_compute"] = Figure(
            "training_compute",
            f"{c:.4g}~{factor:g}x",
            source,
            "Epoch AI",
            "estimated",
            Quantity(c, c / factor, c * factor, "FLOP"),
            Kind.FLOP,
            f"{snap}; confidence {label}"
            + (f" (band assumed ~{factor:g}x)" if assumed else "")
            + notes,
            row.confidence if row.confidence in ("Confident", "Likely", "Speculative") else None,
        )
    if row.hardware:
        figures["training_hardware"] = Figure(
            "training_hardware", row.hardware, source, "Epoch AI", "compiled", note=snap
        )
    return Model(
        id=_slug(row.model),
        name=row.model,
        aliases=(),
        developer=row.organization or "unknown",
        family="epoch",
        released=row.published or date(1970, 1, 1),
        open_weights=bool(row.open_weights),
        notes=f"From {credit(meta)}."
        + "".join(f" Flagged by flopcast's sanity check: {why}." for why in flagged),
        figures=figures,
    )


def _shipped_inputs() -> tuple[Path, ...]:
    """What the shipped dataset's cached values are derived from: its CSV and its settings."""
    return data_path(str(settings()["snapshot"]["file"])), data_path("epoch.toml")


@cache
def epoch_models() -> tuple[Model, ...]:
    """The active Epoch AI language models as catalog models (those of the shipped dataset
    cached on disk by its content, so later runs skip building them)."""
    meta = active_meta()

    def build() -> tuple[Model, ...]:
        return tuple(as_model(r, meta) for r in epoch_rows())

    if meta.get("origin") == SHIPPED:
        return validated("epoch-models", _shipped_inputs(), build)
    return build()


@cache
def epoch_index() -> dict[str, tuple[Model, ...]]:
    """Epoch AI's models by folded name (the catalog decides which of them it lacks)."""
    index: dict[str, list[Model]] = {}
    for m in epoch_models():
        index.setdefault(lenient_key(m.name), []).append(m)
    return {k: tuple(v) for k, v in index.items()}


def _clear() -> None:
    """Forget the active dataset and what was derived from it (after an import or a reset)."""
    import sys

    _active.cache_clear()
    epoch_models.cache_clear()
    epoch_index.cache_clear()
    frontier = sys.modules.get("flopcast.frontiers")
    if frontier is not None:
        frontier.candidates.cache_clear()


def import_csv(
    path: str | Path,
    *,
    snapshot: str | None = None,
    dataset: str = "Notable AI Models",
    output: Path | None = None,
    force: bool = False,
) -> ImportSummary:
    """Import an Epoch AI CSV so its language models are usable by name (see
    :func:`flopcast.epoch_store.import_csv`: checked in full first, written atomically under a
    lock, the previous import kept beside it)."""
    from flopcast.epoch_store import import_csv as store_import

    target = output or user_snapshot()
    try:
        return store_import(
            _format(), path, target, snapshot=snapshot, dataset=dataset, force=force
        )
    finally:
        _clear()


def reset() -> bool:
    """Forget the user's import (the shipped snapshot is used again)."""
    from flopcast.epoch_store import reset as store_reset

    try:
        return store_reset(user_snapshot())
    finally:
        _clear()


if TYPE_CHECKING:
    from flopcast.epoch_store import ImportSummary
