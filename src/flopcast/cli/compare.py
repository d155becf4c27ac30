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
    resolved = [_resolve(f, s) for f in figures]
    (first_label, first_q, _), rest = resolved[0], resolved[1:]
    results = [
        compare(first_q, q, a_label=first_label, b_label=label, sampling=s) for label, q, _ in rest
    ]
    if json_output:
        print_json({"comparisons": [r.to_dict() for r in results]})
        return
    head = f"{first_label}: " if first_label != figures[0] or resolved[0][2] else ""
    sec = Section(f"{head}{fmt_flop(results[0].a, sig)} compared with")
    for r, (label, q, basis) in zip(results, rest, strict=True):
        who = f"{label}: " if basis else ""
        sec.add(f"{who}{fmt_flop(q, sig)}", fmt_ratio(r.ratio, sig), r.words)
    footer = [f"{label}: {basis}" for label, _, basis in resolved if basis]
    render("", [sec], footer=footer)


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
