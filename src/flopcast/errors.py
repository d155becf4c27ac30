"""Errors that flopcast reports to a user as one line, with exit code 2, and their wording.

A message names an input the way the caller wrote it: ``--gpus`` on the command line,
``accelerators`` in Python. Library code writes :func:`opt` (``opt("accelerators")``) where
it names an input and :func:`listing` where it points to a list; the CLI runs inside
:func:`cli_surface`, so the same error reads right in both places.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator


class FlopcastError(ValueError):
    """Bad input: the message says what was wrong and what to do instead.

    The CLI prints it as a single line on stderr and exits with code 2; the
    Python API raises it so notebook users can catch it (it is a ``ValueError``).
    """

    exit_code = 2


class FlopcastTypeError(FlopcastError, TypeError):
    """A value of the wrong type (``None`` where a number or a name is needed)."""


_SURFACE: contextvars.ContextVar[str] = contextvars.ContextVar("flopcast_surface", default="python")

#: Python keyword argument → command-line option, for every input a message may name.
OPTIONS: dict[str, str] = {
    "active_params": "--active",
    "total_params": "--total",
    "total": "--total",
    "active": "--active",
    "tokens": "--tokens",
    "training_tokens": "--tokens",
    "accelerator_count": "--gpus",
    "accelerators": "--gpus",
    "accelerator_name": "--gpu",
    "precision": "--precision",
    "peak": "--peak",
    "utilization": "--mfu",
    "achieved": "--achieved",
    "duration": "--days",
    "accelerator_hours": "--gpu-hours",
    "compute": "--compute",
    "samples": "--samples",
    "seed": "--seed",
    "at": "--date",
    "top": "--top",
    "context": "--context",
    "quant": "--quant",
    "kv_dtype": "--kv-dtype",
    "law": "--law",
    "moe": "--moe",
    "sparsity": "--sparsity",
    "sparsity_from": "--sparsity-from",
    "overhead_gb": "--overhead",
    "os_reserve_gb": "--os-reserve",
    "n_column": "--n-col",
    "d_column": "--d-col",
    "c_column": "--c-col",
    "loss_column": "--loss-col",
    "bootstrap": "--bootstrap",
    "drop_top_losses": "--drop-top",
    "budgets": "--budget",
    "force": "--force",
    "kv_bytes_per_token": "--kv-per-token",
}

#: What lists the entries of a table: command line, Python.
LISTINGS: dict[str, tuple[str, str]] = {
    "models": ("run 'flopcast models' to list them", "flopcast.models() lists them"),
    "accelerators": (
        "run 'flopcast hardware' to list them",
        "flopcast.accelerators() lists them",
    ),
    "machines": ("run 'flopcast machines' to list them", "flopcast.machines() lists them"),
    "laws": ("run 'flopcast laws' to list them", "flopcast.laws() lists them"),
}


def on_cli() -> bool:
    """Whether the current call comes from the command line."""
    return _SURFACE.get() == "cli"


@contextlib.contextmanager
def cli_surface() -> Iterator[None]:
    """Word errors for the command line while the block runs (the CLI wraps every command)."""
    token = _SURFACE.set("cli")
    try:
        yield
    finally:
        _SURFACE.reset(token)


def opt(name: str, flag: str | None = None) -> str:
    """An input as the caller names it: ``--gpus`` on the command line, ``accelerators`` in
    Python. ``flag`` gives a command's own option where it differs from :data:`OPTIONS`
    (``opt("start", "--from")``)."""
    if on_cli():
        return flag or OPTIONS.get(name, "--" + name.replace("_", "-"))
    return name


def listing(table: str) -> str:
    """Where to find the entries of a table: a command, or a Python function."""
    cli, python = LISTINGS[table]
    return cli if on_cli() else python
