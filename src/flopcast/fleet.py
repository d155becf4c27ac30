"""Which AI supercomputers existed at a date: the largest, by owner or chip, and where a model's
training run sits among its developer's systems (Epoch AI's GPU Clusters data, see
:mod:`flopcast.systems`).

A system exists at a date when it was first operational by then, was not yet decommissioned,
and was not yet superseded by a later phase of itself that was operational by then.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from flopcast.datafiles import lenient_key
from flopcast.dates import parse_date
from flopcast.errors import FlopcastError, opt
from flopcast.hardware import Accelerator
from flopcast.quantity import fmt_si
from flopcast.systems import System, all_systems, credit


def scenario() -> tuple[float, float]:
    """The (days, utilization) each system is shown producing: the typical frontier run of
    ``data/defaults.toml`` (90 days at 40%)."""
    from flopcast.defaults import section

    tc = section("typical_cluster")
    return float(tc["days"]), float(tc["utilization"])


def existing_at(at: date, systems: tuple[System, ...] | None = None) -> list[System]:
    """The systems that existed at ``at`` (later phases replace earlier ones)."""
    every = systems if systems is not None else all_systems()
    started = {lenient_key(s.name): s.first_operational for s in every}

    def superseded(s: System) -> bool:
        return any(
            (d := started.get(lenient_key(n))) is not None and d <= at for n in s.superseded_by
        )

    return [
        s
        for s in every
        if s.status != "Planned"
        and s.first_operational is not None
        and s.first_operational <= at
        and (s.decommissioned is None or s.decommissioned > at)
        and not superseded(s)
    ]


def _size(s: System) -> float:
    return s.h100e if s.h100e is not None else -1.0


def owner_matches(owner: str, s: System) -> bool:
    """Whether ``owner`` (a developer or company) is one of the system's owners, leniently:
    ``Meta`` matches ``Meta AI``; ``Google DeepMind`` matches ``Google``."""
    key = lenient_key(owner)
    if not key:
        return False
    return any(
        (k := lenient_key(o)) and (key == k or key.startswith(k) or k.startswith(key))
        for o in s.owners
    )


def chip_matches(chip: str, s: System) -> bool:
    """Whether the system's primary or secondary chip is ``chip`` (``h100``, ``GB200``)."""
    key = lenient_key(chip)
    return bool(key) and any(key in lenient_key(c) for c in (s.chip, s.chip2) if c)


@dataclass(frozen=True)
class SystemsAt:
    """The largest systems that existed at a date, with the filters used."""

    at: date
    systems: tuple[System, ...]
    owner: str | None
    chip: str | None
    excluded: dict[str, int]  # why -> how many existing systems were left out
    days: float
    utilization: float
    meta_credit: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "owner": self.owner,
            "chip": self.chip,
            "excluded": dict(self.excluded),
            "scenario": {"days": self.days, "utilization": self.utilization},
            "systems": [
                {
                    **s.to_dict(),
                    "produces_flop": s.produces(self.days, self.utilization),
                }
                for s in self.systems
            ],
            "credit": self.meta_credit,
        }


def largest(
    at: date | str | None = None,
    *,
    top: int = 10,
    owner: str | None = None,
    chip: str | None = None,
    include_uncertain: bool = False,
) -> SystemsAt:
    """The ``top`` largest systems (by H100-equivalents) existing at ``at`` (default today).

    Rows Epoch AI marks 'Unlikely' or as possible duplicates are left out unless
    ``include_uncertain``; the result says how many.
    """
    if top < 1:
        raise FlopcastError(f"{opt('top')} {top}: give a positive number of systems")
    when = parse_date(at, opt("at"))
    chosen = existing_at(when)
    if owner:
        chosen = [s for s in chosen if owner_matches(owner, s)]
    if chip:
        chosen = [s for s in chosen if chip_matches(chip, s)]
    excluded: dict[str, int] = {}
    if not include_uncertain:
        unlikely = [s for s in chosen if s.certainty.lower() == "unlikely"]
        duplicates = [s for s in chosen if s.possible_duplicate and s not in unlikely]
        if unlikely:
            excluded["rated 'Unlikely'"] = len(unlikely)
        if duplicates:
            excluded["possible duplicates"] = len(duplicates)
        chosen = [s for s in chosen if s not in unlikely and s not in duplicates]
    chosen.sort(key=lambda s: (-_size(s), s.name))
    days, utilization = scenario()
    return SystemsAt(when, tuple(chosen[:top]), owner, chip, excluded, days, utilization, credit())


#: The public name of :func:`largest` (``flopcast.largest_systems``).
largest_systems = largest


@dataclass(frozen=True)
class Group:
    """Totals of the systems of one owner or chip existing at a date."""

    key: str
    systems: int
    h100e: float
    power_mw: float
    largest: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "systems": self.systems,
            "h100e": self.h100e,
            "power_mw": self.power_mw,
            "largest": self.largest,
        }


def grouped(at: date | str | None, by: str, *, top: int = 10) -> tuple[date, list[Group]]:
    """Existing systems at a date summed by ``owner`` or ``chip`` (largest totals first)."""
    if by not in ("owner", "chip"):
        raise FlopcastError(f"{opt('by')} {by!r}: use owner or chip")
    when = parse_date(at, opt("at"))
    groups: dict[str, list[System]] = defaultdict(list)
    for s in existing_at(when):
        if s.certainty.lower() == "unlikely" or s.possible_duplicate:
            continue
        keys = s.owners if by == "owner" else ((s.chip,) if s.chip else ())
        for k in keys or ("(unknown)",):
            groups[k].append(s)
    out = [
        Group(
            k,
            len(v),
            sum(s.h100e or 0 for s in v),
            sum(s.power_mw or 0 for s in v),
            max(v, key=_size).name,
        )
        for k, v in groups.items()
    ]
    out.sort(key=lambda g: (-g.h100e, g.key))
    return when, out[:top]


# --------------------------------------------------------------------------------------
# A model's run among its developer's systems


@dataclass(frozen=True)
class Placement:
    """A training run's accelerators against the largest system of the same chip its
    developer had when the model was released."""

    accelerators: float
    chip: str
    system: System | None
    share: float | None
    at: date
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "accelerators": self.accelerators,
            "chip": self.chip,
            "system": None if self.system is None else self.system.name,
            "system_chips": None if self.system is None else self.system.chips,
            "system_first_operational": (
                None
                if self.system is None or self.system.first_operational is None
                else self.system.first_operational.isoformat()
            ),
            "share": self.share,
            "at": self.at.isoformat(),
            "text": self.text,
        }


def short_chip_name(name: str) -> str:
    """``NVIDIA H100 SXM5 80GB`` → ``H100``; ``Google TPU v4`` → ``TPU v4``."""
    noise = ("nvidia", "amd", "google", "cloud", "intel", "aws", "amazon", "instinct", "tesla")
    words = [w for w in name.split() if w.lower() not in noise]
    if len(words) >= 2 and words[0].upper() == "TPU":
        return f"{words[0]} {words[1]}"
    return words[0] if words else name


def short_chip(acc: Accelerator) -> str:
    """An accelerator's short name: ``H100``, ``GB200``, ``TPU v4``."""
    return short_chip_name(acc.name)


def place(developer: str, acc: Accelerator, accelerators: float, at: date) -> Placement:
    """Where ``accelerators`` of ``acc`` sit among the developer's systems existing at ``at``:
    "32K H100: 32% of Meta 100k (100K H100, operational from 2024-10-30)"."""
    chip = short_chip(acc)
    mine = [
        s
        for s in existing_at(at)
        if owner_matches(developer, s)
        and acc.epoch_name is not None
        and lenient_key(s.chip) == lenient_key(acc.epoch_name)
        and s.chips
    ]
    n = fmt_si(accelerators)
    if not mine:
        return Placement(
            accelerators, chip, None, None, at,
            f"{n} {chip}: no {chip} system of {developer} in Epoch AI's GPU Clusters data by "
            f"{at.isoformat()}",
        )  # fmt: skip
    best = max(mine, key=lambda s: (s.chips or 0, s.name))
    assert best.chips is not None
    share = accelerators / best.chips
    since = "" if best.first_operational is None else f", from {best.first_operational.isoformat()}"
    words = f"{share:.0%} of" if share <= 1.0 else f"{share:.2g}x"
    return Placement(
        accelerators, chip, best, share, at,
        f"{n} {chip}: {words} {best.name} ({fmt_si(best.chips)} {chip}{since}), the largest "
        f"{chip} system of {developer} by {at.isoformat()}",
    )  # fmt: skip


def systems_of_size(h100e: float, at: date) -> list[System]:
    """Systems existing at ``at`` with at least ``h100e`` H100-equivalents, largest first."""
    found = [
        s
        for s in existing_at(at)
        if (s.h100e or 0) >= h100e
        and s.certainty.lower() != "unlikely"
        and not s.possible_duplicate
    ]
    return sorted(found, key=lambda s: (-_size(s), s.name))
