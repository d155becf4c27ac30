"""The ``flopcast`` command line: a thin layer over the public Python API.

Each command group lives in its own module exposing ``register(app)``. Heavy libraries
(numpy, pydantic, rich) are imported inside commands, so ``flopcast --help`` stays fast.
Bad input is one line on stderr and exit code 2; ``FLOPCAST_DEBUG=1`` shows the traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from functools import cache
from typing import Any

import typer
from typer.core import TyperGroup

from flopcast.errors import FlopcastError, cli_surface

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
  flopcast plan llama-3.1-405b --gpus 16384 --tp 8 --pp 16 --recompute full
  flopcast arch meta-llama/Llama-4-Maverick-17B-128E
"""


#: Every command: the module that defines it, and the one line ``flopcast --help`` shows.
#: Commands load lazily: ``flopcast --help`` imports none of these modules, and
#: ``flopcast compute ...`` imports only ``flopcast.cli.compute``.
COMMANDS: dict[str, tuple[str, str]] = {
    "report": ("flopcast.cli.report", "The whole analysis of a model or a family."),
    "compute": ("flopcast.cli.compute", "Training compute by 6·N·D and by hardware, reconciled."),
    "compare": ("flopcast.cli.compare", "Compare compute figures or models, in numbers and words."),
    "frontier": ("flopcast.cli.frontier", "The largest known training runs up to a date."),
    "cluster": (
        "flopcast.cli.cluster",
        "What N accelerators (or a site's power) produce, and cost.",
    ),
    "plan": (
        "flopcast.cli.plan",
        "Plan a training run: memory per GPU, the step time, layouts that fit.",
    ),
    "systems": ("flopcast.cli.systems", "The real AI supercomputers at a date (Epoch AI)."),
    "trend": ("flopcast.cli.trend", "Growth of training compute, forecasts, model counts."),
    "models": ("flopcast.cli.catalog", "The model catalog as a table."),
    "show": ("flopcast.cli.catalog", "One model: every figure with its source and range."),
    "optimal": ("flopcast.cli.scaling", "The compute-optimal model for a budget."),
    "overtrain": ("flopcast.cli.scaling", "Overtraining factor and its cost, under every law."),
    "fit": ("flopcast.cli.scaling", "Fit a scaling law to your own runs."),
    "laws": ("flopcast.cli.scaling", "The scaling laws flopcast ships."),
    "local": ("flopcast.cli.local", "Can I run it? Models against machines."),
    "machines": ("flopcast.cli.local", "Machines to run models on: memory, bandwidth, sources."),
    "memory": ("flopcast.cli.local", "Memory to run a model: weights, KV cache, overhead."),
    "arch": ("flopcast.cli.arch", "Exact parameters, FLOPs and KV cache from a config.json."),
    "hardware": ("flopcast.cli.hardware", "Accelerators: dense peak FLOP/s, memory, sources."),
    "plot": ("flopcast.cli.plot", "Plots: timeline, tokens per parameter, memory."),
    "epoch": ("flopcast.cli.epoch", "Epoch AI's database: import, status, reset."),
    "serve": ("flopcast.cli.serve", "The analysis in a browser, and a JSON API (serve extra)."),
}

_APP_SETTINGS: dict[str, Any] = {
    "add_completion": False,  # the root app adds it (--install-completion, --show-completion)
    "pretty_exceptions_enable": False,
    "rich_markup_mode": None,  # plain click help: rich would cost ~50 ms of start-up
    "context_settings": {"help_option_names": ["-h", "--help"]},
}


@cache
def _module_commands(module_name: str) -> dict[str, Any]:
    """The click commands a CLI module registers, by name (built on first use)."""
    import importlib

    from typer.main import get_command

    sub = typer.Typer(**_APP_SETTINGS)
    importlib.import_module(module_name).register(sub)
    cmd = get_command(sub)
    _finite_floats(cmd)
    commands = getattr(cmd, "commands", None)
    found = dict(commands) if commands is not None else {str(cmd.name): cmd}
    for command in found.values():  # what every command shares, handled in one place
        for leaf in _leaves(command):
            leaf.params.append(_wide_option())
            _refuse_repeats(leaf)
    return found


def _leaves(command: Any) -> list[Any]:
    """A command, or the commands of a group (``flopcast epoch import``), recursively."""
    subs = getattr(command, "commands", None)
    if subs is None:
        return [command]
    return [leaf for sub in subs.values() for leaf in _leaves(sub)]


def _refuse_repeats(command: Any) -> None:
    """An option given twice is an error unless it accumulates (``--vs a --vs b``): click
    would silently keep the last one."""
    parse = command.parse_args

    def parse_args(ctx: Any, args: list[str]) -> Any:
        repeated_option(command, args)
        return parse(ctx, args)

    command.parse_args = parse_args


def repeated_option(command: Any, args: Sequence[str]) -> None:
    """Raise if ``args`` give a single-valued option of ``command`` more than once."""
    names: dict[str, Any] = {}
    for param in command.params:
        if getattr(param, "param_type_name", "") == "option":
            for name in [*param.opts, *param.secondary_opts]:
                names[name] = param
    seen: dict[str, str] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            break
        name = arg.split("=", 1)[0] if arg.startswith("--") else arg
        param = names.get(name)
        if param is None:
            continue
        if not param.is_flag and not param.count and "=" not in arg:
            i += 1  # its value
        if param.multiple or param.count:
            continue
        takes_value = not param.is_flag and "=" not in arg and i - 1 < len(args)
        given = f"{name} {args[i - 1]}" if takes_value else arg
        if param.name in seen:
            many = _repeatable(command)
            raise FlopcastError(
                f"{given} repeats {seen[param.name]}: give only one"
                + (f" (only {many} may be repeated)" if many else "")
            )
        seen[param.name] = given


def _repeatable(command: Any) -> str:
    opts = [p.opts[0] for p in command.params if getattr(p, "multiple", False) and p.opts]
    return ", ".join(opts)


def _wide_option() -> Any:
    """``--wide``: lay human output out without a width limit (``COLUMNS`` sets a width)."""
    from typer.core import TyperOption

    def set_wide(ctx: Any, param: Any, value: bool) -> None:
        from flopcast.cli.common import set_wide

        set_wide(bool(value))

    return TyperOption(
        param_decls=["--wide"],
        is_flag=True,
        default=False,
        expose_value=False,
        callback=set_wide,
        help="No width limit: one line per row (default: the terminal's width, or 80 "
        "columns in a pipe; COLUMNS=N sets it).",
    )


def _finite_floats(cmd: Any) -> None:
    """Every float option of ``cmd`` (and its subcommands) refuses nan and inf: click's range
    checks let NaN through (every comparison with NaN is false)."""
    import math

    for sub in getattr(cmd, "commands", {}).values():
        _finite_floats(sub)
    for param in getattr(cmd, "params", ()):
        kind = param.type
        if "Float" not in type(kind).__name__ or getattr(kind, "_flopcast_finite", False):
            continue

        def convert(
            value: Any, param: Any, ctx: Any, _orig: Any = kind.convert, _kind: Any = kind
        ) -> Any:
            out = _orig(value, param, ctx)
            if isinstance(out, float) and not math.isfinite(out):
                _kind.fail(f"{value!r} is not a finite number", param, ctx)
            return out

        kind.convert = convert
        kind._flopcast_finite = True


class LazyGroup(TyperGroup):
    """The top-level group: lists :data:`COMMANDS` and imports a command only when it runs."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return None
        commands = _module_commands(COMMANDS[cmd_name][0])
        cmd = commands.get(cmd_name)
        if cmd is None and len(commands) == 1:  # registered under its function's name
            cmd = next(iter(commands.values()))
        if cmd is not None:
            cmd.name = cmd_name
        return cmd

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        if name and name not in COMMANDS and not name.startswith("-"):
            import difflib

            close = difflib.get_close_matches(name.lower(), list(COMMANDS), n=3)
            hint = f": did you mean {', '.join(close)}?" if close else ""
            ctx.fail(f"No such command {name!r}{hint}")
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, short) for name, (_, short) in COMMANDS.items()])


def build_app() -> typer.Typer:
    settings = {**_APP_SETTINGS, "add_completion": True}
    app = typer.Typer(name="flopcast", help=HELP, no_args_is_help=True, cls=LazyGroup, **settings)

    @app.callback()
    def _root(
        version: bool = typer.Option(
            False,
            "--version",
            is_eager=True,
            callback=_print_version,
            help="Print flopcast's version and exit.",
        ),
    ) -> None:
        """The group's own options: --version, shell completion, --help."""

    return app


def _print_version(value: bool) -> None:
    if value:
        from flopcast import __version__

        sys.stdout.write(f"flopcast {__version__}\n")
        raise typer.Exit()


def _error(message: str) -> None:
    from flopcast.sanitize import terminal_safe

    sys.stderr.write(f"flopcast: error: {terminal_safe(message)}\n")


def _stdout_id() -> tuple[int, int] | None:
    try:
        st = os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file behind sys.stdout (tests)
        return None
    return (st.st_dev, st.st_ino)


def _silence_stdout() -> None:
    """After a closed pipe: point stdout at the null device, so the interpreter's last flush
    does not fail again (Python's documented way, see the signal module's notes on SIGPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _closed_pipe_exit(exc: SystemExit, before: tuple[int, int] | None) -> bool:
    """Whether ``exc`` is rich's exit on a closed pipe (it points stdout at the null device,
    then exits with 1): ``flopcast models | head -1`` is not an error."""
    if exc.code != 1 or before is None:
        return False
    after = _stdout_id()
    try:
        st = os.stat(os.devnull)
    except OSError:
        return False
    return after != before and after == (st.st_dev, st.st_ino)


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
    stdout_before = _stdout_id()
    try:
        with cli_surface():
            app(
                args=list(argv) if argv is not None else None,
                prog_name="flopcast",
                standalone_mode=False,
            )
        sys.stdout.flush()
    except FlopcastError as exc:
        if debug:
            raise
        _error(str(exc))
        return exc.exit_code
    except BrokenPipeError:  # the reader went away (| head): nothing more to say
        _silence_stdout()
        return 0
    except SystemExit as exc:
        if _closed_pipe_exit(exc, stdout_before):
            return 0
        raise
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
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
