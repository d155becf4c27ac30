"""The plain values a report renderer needs: numbered sources, tables, sections, one part per
model, and the whole report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flopcast import __version__


@dataclass
class Sources:
    """Numbered sources, one per address: ``cite(text, url)`` returns the footnote number of
    ``url``; a second text for the same address joins the first, so each address is listed
    (and printed) once."""

    items: list[tuple[list[str], str]] = field(default_factory=list)

    def cite(self, text: str, url: str) -> int:
        for i, (texts, known) in enumerate(self.items, 1):
            if known == url:
                if text not in texts:
                    texts.append(text)
                return i
        self.items.append(([text], url))
        return len(self.items)

    def to_list(self) -> list[dict[str, Any]]:
        return [{"n": i, "text": "; ".join(t), "url": u} for i, (t, u) in enumerate(self.items, 1)]


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "columns": list(self.columns),
            "rows": [list(r) for r in self.rows],
        }


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    sentences: tuple[str, ...]
    tables: tuple[Table, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "sentences": list(self.sentences),
            "tables": [t.to_dict() for t in self.tables],
            "data": self.data,
        }


@dataclass(frozen=True)
class ModelReport:
    model: str
    name: str
    released: str  # ISO date: the release, or for an unreleased model the date compared at
    sections: tuple[Section, ...]
    unreleased: bool = False

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "name": self.name,
            "released": None if self.unreleased else self.released,
            "compared_as_of": self.released,
            "sections": [s.to_dict() for s in self.sections],
        }


@dataclass(frozen=True)
class Report:
    """A whole report: a summary, one part per model, and numbered sources."""

    title: str
    summary: tuple[str, ...]
    models: tuple[ModelReport, ...]
    sources: tuple[dict[str, Any], ...]
    highlight: tuple[str, ...]
    settings: dict[str, Any]
    generated_with: str = f"flopcast {__version__}"
    given: tuple[Any, ...] = ()  # the models given by numbers (flopcast.figures.Model), to plot

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "summary": list(self.summary),
            "models": [m.to_dict() for m in self.models],
            "sources": list(self.sources),
            "settings": self.settings,
            "generated_with": self.generated_with,
        }


def released_words(part: ModelReport) -> str:
    """``Released 2025-04-05.``, or for a model not yet released the date it is compared at."""
    if part.unreleased:
        return f"Not released; compared with what was known on {part.released}."
    return f"Released {part.released}."
