"""``flopcast models`` and ``flopcast show``: the catalog, and one model with its headline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flopcast.accounting import Headline
    from flopcast.figures import Model
    from flopcast.listing import ModelList


def models_answer(
    *,
    developer: str | None = None,
    year: int | None = None,
    arch: str | None = None,
    open_weights: bool | None = None,
    search: str | None = None,
    above: str | None = None,
    sort: str = "date",
) -> ModelList:
    """``flopcast models [--developer D] [--year Y] [--arch A] [--open/--closed] ...``."""
    from flopcast.listing import models

    return models(
        developer=developer, year=year, architecture=arch, open_weights=open_weights,
        search=search, above=above, sort=sort,
    )  # fmt: skip


@dataclass(frozen=True)
class ShowAnswer:
    """One model: every figure with its source, and the headline compute every view shows."""

    model: Model
    headline: Headline

    def to_dict(self) -> dict[str, Any]:
        return {**self.model.to_dict(), "headline": self.headline.to_dict()}


def show_answer(name: str | Model) -> ShowAnswer:
    """``flopcast show NAME``."""
    from flopcast.accounting import headline
    from flopcast.answers._common import catalog_model

    m = catalog_model(name)
    return ShowAnswer(m, headline(m))
