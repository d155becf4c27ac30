"""``flopcast models`` and ``flopcast show``: the catalog, and one model with its sources."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from flopcast.cli.common import JsonOpt, SigOpt

if TYPE_CHECKING:
    from flopcast.catalog import Model
    from flopcast.cli.common import Section
    from flopcast.exact import ExactCounts


def register(app: typer.Typer) -> None:
    app.command(
        "models",
        help=(
            "The model catalog as a table: filter by developer, year, architecture, open "
            "weights or text; sort by compute, date or params.\n\n"
            "Example: flopcast models --developer meta --sort compute"
        ),
    )(models_command)
    app.command(
        "show",
        help="One model: every figure with its source and range.\n\nExample: flopcast show maverick",  # noqa: E501
    )(show_command)


def models_command(
    developer: Annotated[str | None, typer.Option("--developer", help="e.g. meta")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Release year.")] = None,
    architecture: Annotated[
        str | None, typer.Option("--arch", help="dense or moe.", metavar="dense|moe")
    ] = None,
    open_weights: Annotated[
        bool | None,
        typer.Option("--open/--closed", help="Only open-weights (or closed) models."),
    ] = None,
    search: Annotated[str | None, typer.Option("--search", "-s", help="Text search.")] = None,
    sort: Annotated[
        str, typer.Option("--sort", help="compute, date or params.", metavar="KEY")
    ] = "date",
    json_output: JsonOpt = False,
    csv_output: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
    sig: SigOpt = 3,
) -> None:
    from flopcast.catalog import models
    from flopcast.cli.common import print_json
    from flopcast.errors import FlopcastError
    from flopcast.quantity import fmt_sci, fmt_si

    if architecture is not None and architecture.lower() not in ("dense", "moe"):
        raise FlopcastError(f"--arch {architecture!r}: use dense or moe")
    rows = models(
        developer=developer,
        year=year,
        architecture=architecture,
        open_weights=open_weights,
        search=search,
    )

    def compute_of(m: Model) -> float | None:
        c = m.value("training_compute")
        n = m.value("active_params") or m.value("total_params")
        d = m.value("training_tokens")
        if c is None and n is not None and d is not None:
            return 6 * n.value * d.value
        return None if c is None else c.value

    def params_of(m: Model) -> float:
        p = m.value("total_params") or m.value("active_params")
        return 0.0 if p is None else p.value

    keys: dict[str, Callable[[Model], float]] = {
        "date": lambda m: float(m.released.toordinal()),
        "compute": lambda m: compute_of(m) or 0.0,
        "params": params_of,
    }
    if sort not in keys:
        raise FlopcastError(f"--sort {sort!r}: use compute, date or params")
    rows.sort(key=keys[sort], reverse=sort != "date")
    if json_output:
        print_json({"models": [m.to_dict() for m in rows]})
        return
    table_rows = []
    for m in rows:
        total, active, tokens = (
            m.value(k) for k in ("total_params", "active_params", "training_tokens")
        )
        c = compute_of(m)
        table_rows.append(
            [
                m.id,
                m.released.isoformat(),
                m.architecture or "?",
                fmt_si(total.value, sig) if total else "",
                fmt_si(active.value, sig) if active else "",
                fmt_si(tokens.value, sig) if tokens else "",
                fmt_sci(c, sig) if c else "",
                "yes" if m.open_weights else "no",
            ]
        )
    header = ["id", "released", "arch", "total", "active", "tokens", "compute", "open"]
    if csv_output:
        import csv
        import sys

        writer = csv.writer(sys.stdout)
        writer.writerow(header)
        writer.writerows(table_rows)
        return
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, title=f"{len(rows)} models", title_justify="left")
    for h in header:
        table.add_column(
            h,
            no_wrap=True,
            justify="right" if h in ("total", "active", "tokens", "compute") else "left",
        )
    for r in table_rows:
        table.add_row(*r)
    console = Console()
    console.print(table)
    console.print(
        "compute: as stated in the catalog (reported, or Epoch AI's estimate), else 6·N·D. "
        "Sources: flopcast show MODEL.",
        style="dim",
    )


def show_command(
    name: Annotated[
        str, typer.Argument(help="A model: maverick, 'Llama 4 Maverick', deepseek-v3.")
    ],
    json_output: JsonOpt = False,
    sig: SigOpt = 3,
) -> None:
    from flopcast.catalog import model
    from flopcast.cli.common import Footnotes, Section, print_json, render
    from flopcast.quantity import fmt

    m = model(name)
    if json_output:
        print_json(m)
        return
    ident = Section("Model")
    ident.add("developer", m.developer)
    ident.add("released", m.released.isoformat())
    ident.add("architecture", m.architecture or "not disclosed")
    ident.add("open weights", "yes" if m.open_weights else "no")
    if m.hf_repo:
        ident.add("Hugging Face", m.hf_repo)
    if m.predecessor:
        ident.add("predecessor", m.predecessor)
    notes = Footnotes()
    figs = Section("Figures", subtitle="90% intervals where uncertain")
    for fig in m.figures.values():
        value = (
            fig.text
            if fig.quantity is None or fig.kind is None
            else fmt(fig.quantity, fig.kind, sig)
        )
        figs.add(fig.name.replace("_", " "), value, notes.mark(fig.provenance, fig.source))
    sections = [ident, figs]
    from flopcast.exact import exact_counts

    exact = exact_counts(m)
    if exact is not None:
        sections.append(exact_section(exact))
    footer = notes.lines()
    for fig in m.figures.values():
        if fig.note:
            footer.append(f"{fig.name}: {fig.note}")
    if m.notes:
        footer.append(f"notes: {m.notes}")
    if any(f.by == "Epoch AI" for f in m.figures.values()):
        footer.append("Epoch AI, Notable AI Models (snapshot 2026-04), CC BY 4.0.")
    if m.aliases:
        footer.append(f"aliases: {', '.join(m.aliases)}")
    render(f"{m.name} ({m.id})", sections, footer=footer)


def exact_section(exact: ExactCounts) -> Section:
    """Exact counts from the shipped config.json, and how far the stated figures round."""
    from flopcast.cli.common import Section

    sec = Section("Exact, from config.json", subtitle=f"{exact.config} (flopcast arch)")

    def note(diff: float | None, convention: str) -> str:
        if diff is None:
            return convention
        return f"{convention}; the stated figure is {diff:+.2%} off"

    sec.add(
        "total params",
        f"{exact.total_params:,}",
        note(exact.total_rounding, exact.total_convention),
    )
    if exact.active_params is not None:
        sec.add(
            "active params",
            f"{exact.active_params:,}",
            note(exact.active_rounding, exact.active_convention),
        )
    return sec
