"""``flopcast compare``: the first figure or model against each of the others."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from flopcast.settings import DEFAULT_SAMPLES, DEFAULT_SEED

if TYPE_CHECKING:
    from flopcast.comparison import Comparisons


def compare_answer(
    figures: Sequence[str],
    *,
    frontier: bool = False,
    top: int = 3,
    date: str | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
) -> Comparisons:
    """``flopcast compare FIGURES ... [--frontier] [--date D] [--top N]``."""
    from flopcast.answers._common import sampling, several
    from flopcast.comparison import compare_all

    return compare_all(
        several(figures, "figures"),
        frontier=frontier,
        at=date,
        top=top,
        sampling=sampling(samples, seed),
    )
