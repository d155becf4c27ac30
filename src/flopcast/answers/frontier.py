"""``flopcast frontier``: the largest known training runs up to a date, and the thresholds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flopcast.frontiers import Frontier
    from flopcast.regulation import Threshold


@dataclass(frozen=True)
class FrontierAnswer:
    """The frontier at a date and the regulatory thresholds beside it."""

    frontier: Frontier
    thresholds: tuple[Threshold, ...]

    def to_dict(self) -> dict[str, Any]:
        data = self.frontier.to_dict()
        data["thresholds"] = [t.to_dict() for t in self.thresholds]
        return data


def frontier_answer(*, date: str | None = None, top: int = 10) -> FrontierAnswer:
    """``flopcast frontier [--date D] [--top N]``."""
    from flopcast.frontiers import frontier
    from flopcast.regulation import thresholds

    return FrontierAnswer(frontier(date, top), tuple(thresholds()))
