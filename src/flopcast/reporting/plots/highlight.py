"""The models a plot highlights: names, where a family name stands for all its members."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flopcast.figures import Model


def highlighted_models(names: Iterable[str]) -> list[Model]:
    """Models by name; a family name (``llama-4``) stands for all its members."""
    from flopcast.catalog import family_members, model

    out: dict[str, Model] = {}
    for name in names:
        members = family_members(name)
        for m in members or [model(name)]:
            out.setdefault(m.id, m)
    return list(out.values())


def _explicit(names: Iterable[str]) -> set[str]:
    """The ids of highlighted models named one by one (not via a family)."""
    from flopcast.catalog import family_members, model

    return {model(n).id for n in names if not family_members(n)}
