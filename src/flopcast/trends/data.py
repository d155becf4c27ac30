"""The models a trend is fitted to: Epoch AI's Notable AI Models (the shipped snapshot, every
domain, or a downloaded CSV), and the selections of them (notable, language, frontier, open,
a developer) within a date window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flopcast.datafiles import data_path, lenient_key, load_toml
from flopcast.errors import FlopcastError
from flopcast.trends.dates import decimal_year

if TYPE_CHECKING:
    from flopcast.epoch import EpochRow

SELECTIONS = ("notable", "language", "frontier", "open")
SPECULATIVE = ("include", "exclude", "weight")


#: Python argument → command-line option, for the inputs messages name.
ARGS = {
    "select": "--select",
    "start": "--from",
    "end": "--to",
    "speculative": "--speculative",
    "top": "--top",
    "data": "--data",
    "resamples": "--resamples",
    "break_at": "--break-at",
    "level": "--when",
    "threshold": "--count-above",
    "until": "--until",
    "simulations": "--simulations",
    "metric": "--metric",
}


def arg(name: str) -> str:
    """An input as the caller names it: ``--from`` on the command line, ``start`` in Python."""
    from flopcast.errors import opt

    return opt(name, ARGS.get(name))


def settings() -> dict[str, Any]:
    return dict(load_toml("trends.toml"))


@dataclass(frozen=True)
class Point:
    """One model with a publication date and a training compute figure."""

    name: str
    organization: str
    published: date
    flop: float
    confidence: str
    domain: str
    open_weights: bool
    frontier: bool  # in the running top N by compute at its release (N of its selection)

    @property
    def t(self) -> float:
        return decimal_year(self.published)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.name,
            "organization": self.organization,
            "published": self.published.isoformat(),
            "training_compute_flop": self.flop,
            "confidence": self.confidence,
        }


def _points(rows: tuple[EpochRow, ...], top: int) -> tuple[Point, ...]:
    """Rows with a date and a compute figure, oldest first, each marked if it was in the top
    ``top`` by compute among the models released up to its date (itself included)."""
    import numpy as np

    usable = sorted(
        (r for r in rows if r.published is not None and r.training_compute),
        key=lambda r: (r.published or date.min, r.model),
    )
    day = np.array([(r.published or date.min).toordinal() for r in usable])
    flop = np.array([r.training_compute or 0.0 for r in usable])
    # larger[i] = models released on or before model i's date with more compute than it
    larger = ((day[None, :] <= day[:, None]) & (flop[None, :] > flop[:, None])).sum(axis=1)
    return tuple(
        Point(
            r.model,
            r.organization,
            r.published or date.min,
            r.training_compute or 0.0,
            r.confidence,
            r.domain,
            bool(r.open_weights),
            bool(k < top),
        )
        for r, k in zip(usable, larger, strict=True)
    )


def snapshot_path() -> Path:
    from flopcast.epoch import settings as epoch_settings

    return data_path(str(epoch_settings()["snapshot"]["file"]))


@cache
def _rows(path: str) -> tuple[EpochRow, ...]:
    from flopcast.epoch import read_epoch_csv

    return read_epoch_csv(path, language_only=False).rows


@cache
def points(data: str | None = None, top: int | None = None) -> tuple[Point, ...]:
    """The models of the shipped snapshot (or of an Epoch AI CSV at ``data``) usable for a
    trend: every domain, with a publication date and a training compute figure. Cached on
    disk by the file's content, so later runs skip parsing the CSV."""
    from flopcast import epoch
    from flopcast.datafiles import validated
    from flopcast.store import check_regular

    n = top if top is not None else int(settings()["frontier"]["top"])
    if not 1 <= n <= 1000:
        raise FlopcastError(f"{arg('top')} {n}: use 1 to 1000")
    path = check_regular(data, arg("data")) if data else snapshot_path()
    inputs = [path, Path(__file__), Path(epoch.__file__)]
    return validated(f"trend-points-top{n}", inputs, lambda: _points(_rows(str(path)), n))


def data_credit(data: str | None = None) -> str:
    from flopcast.epoch import shipped_credit

    if data:
        return f"Epoch AI's AI Models data, read from {Path(data).name}, CC BY 4.0"
    return shipped_credit()


# -- selections --------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """Which models a trend is fitted to."""

    select: str = "notable"
    start: date | None = None
    end: date | None = None
    speculative: str = "include"
    top: int | None = None
    data: str | None = None

    @property
    def first_date(self) -> date | None:
        """The window's start: ``start``, else, on Epoch AI's data, the deep-learning era's
        (``trends.toml`` ``[era]``); a user's own CSV is taken whole."""
        if self.start is not None or self.data is not None:
            return self.start
        return date.fromisoformat(str(settings()["era"]["from"]))

    @property
    def n_top(self) -> int:
        return self.top if self.top is not None else int(settings()["frontier"]["top"])

    def label(self) -> str:
        s = self.select.lower()
        if s == "notable":
            return "notable models (every domain)"
        if s == "language":
            return "notable language models"
        if s == "frontier":
            return f"frontier models (running top {self.n_top})"
        if s == "open":
            return "open-weight notable models"
        return f"notable models by {self.select}"

    def window(self, pts: tuple[Point, ...] = ()) -> str:
        lo = self.first_date or (min(p.published for p in pts) if pts else None)
        hi = self.end or (max(p.published for p in pts) if pts else None)
        return f"{lo.isoformat() if lo else 'the first'} to {hi.isoformat() if hi else 'the last'}"

    def labels_note(self) -> str:
        return {
            "include": "every confidence label included",
            "exclude": "Speculative estimates excluded",
            "weight": "weighted by confidence label",
        }[self.speculative]

    def describe(self, n: int, pts: tuple[Point, ...] = ()) -> str:
        return (
            f"{self.label()} published {self.window(pts)} with a training compute figure, "
            f"{self.labels_note()}: {n} models"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "select": self.select,
            "from": self.first_date.isoformat() if self.first_date else None,
            "to": self.end.isoformat() if self.end else None,
            "speculative": self.speculative,
            "top": self.n_top,
            "data": self.data,
            "label": self.label(),
        }


def _developer_match(query: str, organization: str) -> bool:
    key = lenient_key(query)
    return any(lenient_key(o).startswith(key) for o in organization.split(","))


def selected(sel: Selection, *, window: bool = True, labels: bool = True) -> tuple[Point, ...]:
    """The points of a selection (within its date window, Speculative ones dropped when asked)."""
    if sel.speculative not in SPECULATIVE:
        raise FlopcastError(
            f"{arg('speculative')} {sel.speculative!r}: choose one of {', '.join(SPECULATIVE)}"
        )
    if sel.start and sel.end and sel.start > sel.end:
        raise FlopcastError(
            f"{arg('start')} {sel.start} is after {arg('end')} {sel.end}: "
            "give the earlier date first"
        )
    pts = points(sel.data, sel.top)
    s = sel.select.strip().lower()
    if not s:
        raise FlopcastError(f"{arg('select')} is empty: " + _SELECT_HINT)
    if s == "notable":
        chosen = pts
    elif s == "language":
        chosen = tuple(p for p in pts if "language" in p.domain.lower())
    elif s == "frontier":
        chosen = tuple(p for p in pts if p.frontier)
    elif s == "open":
        chosen = tuple(p for p in pts if p.open_weights)
    else:
        chosen = tuple(p for p in pts if _developer_match(sel.select, p.organization))
        if not chosen:
            raise FlopcastError(f"unknown selection {sel.select!r}: {_SELECT_HINT}")
    if window:
        chosen = tuple(
            p
            for p in chosen
            if (sel.first_date is None or p.published >= sel.first_date)
            and (sel.end is None or p.published <= sel.end)
        )
    if labels and sel.speculative == "exclude":
        chosen = tuple(p for p in chosen if p.confidence.strip().lower() != "speculative")
    return chosen


_SELECT_HINT = (
    "use notable, language, frontier, open, or a developer as Epoch AI names it "
    "(OpenAI, Google DeepMind, Meta AI, Anthropic, DeepSeek, ...)"
)
