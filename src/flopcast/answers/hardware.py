"""``flopcast hardware``: the accelerator table, or one accelerator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flopcast.hardware import Accelerator


@dataclass(frozen=True)
class AcceleratorList:
    """Every accelerator flopcast knows."""

    accelerators: tuple[Accelerator, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"accelerators": [a.to_dict() for a in self.accelerators]}


def hardware_answer(name: str | None = None) -> Accelerator | AcceleratorList:
    """``flopcast hardware [NAME]``: one accelerator with its sources, or all of them."""
    from flopcast.hardware import accelerator, accelerators

    if name is not None:
        return accelerator(name)
    return AcceleratorList(tuple(accelerators()))
