"""The Python API a notebook user expects: every command by name, quantity strings
everywhere, no module/function name clashes, runnable docstring examples."""

from __future__ import annotations

import doctest
import importlib
import json
import pkgutil
import subprocess
import sys
import types

import pytest

import flopcast
from flopcast.errors import FlopcastError

#: Every command and the public name a Python user calls for it.
COMMANDS = {
    "compute": "compute", "compare": "compare", "cluster": "cluster", "frontier": "frontier",
    "models": "models", "show": "model", "arch": "architecture", "memory": "memory",
    "local": "local", "machines": "machines", "optimal": "optimal", "overtrain": "overtrain",
    "fit": "fit", "laws": "laws", "report": "report", "plot": "plot", "hardware": "accelerators",
    "systems": "largest_systems", "trend": "fit_trend", "serve": "serve", "plan": "plan",
}  # fmt: skip


def test_fresh_interpreter_dir_lists_the_api() -> None:
    code = (
        "import flopcast, json, types\n"
        "names = dir(flopcast)\n"
        "kinds = {n: type(getattr(flopcast, n)).__name__ for n in names if n != '__version__'}\n"
        "print(json.dumps(kinds))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    kinds = json.loads(out.stdout)
    assert set(COMMANDS.values()) <= set(kinds)
    assert "module" not in kinds.values()
    assert all(callable(getattr(flopcast, n)) for n in kinds)


def test_no_public_name_is_also_a_top_level_module() -> None:
    modules = {m.name for m in pkgutil.iter_modules(flopcast.__path__)}
    assert not modules & set(flopcast.__all__)
    for name in flopcast.__all__:
        if name != "__version__":
            assert not isinstance(getattr(flopcast, name), types.ModuleType), name


def test_every_cli_command_has_an_api() -> None:
    from flopcast.cli import COMMANDS as CLI_COMMANDS

    missing = [c for c in CLI_COMMANDS if c not in COMMANDS and c != "epoch"]
    assert not missing, f"commands without a Python API: {missing}"


def test_quantity_forms_everywhere() -> None:
    # the same "7B" / "2T" / "40%" / "90d" the CLI reads
    assert flopcast.overtrain("7B", "2T").k == pytest.approx(2e12 / 7e9 / 40)  # fixed:40
    total = flopcast.cluster(
        accelerators="1K", accelerator_name="h100", duration="90d", utilization="40%"
    ).total
    assert total is not None and total.value == pytest.approx(1000 * 989.4e12 * 0.4 * 90 * 86400)
    assert flopcast.compare("4.8e25", "gpt-4").b_label == "GPT-4"
    assert flopcast.memory("llama-3.1-8b", "q8_0", "32k").context == 32_768


def test_errors_for_python_callers() -> None:
    with pytest.raises(FlopcastError, match="add tokens"):
        flopcast.estimate(active_params="7B")
    with pytest.raises(FlopcastError):
        flopcast.model(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        flopcast.accelerator(None)  # type: ignore[arg-type]


DOCTESTED = [
    "flopcast", "flopcast.accounting", "flopcast.comparison", "flopcast.regulation",
    "flopcast.listing", "flopcast.configs", "flopcast.inference.estimate",
    "flopcast.inference.placement", "flopcast.scaling.laws", "flopcast.reporting.build",
    "flopcast.planning.build", "flopcast.answers",
]  # fmt: skip


@pytest.mark.parametrize("name", DOCTESTED)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and (result.attempted > 0 or name == "flopcast")


def test_readme_python_section_runs() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Python API") : text.index("## Conventions")]
    code = section[section.index("```python") + len("```python") : section.rindex("```")]
    parser = doctest.DocTestParser()
    test = parser.get_doctest(code, {}, "README.md", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0 and runner.tries >= 10
