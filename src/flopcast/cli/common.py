"""What every command shares: the common options, JSON output, and the human renderer.

Command modules stay thin: they parse flags, call the public API, and hand the returned
object to :func:`emit`. Rich is imported only when something is printed for a human.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Protocol

import typer

if TYPE_CHECKING:
    from flopcast.uncertainty import Sampling

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
SigOpt = Annotated[
    int, typer.Option("--sig", min=1, max=12, help="Significant figures in human output.")
]
SamplesOpt = Annotated[
    int,
    typer.Option(
        "--samples",
        min=100,
        max=10_000_000,  # flopcast.settings.MAX_SAMPLES
        help="Monte Carlo samples for 90% intervals of uncertain inputs.",
    ),
]
SeedOpt = Annotated[
    int, typer.Option("--seed", min=0, help="Random seed for the Monte Carlo samples (0 or more).")
]


def sampling(samples: int, seed: int) -> Sampling:
    from flopcast.uncertainty import Sampling

    return Sampling(samples=samples, seed=seed)


class HasDict(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


@dataclass
class Section:
    """A titled block of rows (label, value, note) in human output."""

    title: str
    rows: list[tuple[str, str, str]] = field(default_factory=list)
    subtitle: str = ""

    def add(self, label: str, value: str, note: str = "") -> None:
        self.rows.append((label, value, note))

    def add_input(self, label: str, item: Any, notes: Footnotes, sig: int) -> None:
        """A row for an input (a :class:`flopcast.training.Input`), its origin footnoted."""
        from flopcast.quantity import fmt

        if item is not None:
            self.add(
                label, fmt(item.quantity, item.kind, sig), notes.mark(item.origin, item.source)
            )


class Footnotes:
    """Numbered source footnotes: a row says ``assumed [1]``, the footer gives the source."""

    def __init__(self) -> None:
        self._sources: list[str] = []

    def mark(self, origin: str, source: str = "") -> str:
        """An origin (``given``, ``assumed``, a table) with the footnote mark of its source."""
        if not source:
            return origin
        if source not in self._sources:
            self._sources.append(source)
        return f"{origin} [{self._sources.index(source) + 1}]"

    def lines(self) -> list[str]:
        return [f"[{i}] {s}" for i, s in enumerate(self._sources, 1)]


def json_text(obj: HasDict | dict[str, Any] | list[Any]) -> str:
    """``obj`` (or its ``to_dict()``) as indented JSON; a non-finite number is an error, and
    characters a terminal would act on are written as ``\\u`` escapes."""
    from flopcast.errors import FlopcastError
    from flopcast.sanitize import CONTROL

    data = obj.to_dict() if hasattr(obj, "to_dict") else obj
    try:
        text = json.dumps(data, indent=2, default=str, ensure_ascii=False, allow_nan=False)
    except ValueError:
        raise FlopcastError(
            "a result is not a finite number (inf or NaN): an input is too large or too small"
        ) from None
    return CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def print_json(obj: HasDict | dict[str, Any] | list[Any]) -> None:
    sys.stdout.write(json_text(obj))


def safe_console(**options: Any) -> Any:
    """A rich Console that prints data as text: no markup (a ``[/x]`` in a model name is not
    a tag), no control characters (an escape sequence in a name does not reach the terminal).
    """
    return _safe_console_class()(highlight=False, markup=False, **options)


@cache
def _safe_console_class() -> Any:
    from rich.console import Console

    from flopcast.sanitize import terminal_safe

    class SafeConsole(Console):
        def render_str(self, text: str, **kwargs: Any) -> Any:
            kwargs["markup"] = False
            return super().render_str(terminal_safe(text, one_line=False), **kwargs)

    return SafeConsole


def safe_text(text: object, style: str = "") -> Any:
    """Data as a rich Text: control characters removed, never read as markup."""
    from rich.text import Text

    from flopcast.sanitize import terminal_safe

    return Text(terminal_safe(text), style=style)


def render(
    headline: str = "",
    sections: Sequence[Section] = (),
    warnings: Sequence[str] = (),
    footer: Sequence[str] = (),
) -> None:
    """Print a headline, titled sections of aligned rows, warnings and footnotes.

    Everything is printed as text (no rich markup), without control characters.
    """
    from rich.table import Table

    console = safe_console(soft_wrap=False)
    if headline:
        console.print(safe_text(headline, "bold"))
    for section in sections:
        console.print()
        title = safe_text(section.title, "bold cyan")
        if section.subtitle:
            title.append_text(safe_text(f"   {section.subtitle}", "dim"))
        console.print(title)
        table = Table(show_header=False, box=None, padding=(0, 2, 0, 2), pad_edge=False)
        table.add_column(style="", no_wrap=True)
        table.add_column(style="bold", overflow="fold")
        table.add_column(style="dim", overflow="fold")
        for label, value, note in section.rows:
            table.add_row(safe_text(label), safe_text(value), safe_text(note))
        console.print(table)
    for warning in warnings:
        console.print(safe_text(f"warning: {warning}", "yellow"))
    if footer:
        console.print()
        for line in footer:
            console.print(safe_text(line, "dim"))
