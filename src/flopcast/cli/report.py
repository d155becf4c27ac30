"""``flopcast report``: the whole analysis of a model or a family — the main job."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from flopcast.cli.common import JsonOpt

if TYPE_CHECKING:
    from collections.abc import Callable

    from flopcast.reporting.document import Report


def register(app: typer.Typer) -> None:
    app.command(
        "report",
        help=(
            "The whole compute analysis of a model or a family, in words, tables and plots: "
            "training compute both ways, context (predecessor, peers, frontier, thresholds), "
            "compute-optimality under every law, what a frontier cluster could have done, "
            "running it locally, and sources. With no name: the Llama 4 family.\n\n"
            "Examples: flopcast report; flopcast report llama-4-maverick -o maverick.html; "
            "flopcast report --active 288B --total 2T --tokens 30T --gpus 32K --gpu h100"
        ),
    )(report_command)


def report_command(
    names: Annotated[
        list[str] | None, typer.Argument(help="Models or families (llama-4, deepseek-v3).")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write report.md (plots beside it) or report.html."),
    ] = None,
    no_plots: Annotated[bool, typer.Option("--no-plots", help="Skip the plots.")] = False,
    law: Annotated[
        str | None, typer.Option("--law", help="Scaling law for the verdict (default fixed:40).")
    ] = None,
    moe: Annotated[str | None, typer.Option("--moe", help="MoE multiplier m(S).")] = None,
    name: Annotated[
        str, typer.Option("--name", help="Name of a model given by numbers.")
    ] = "Unreleased model",
    active: Annotated[str | None, typer.Option("--active", help="Active parameters.")] = None,
    total: Annotated[str | None, typer.Option("--total", help="Total parameters.")] = None,
    tokens: Annotated[str | None, typer.Option("--tokens", help="Training tokens.")] = None,
    gpus: Annotated[str | None, typer.Option("--gpus", help="Accelerators.")] = None,
    gpu: Annotated[str | None, typer.Option("--gpu", help="Accelerator type.")] = None,
    released: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="DATE",
            help="Release date of a model given by numbers (2026-06-01); without it the model "
            "is unreleased, compared with what is known today.",
        ),
    ] = None,
    json_output: JsonOpt = False,
) -> None:
    from flopcast.cli.common import gc_paused, progress

    with gc_paused(), progress("Building the report", enabled=not json_output) as step:
        _report(names, output, no_plots, law, moe, name, active, total, tokens, gpus, gpu,
                released, json_output, step)  # fmt: skip


def _report(
    names: list[str] | None, output: Path | None, no_plots: bool, law: str | None,
    moe: str | None, name: str, active: str | None, total: str | None, tokens: str | None,
    gpus: str | None, gpu: str | None, released: str | None, json_output: bool,
    step: Callable[[str], None],
) -> None:  # fmt: skip
    from flopcast.errors import FlopcastError
    from flopcast.reporting.cache import cached
    from flopcast.store import check_target, exists

    as_json = json_output or (output is not None and output.suffix.lower() == ".json")
    replaced = False
    if output is not None:  # a path that cannot be written fails now, not after the build
        check_target(output, "-o")
        if not as_json and output.suffix.lower() not in REPORT_SUFFIXES:
            raise FlopcastError(
                f"-o {str(output)[:200]}: write .md, .html or .json (or add --json)"
            )
        replaced = exists(output)
    from flopcast.answers.report import report_request

    request = report_request(
        names, law=law, moe=moe, name=name, active=active, total=total, tokens=tokens,
        gpus=gpus, gpu=gpu, date=released,
    )  # fmt: skip
    args = request.key
    report = cached("report", args, request.build)
    if as_json:
        from flopcast.cli.common import json_text, print_json

        if output is None:
            print_json(report)
            return
        from flopcast.store import atomic_write

        atomic_write(output, json_text(report), what="report")
    elif output is None:
        from flopcast.reporting.markdown import render

        print(render(report), end="")
        return
    else:
        step(f"Writing {output}" + ("" if no_plots else " with its plots"))
        write_report(report, output, plots=not no_plots, key=args)
    print(f"wrote {output}" + (" (replacing the previous file)" if replaced else ""))


#: What ``-o`` writes without --json: Markdown (plots as files beside it) or HTML.
REPORT_SUFFIXES = (".md", ".html", ".htm")


def write_report(
    report: Report, output: Path, *, plots: bool, key: dict[str, Any] | None = None
) -> None:
    """Write Markdown (plots as SVG files beside it) or self-contained HTML, each file
    atomically (a failed write leaves the previous report as it was); with ``key`` (the
    arguments the report was built from) the figures are kept on disk for the next run."""
    from flopcast.errors import FlopcastError
    from flopcast.store import atomic_write, check_target

    check_target(output, "report")
    suffix = output.suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        raise FlopcastError(f"-o {str(output)[:200]}: write .md, .html or .json (with --json)")
    from flopcast.reporting.cache import cached

    def draw() -> dict[str, tuple[str, str]]:
        from flopcast.reporting.figures import report_figures

        return report_figures(report)

    figures = {}
    if plots:
        figures = draw() if key is None else cached("report-figures", key, draw)
    if suffix == ".md":
        from flopcast.reporting.markdown import render as render_md

        images = {}
        if figures:
            folder = output.with_name(output.stem + "_files")
            try:
                folder.mkdir(exist_ok=True)
            except OSError as exc:
                raise FlopcastError(
                    f"cannot create the plots' folder {str(folder)[:200]!r}: {exc.strerror or exc}"
                ) from None
            for i, (caption, (svg, _alt)) in enumerate(figures.items(), 1):
                path = folder / f"plot{i}.svg"
                atomic_write(path, svg, what="plot")
                images[caption] = f"{folder.name}/{path.name}"
        atomic_write(output, render_md(report, images), what="report")
    else:
        from flopcast.reporting.html import render as render_html

        atomic_write(output, render_html(report, figures), what="report")
