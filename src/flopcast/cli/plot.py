"""``flopcast plot``: the report's figures as PNG or SVG files.

matplotlib is imported only when a plot is drawn, never for ``flopcast --help``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from flopcast.cli.common import JsonOpt

plot_app = typer.Typer(
    help=(
        "Figures for reports, as PNG or SVG (by the file name): training compute over time, "
        "tokens per parameter against compute, memory by weight format."
    ),
    no_args_is_help=True,
)

OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="File to write, .png or .svg (default: <plot>.png in the current directory).",
    ),
]
HighlightOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--highlight",
        metavar="MODEL",
        help="Emphasize and label a model or a family (repeatable): maverick, llama-4.",
    ),
]


def register(app: typer.Typer) -> None:
    app.add_typer(plot_app, name="plot")


def _write(
    kind: str, output: Path | None, json_output: bool, default: str | None = None, **options: Any
) -> None:
    """Check the path first (a bad suffix fails before any drawing), draw, save, report."""
    from flopcast.answers.plot import plot_answer
    from flopcast.cli.common import print_json, progress
    from flopcast.reporting import plots

    path = plots.check_path(output if output is not None else Path(default or f"{kind}.png"))
    with progress(f"Drawing {path}", enabled=not json_output):
        plots.save(plot_answer(kind, **options).figure, path)
    if json_output:
        print_json({"path": str(path)})
    else:
        typer.echo(str(path))


@plot_app.command(
    "timeline",
    help=(
        "Training compute over time (log scale): the flopcast catalog and Epoch AI's language "
        "models, highlighted models, regulatory thresholds, 90% intervals.\n\n"
        "Example: flopcast plot timeline --highlight maverick --highlight behemoth -o t.svg"
    ),
)
def timeline_command(
    highlight: HighlightOpt = None,
    start: Annotated[
        str | None, typer.Option("--start", metavar="DATE", help="First date: 2022-01-01 or 2022.")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--end", metavar="DATE", help="Last date: 2025-12-31 or 2025.")
    ] = None,
    output: OutputOpt = None,
    json_output: JsonOpt = False,
) -> None:
    _write("timeline", output, json_output, highlight=highlight, start=start, end=end)


@plot_app.command(
    "tokens-per-param",
    help=(
        "Tokens per active parameter against training compute (log-log) for the catalog's "
        "models, with the compute-optimal ratio of a scaling law for dense and sparse models "
        "(1:S, times the MoE multiplier m(S)).\n\n"
        "Example: flopcast plot tokens-per-param --law fixed:40 --highlight llama-4"
    ),
)
def tokens_per_param_command(
    highlight: HighlightOpt = None,
    law: Annotated[
        str,
        typer.Option(
            "--law", metavar="LAW", help="Scaling law: fixed:40, hoffmann2022, ... (flopcast laws)."
        ),
    ] = "fixed:40",
    sparsity: Annotated[
        list[float] | None,
        typer.Option(
            "--sparsity",
            metavar="S",
            help="Sparsities 1:S to draw the optimum for (repeatable; default 1, 8, 32).",
        ),
    ] = None,
    moe: Annotated[
        str,
        typer.Option(
            "--moe", metavar="M", help="MoE multiplier: default, ludziejewski2025, none, a number."
        ),
    ] = "default",
    output: OutputOpt = None,
    json_output: JsonOpt = False,
) -> None:
    _write(
        "tokens-per-param", output, json_output, highlight=highlight, law=law,
        sparsity=sparsity, moe=moe,
    )  # fmt: skip


@plot_app.command(
    "memory",
    help=(
        "Memory to run a model by weight format (weights + KV cache + overhead, stacked) "
        "against machine capacities (24 GB, 32 GB, 96 GB, 128 GB, 192 GB, 512 GB, 8x80 GB).\n\n"
        "Example: flopcast plot memory scout --context 32k -o scout-memory.svg"
    ),
)
def memory_command(
    name: Annotated[
        str, typer.Argument(metavar="MODEL", help="A catalog model or a config.json path.")
    ],
    context: Annotated[
        str | None,
        typer.Option("--context", metavar="TOKENS", help="Context for the KV cache: 8192, 32k."),
    ] = None,
    kv_dtype: Annotated[
        str | None,
        typer.Option("--kv-dtype", metavar="DTYPE", help="KV-cache dtype (default bf16)."),
    ] = None,
    formats: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help="Weight format to draw (repeatable; default: the checkpoint's own and the "
            "llama.cpp ladder).",
        ),
    ] = None,
    machines: Annotated[
        list[str] | None,
        typer.Option(
            "--machine",
            metavar="MACHINE",
            help="Machine to draw (repeatable): 'rtx 4090', 'm3 ultra 512', '8x h100'.",
        ),
    ] = None,
    overhead: Annotated[
        float | None,
        typer.Option("--overhead", metavar="GB", help="Runtime overhead per device (GB)."),
    ] = None,
    output: OutputOpt = None,
    json_output: JsonOpt = False,
) -> None:
    _write(
        "memory", output, json_output, model=name, context=context, kv_dtype=kv_dtype,
        formats=formats, machines=machines, overhead=overhead,
    )  # fmt: skip


@plot_app.command(
    "trend",
    help=(
        "The trend of training compute: Epoch AI's notable models, the fitted line and its 90% "
        "band, the forecast cone, regulatory thresholds, and highlighted models with their "
        "distance from the trend (options as for flopcast trend). --systems: a metric of the "
        "largest AI supercomputers, its trend and Pilz et al. 2025's growth.\n\n"
        "Example: flopcast plot trend --select frontier --from 2018 --highlight behemoth -o t.png"
    ),
)
def trend_command(
    select: str | None = typer.Option(None, "--select", metavar="WHICH", help="As flopcast trend."),
    start: str | None = typer.Option(None, "--from", metavar="DATE", help="First date: 2018."),
    end: str | None = typer.Option(None, "--to", metavar="DATE", help="Last date: 2024-05."),
    speculative: str = typer.Option("include", "--speculative", metavar="HOW"),
    until: str | None = typer.Option(None, "--until", metavar="YEAR", help="Forecast to: 2028."),
    highlight: HighlightOpt = None,
    systems: bool = typer.Option(False, "--systems", help="The largest AI supercomputers."),
    metric: str = typer.Option(
        "performance",
        "--metric",
        metavar="METRIC",
        help="With --systems: performance, h100e, chips, power or cost.",
    ),
    top: int | None = typer.Option(None, "--top", metavar="N", help="With --systems: top N."),
    output: OutputOpt = None,
    json_output: JsonOpt = False,
) -> None:
    _write(
        "trend", output, json_output, "systems-trend.png" if systems else None, select=select,
        start=start, end=end, speculative=speculative, until=until, highlight=highlight,
        systems=systems, metric=metric, top=top,
    )  # fmt: skip
