"""``flopcast systems``: the real AI supercomputers (Epoch AI's GPU Clusters data) at a date,
totals by owner or chip, or one system with flopcast's own estimate of its power."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flopcast.fleet import Group, SystemsAt
    from flopcast.power import ClusterPower
    from flopcast.systems import System


@dataclass(frozen=True)
class SystemsByGroup:
    """Existing systems at a date, summed by owner or chip."""

    at: date
    by: str
    groups: tuple[Group, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "by": self.by,
                "groups": [g.to_dict() for g in self.groups]}  # fmt: skip


@dataclass(frozen=True)
class OneSystem:
    """One system as Epoch AI records it, and flopcast's power for its chips (None where its
    chips are mixed or unknown)."""

    system: System
    power: ClusterPower | None
    credit: str

    def to_dict(self) -> dict[str, Any]:
        data = self.system.to_dict()
        data["flopcast_power"] = None if self.power is None else self.power.to_dict()
        data["credit"] = self.credit
        return data


def systems_answer(
    name: str | None = None,
    *,
    at: str | None = None,
    top: int = 10,
    owner: str | None = None,
    chip: str | None = None,
    by: str | None = None,
    include_all: bool = False,
) -> SystemsAt | SystemsByGroup | OneSystem:
    """``flopcast systems [NAME] [--at D] [--top N] [--owner O] [--chip C] [--by owner|chip]
    [--all]``: one system by name, totals ``by`` owner or chip, or the largest at a date."""
    if name is not None:
        return _one(name)
    if by is not None:
        from flopcast.fleet import grouped

        when, groups = grouped(at, by, top=top)
        return SystemsByGroup(when, by, tuple(groups))
    from flopcast.fleet import largest

    return largest(at, top=top, owner=owner, chip=chip, include_uncertain=include_all)


def _one(name: str) -> OneSystem:
    from flopcast.errors import FlopcastError
    from flopcast.hardware import accelerator
    from flopcast.power import cluster_power
    from flopcast.systems import credit, system

    s = system(name)
    ours = None
    if s.chip and s.chips and not s.chip2:
        try:
            ours = cluster_power(s.chips, accelerator(s.chip), at=s.first_operational)
        except FlopcastError:
            ours = None
    return OneSystem(s, ours, credit())
