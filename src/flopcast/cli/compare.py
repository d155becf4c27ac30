"""``flopcast compare``: one compute figure relative to another, in numbers and words."""

from __future__ import annotations

from typing import Annotated

import typer

from flopcast.cli.common import JsonOpt, SamplesOpt, SeedOpt, SigOpt
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
        typer.Argument(help="Two or more compute figures: 5.18e25 3.8e25 (ranges allowed)."),
    ],
    json_output: JsonOpt = False,
    sig: SigOpt = 3,
    samples: SamplesOpt = DEFAULT_SAMPLES,
    seed: SeedOpt = DEFAULT_SEED,
) -> None:
    from flopcast.cli.common import Section, print_json, render, sampling
    from flopcast.cli.compute import fmt_flop, fmt_ratio
    from flopcast.compute import compare
    from flopcast.errors import FlopcastError

    if len(figures) < 2:
        raise FlopcastError("compare needs at least two figures: flopcast compare 5.18e25 3.8e25")
    s = sampling(samples, seed)
    first = figures[0]
    results = [
        compare(first, other, a_label=first, b_label=other, sampling=s) for other in figures[1:]
    ]
    if json_output:
        print_json({"comparisons": [r.to_dict() for r in results]})
        return
    sec = Section(f"{fmt_flop(results[0].a, sig)} compared with")
    for r in results:
        sec.add(fmt_flop(r.b, sig), fmt_ratio(r.ratio, sig), r.words)
    render("", [sec])
