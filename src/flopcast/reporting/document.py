"""The plain values a report renderer needs: numbered sources, tables, sections, one part per
model, and the whole report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flopcast import __version__


@dataclass
class Sources:
    """Numbered sources: ``cite(text, url)`` returns the footnote number (deduplicated)."""

    items: list[tuple[str, str]] = field(default_factory=list)

    def cite(self, text: str, url: str) -> int:
        key = (text, url)
        if key not in self.items:
            self.items.append(key)
        return self.items.index(key) + 1

    def to_list(self) -> list[dict[str, Any]]:
        return [{"n": i, "text": t, "url": u} for i, (t, u) in enumerate(self.items, 1)]


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
    released: str
    sections: tuple[Section, ...]

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "name": self.name,
            "released": self.released,
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

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "summary": list(self.summary),
            "models": [m.to_dict() for m in self.models],
            "sources": list(self.sources),
            "settings": self.settings,
            "generated_with": self.generated_with,
        }
