"""``flopcast epoch``: import Epoch AI's AI Models CSV, see which dataset is active, reset."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flopcast.cli.common import JsonOpt

epoch_app = typer.Typer(
    help="Epoch AI's AI Models database (CC BY 4.0): import a downloaded CSV, show, reset.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(epoch_app, name="epoch")


@epoch_app.command(
    "import",
    help=(
        "Import an Epoch AI Notable / Large-scale / All AI Models CSV: its language models "
        "become usable by name next to the curated catalog (curated entries win), and rows "
        "whose figures disagree by more than 3x are reported.\n\n"
        "Example: flopcast epoch import notable_ai_models.csv"
    ),
)
def import_command(
    path: Annotated[Path, typer.Argument(help="The downloaded CSV.")],
    snapshot: Annotated[
        str | None, typer.Option("--snapshot", help="Snapshot date label, e.g. 2026-04.")
    ] = None,
    dataset: Annotated[
        str, typer.Option("--dataset", help="Which Epoch AI dataset the file is.")
    ] = "Notable AI Models",
    show_all: Annotated[
        bool, typer.Option("--all", help="List every suspicious row and every dropped line.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Import a file with rows cut off, a number column of text, or far fewer models "
            "than the previous import (what cannot be read is dropped and listed).",
        ),
    ] = False,
    json_output: JsonOpt = False,
) -> None:
    from flopcast.cli.common import Section, print_json, render
    from flopcast.epoch import credit, import_csv

    summary = import_csv(path, snapshot=snapshot, dataset=dataset, force=force)
    if json_output:
        print_json(summary)
        return
    r = summary.result
    sec = Section("Imported")
    sec.add("rows read", str(r.rows_read))
    sec.add("language models", str(len(r.rows)))
    sec.add("saved to", summary.saved_to)
    if summary.previous:
        sec.add("previous import kept", summary.previous)
    if r.columns_missing:
        sec.add("columns not in this file", ", ".join(r.columns_missing))
    for problem in summary.forced:
        sec.add("imported despite", problem, "--force")
    dropped = r.dropped()
    dropped_sec = Section(f"Dropped: {len(dropped)}", subtitle="left out of the import")
    for line in dropped if show_all else dropped[:15]:
        what, _, why = line.partition(": ")
        dropped_sec.add(what, why)
    sus = Section(
        f"Suspicious rows: {len(r.suspicious)}",
        subtitle="figures that disagree with their notes or with 6·N·D by more than 3x",
    )
    shown = r.suspicious if show_all else r.suspicious[:15]
    for s in shown:
        sus.add(s.model, s.reason)
    more = len(r.suspicious) > 15 or len(dropped) > 15
    footer = ["(--all lists every one)"] if more and not show_all else []
    footer.append(f"Data: {credit(summary.meta)}")
    sections = [sec, dropped_sec, sus] if dropped else [sec, sus]
    render(f"Epoch AI import: {path}", sections, footer=footer)


@epoch_app.command("status", help="Which Epoch AI dataset flopcast is using.")
def status_command(json_output: JsonOpt = False) -> None:
    from flopcast.answers.epoch import epoch_answer
    from flopcast.cli.common import Section, print_json, render

    answer = epoch_answer()
    if json_output:
        print_json(answer)
        return
    sec = Section("Epoch AI dataset in use")
    for k in ("dataset", "snapshot", "origin", "license", "url"):
        if k in answer.meta:
            sec.add(k, str(answer.meta[k]))
    sec.add("language models", str(answer.models))
    render("", [sec])


@epoch_app.command("reset", help="Forget an imported CSV and use the shipped snapshot again.")
def reset_command() -> None:
    from flopcast.epoch import reset

    print("removed the imported dataset" if reset() else "no imported dataset; nothing to do")
