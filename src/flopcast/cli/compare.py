"""``flopcast compare``: one compute figure relative to another, in numbers and words."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from flopcast.cli.common import JsonOpt, SamplesOpt, SeedOpt, SigOpt

if TYPE_CHECKING:
    from flopcast.quantity import Quantity
    from flopcast.uncertainty import Sampling
from flopcast.settings import DEFAULT_SAMPLES, DEFAULT_SEED


def register(app: typer.Typer) -> None:
    app.command(
        "compare",
        help=(
            "Compare training compute figures: the ratio of the first to each of the others, "
            "in numbers and words.\n\nExample: flopcast compare 5.18e25 3.8e25  →  1.36x, 36% more"
        ),
    )(compare_command)


def compare_command(
    figures: Annotated[
        list[str],
        typer.Argument(
            help="Compute figures or model names: 5.18e25 3.8e25, behemoth llama-3.1-405b."
        ),
    ],
    at_frontier: Annotated[
        bool,
        typer.Option(
            "--frontier",
            help="Also compare the first model with the largest runs before its release date.",
        ),
    ] = False,
    top: Annotated[int, typer.Option("--top", help="How many frontier models (--frontier).")] = 3,
    at: Annotated[
        str | None, typer.Option("--date", help="Frontier date for a figure (YYYY-MM-DD).")
    ] = None,
    json_output: JsonOpt = False,
    sig: SigOpt = 3,
    samples: SamplesOpt = DEFAULT_SAMPLES,
    seed: SeedOpt = DEFAULT_SEED,
) -> None:
    from flopcast.cli.common import print_json, sampling
    from flopcast.cli.compute import fmt_ratio
    from flopcast.compute import compare
    from flopcast.errors import FlopcastError

    if len(figures) < 2 and not at_frontier:
        raise FlopcastError(
            "compare needs at least two figures or models (flopcast compare 5.18e25 3.8e25), "
            "or one with --frontier"
        )
    s = sampling(samples, seed)
    resolved = [_resolve(f, s) for f in figures]
    if at_frontier:
        resolved += _frontier_of(figures[0], at, top)
    (first_label, first_q, _), rest = resolved[0], resolved[1:]
    results = [
        compare(first_q, q, a_label=first_label, b_label=label, sampling=s) for label, q, _ in rest
    ]
    if json_output:
        print_json({"comparisons": [r.to_dict() for r in results]})
        return
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from flopcast.quantity import Kind, fmt

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("")
    table.add_column("training compute", overflow="fold")
    table.add_column(f"{first_label} vs it", overflow="fold")
    table.add_column("in words", no_wrap=True)
    table.add_row(first_label, fmt(first_q, Kind.FLOP, sig), "", "", style="bold")
    for r, (label, q, _) in zip(results, rest, strict=True):
        table.add_row(label, fmt(q, Kind.FLOP, sig), fmt_ratio(r.ratio, sig), r.words)
    console = Console(highlight=False)
    console.print(table)
    for label, _, basis in resolved:
        if basis:
            console.print(f"{label}: {basis}", style="dim")


def _frontier_of(name: str, at: str | None, top: int) -> list[tuple[str, Quantity, str]]:
    """The largest runs released before a model (or before --date), as compare entries."""
    from datetime import timedelta

    from flopcast.catalog import model
    from flopcast.errors import FlopcastError
    from flopcast.frontier import frontier

    if at is not None:
        f = frontier(at, top)
        exclude = ""
    else:
        try:
            m = model(name)
        except FlopcastError:
            raise FlopcastError(
                f"--frontier needs a model name or --date YYYY-MM-DD for {name!r}"
            ) from None
        # strictly before the release, so same-day siblings are not "the frontier"
        f = frontier(m.released - timedelta(days=1), top + 1)
        exclude = m.id
    entries = [e for e in f.entries if e.model.id != exclude][:top]
    return [
        (f"{e.model.name} (frontier, {e.model.released.isoformat()})", e.compute, e.basis)
        for e in entries
    ]


def _resolve(text: str, s: Sampling) -> tuple[str, Quantity, str]:
    """A figure (``5.18e25``) or a model name (``maverick``): its label, compute and basis."""
    from flopcast.accounting import model_compute
    from flopcast.catalog import model
    from flopcast.errors import FlopcastError
    from flopcast.quantity import Kind, parse

    try:
        return text, parse(text, Kind.FLOP, what="figure", unit="FLOP"), ""
    except FlopcastError:
        if text[:1].isdigit():
            raise
    m = model(text)
    res = model_compute(m, sampling=s)
    return m.name, res.headline, res.basis
