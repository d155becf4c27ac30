"""The ``flopcast`` command line: a thin layer over the public Python API.

Each command group lives in its own module exposing ``register(app)``. Heavy libraries
(numpy, pydantic, rich) are imported inside commands, so ``flopcast --help`` stays fast.
Bad input is one line on stderr and exit code 2; ``FLOPCAST_DEBUG=1`` shows the traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import typer

from flopcast.errors import FlopcastError

HELP = """Compute accounting for AI models: training FLOP by 6·N·D and by hardware,
comparisons with other models and the frontier, compute-optimality, clusters, exact
architecture counts, with sources and 90% ranges.

\b
Examples:
  flopcast report                 # the whole analysis of the Llama 4 family
  flopcast compute maverick
  flopcast compute --active 288B --tokens 30T..40T --vs llama-3.1-405b
  flopcast compare maverick deepseek-v3 --frontier
  flopcast overtrain maverick --law fixed:40
  flopcast cluster --gpus 100K --gpu h100 --days 90 --mfu 0.4
  flopcast arch meta-llama/Llama-4-Maverick-17B-128E
"""


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="flopcast",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,  # plain click help: rich would cost ~50 ms of start-up
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    from flopcast.cli import (
        arch,
        catalog,
        cluster,
        compare,
        compute,
        epoch,
        frontier,
        hardware,
        local,
        plot,
        report,
        scaling,
    )

    for module in (
        report,
        compute,
        compare,
        cluster,
        catalog,
        frontier,
        scaling,
        arch,
        epoch,
        hardware,
        plot,
        local,
    ):
        module.register(app)
    return app


def _error(message: str) -> None:
    sys.stderr.write(f"flopcast: error: {message}\n")


def _is(exc: BaseException, name: str) -> bool:
    """Whether ``exc`` is a click/typer exception of that class name.

    Typer has vendored click (``typer._click``) since 0.22 while older releases use click
    itself; matching on the class hierarchy's names works with both.
    """
    return any(cls.__name__ == name for cls in type(exc).__mro__)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 on success, 2 on bad input)."""
    debug = os.environ.get("FLOPCAST_DEBUG", "") not in ("", "0")
    app = build_app()
    try:
        app(
            args=list(argv) if argv is not None else None,
            prog_name="flopcast",
            standalone_mode=False,
        )
    except FlopcastError as exc:
        if debug:
            raise
        _error(str(exc))
        return exc.exit_code
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if _is(exc, "NoArgsIsHelpError"):  # bare `flopcast`: typer has shown the help
            return 0
        if _is(exc, "UsageError"):
            if debug:
                raise
            ctx = getattr(exc, "ctx", None)
            command = ctx.command_path if ctx else "flopcast"
            _error(f"{exc.format_message()} (see '{command} --help')")  # type: ignore[attr-defined]
            return 2
        if _is(exc, "Exit"):
            return int(getattr(exc, "exit_code", 0))
        if _is(exc, "Abort"):
            _error("aborted")
            return 130
        if debug:  # a bug, not bad input: say so in one line unless debugging
            raise
        _error(
            f"internal error: {type(exc).__name__}: {exc} "
            "(set FLOPCAST_DEBUG=1 for the traceback, and please report it)"
        )
        return 1
    return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
