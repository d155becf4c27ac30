"""``flopcast epoch status``: which Epoch AI dataset flopcast is using."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EpochStatus:
    """The record of the Epoch AI dataset in use, how many models it holds, and its credit."""

    meta: dict[str, Any]
    models: int
    credit: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.meta, "models": self.models, "credit": self.credit}


def epoch_answer() -> EpochStatus:
    """``flopcast epoch status``."""
    from flopcast.epoch import active_meta, credit, epoch_rows

    meta = active_meta()
    return EpochStatus(meta, len(epoch_rows()), credit(meta))
