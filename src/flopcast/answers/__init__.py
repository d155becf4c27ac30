"""Every command's answer, assembled in one place, below the command line and the web app.

``flopcast NAME ... --json`` prints ``NAME_answer(...).to_dict()``, and ``GET /api/NAME?...``
returns the same dict for the same inputs; the human output of the command line is rendered
from the same object. The keywords of each function are the command's options without their
dashes (``--gpu-hours`` is ``gpu_hours``), with the command line's defaults, so a command line
reads straight into a call::

    >>> from flopcast.answers import answer
    >>> a = answer("compute", active="288B", tokens="30T")
    >>> a.to_dict()["training_compute_flop"]["value"]
    5.184e+25

What the answer holds beyond its JSON (the library objects it was made from) is there for
rendering and for notebooks. Reading files and the network stays where the command line
allows it: the web app refuses paths and repo ids before it calls these functions.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol

#: Each command with an answer: the module and function that assemble it.
ANSWERS: dict[str, tuple[str, str]] = {
    "compute": ("flopcast.answers.compute", "compute_answer"),
    "compare": ("flopcast.answers.compare", "compare_answer"),
    "frontier": ("flopcast.answers.frontier", "frontier_answer"),
    "cluster": ("flopcast.answers.cluster", "cluster_answer"),
    "plan": ("flopcast.answers.plan", "plan_answer"),
    "systems": ("flopcast.answers.systems", "systems_answer"),
    "trend": ("flopcast.answers.trend", "trend_answer"),
    "models": ("flopcast.answers.catalog", "models_answer"),
    "show": ("flopcast.answers.catalog", "show_answer"),
    "optimal": ("flopcast.answers.scaling", "optimal_answer"),
    "overtrain": ("flopcast.answers.scaling", "overtrain_answer"),
    "fit": ("flopcast.answers.scaling", "fit_answer"),
    "laws": ("flopcast.answers.scaling", "laws_answer"),
    "local": ("flopcast.answers.local", "local_answer"),
    "machines": ("flopcast.answers.local", "machines_answer"),
    "memory": ("flopcast.answers.local", "memory_answer"),
    "arch": ("flopcast.answers.arch", "arch_answer"),
    "hardware": ("flopcast.answers.hardware", "hardware_answer"),
    "report": ("flopcast.answers.report", "report_answer"),
    "epoch": ("flopcast.answers.epoch", "epoch_answer"),
    "plot": ("flopcast.answers.plot", "plot_answer"),
}


class Answer(Protocol):
    """What every answer has: the command's ``--json`` as a dict."""

    def to_dict(self) -> dict[str, Any]: ...


def answer_function(command: str) -> Any:
    """The function that answers ``command`` (``compute`` → :func:`compute_answer`)."""
    from flopcast.errors import FlopcastError

    if not isinstance(command, str) or command not in ANSWERS:
        raise FlopcastError(f"no answer for {str(command)[:40]!r}: use one of {', '.join(ANSWERS)}")
    module, name = ANSWERS[command]
    return getattr(importlib.import_module(module), name)


def answer(command: str, /, *arguments: Any, **options: Any) -> Answer:
    """A command line as a call: its arguments (a model) first, then its options as keywords.
    ``answer("compute", active="288B", tokens="30T").to_dict()`` is what ``flopcast compute
    --active 288B --tokens 30T --json`` prints."""
    import inspect

    from flopcast.errors import FlopcastError

    function = answer_function(command)
    try:
        inspect.signature(function).bind(*arguments, **options)
    except TypeError as exc:
        keywords = ", ".join(inspect.signature(function).parameters)
        raise FlopcastError(f"{command}: {exc}; its keywords: {keywords}") from None
    result: Answer = function(*arguments, **options)
    return result


def __getattr__(name: str) -> Any:
    for module, function in ANSWERS.values():
        if function == name:
            value = getattr(importlib.import_module(module), name)
            globals()[name] = value
            return value
    raise AttributeError(f"module 'flopcast.answers' has no attribute {name!r}")


__all__ = [
    "ANSWERS",
    "Answer",
    "answer",
    "answer_function",
    *sorted(f for _, f in ANSWERS.values()),
]
