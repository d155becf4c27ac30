"""The models a report covers and its plots highlight: a model's name stands for that model
alone (``gpt-4`` is GPT-4, not GPT-4o or GPT-4.5); a family name that names no model
(``llama-4``) for all its members; a :class:`~flopcast.figures.Model` (one given by numbers)
for itself. Apart from the plots, so a report without them does not load them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flopcast.figures import Model


def resolve_name(name: str | Model) -> tuple[list[Model], bool]:
    """(the models ``name`` stands for, whether it named a family). A model first, by the
    catalog's resolver :func:`flopcast.catalog.model`; a family only where no model has that
    name."""
    from flopcast.catalog import family_members, model
    from flopcast.errors import FlopcastError

    if not isinstance(name, str):
        return [name], False
    try:
        return [model(name)], False
    except FlopcastError:
        members = family_members(name)
        if members:
            return members, True
        raise


def highlighted_models(names: Iterable[str | Model]) -> list[Model]:
    """Models by name; a family name (``llama-4``) stands for all its members."""
    out: dict[str, Model] = {}
    for name in names:
        for m in resolve_name(name)[0]:
            out.setdefault(m.id, m)
    return list(out.values())


def _explicit(names: Iterable[str | Model]) -> set[str]:
    """The ids of highlighted models named one by one (not via a family)."""
    out: set[str] = set()
    for name in names:
        models, family = resolve_name(name)
        if not family:
            out.update(m.id for m in models)
    return out
