"""``flopcast models`` and ``flopcast show``: the catalog, and one model with its sources."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from flopcast.cli.common import CsvOpt, JsonOpt, SigOpt

if TYPE_CHECKING:
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
    above: Annotated[
        str | None,
        typer.Option("--above", metavar="FLOP", help="Only models above this compute: 1e25."),
    ] = None,
    sort: Annotated[
        str, typer.Option("--sort", help="date, compute, params or name.", metavar="KEY")
    ] = "date",
    json_output: JsonOpt = False,
    csv_output: CsvOpt = False,
    sig: SigOpt = 3,
) -> None:
    from flopcast.accounting import headline
    from flopcast.answers.catalog import models_answer
    from flopcast.cli.common import print_json
    from flopcast.quantity import fmt_sci, fmt_si

    rows = models_answer(
        developer=developer, year=year, arch=architecture, open_weights=open_weights,
        search=search, above=above, sort=sort,
    )  # fmt: skip
    if json_output:
        print_json(rows)
        return
    table_rows = []
    for m in rows:
        total, active, tokens = (
            m.value(k) for k in ("total_params", "active_params", "training_tokens")
        )
        h = headline(m)
        table_rows.append(
            [
                m.id,
                m.released.isoformat(),
                m.architecture or "?",
                fmt_si(total.value, sig) if total else "",
                fmt_si(active.value, sig) if active else "",
                fmt_si(tokens.value, sig) if tokens else "",
                fmt_sci(h.compute.value, sig) if h.compute else "–",
                BASIS_CODES.get(h.basis, h.basis),
                "yes" if m.open_weights else "no",
            ]
        )
    if csv_output:
        import csv
        import sys

        header = ["id", "released", "arch", "total", "active", "tokens", "compute", "basis"]
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow([*header, "open"])
        writer.writerows(table_rows)
        return
    from flopcast.cli.common import Column, Table, render

    # no arch column: a mixture of experts is the row whose active parameters are below its
    # total (--arch moe lists them; --csv has the column)
    table = Table(
        f"{len(rows)} models",
        [
            Column("id", keep=True),
            Column("released"),
            Column("total", align="right"),
            Column("active", align="right"),
            Column("tokens", align="right"),
            Column("compute", align="right"),
            Column("basis"),
            Column("open"),
        ],
    )
    for r in table_rows:
        table.add(*r[:2], *r[3:])
    legend = (
        "total, active: parameters (a mixture of experts has fewer active than total; "
        "--arch moe lists them); compute: each model's headline figure, the one every "
        "command shows; basis: "
        + ", ".join(f"{code} = {words}" for code, words in BASIS_WORDS.items())
        + ". Sources: flopcast show MODEL."
    )
    render("", [table], footer=[legend])


#: Short codes for the basis column of ``flopcast models``, and what they stand for.
BASIS_CODES = {
    "reported": "reported",
    "operation_count": "6ND",
    "estimated": "estimate",
    "hardware": "hardware",
    "not disclosed": "–",
}
BASIS_WORDS = {
    "reported": "reported by the developer",
    "6ND": "6·N·D from the catalog's parameters and tokens",
    "estimate": "a third party's estimate (Epoch AI)",
    "hardware": "accelerators × peak × utilization × time",
    "–": "not disclosed",
}


def show_command(
    name: Annotated[
        str, typer.Argument(help="A model: maverick, 'Llama 4 Maverick', deepseek-v3.")
    ],
    json_output: JsonOpt = False,
    sig: SigOpt = 3,
) -> None:
    from flopcast.answers.catalog import show_answer
    from flopcast.cli.common import Footnotes, Section, print_json, render
    from flopcast.quantity import fmt

    answer = show_answer(name)
    if json_output:
        print_json(answer)
        return
    m = answer.model
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
    from flopcast.quantity import Kind

    h = answer.headline
    head = Section("Training compute", subtitle="the headline figure every command shows")
    if h.compute is None:
        head.add("headline", "not disclosed", "no reported, estimated or derivable figure")
    else:
        head.add("headline", fmt(h.compute, Kind.FLOP, sig), notes.mark(h.label, h.source))
        for alt in h.alternatives:
            head.add(
                "alternative", fmt(alt.compute, Kind.FLOP, sig), notes.mark(alt.label, alt.source)
            )
    sections = [ident, figs, head]
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
        from flopcast.epoch import shipped_credit

        footer.append(shipped_credit())
    if m.aliases:
        footer.append(f"aliases: {', '.join(m.aliases)}")
    render(f"{m.name} ({m.id})", sections, footer=footer)


def exact_section(exact: ExactCounts) -> Section:
    """Exact counts from the shipped config.json, and how far the stated figures round."""
    from flopcast.cli.common import Section

    sec = Section("Exact, from config.json", subtitle=exact.config_origin)

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
