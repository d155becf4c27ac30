"""The layering (interfaces → answers → report → core → plumbing) and the absence of import
cycles are declared as import-linter contracts in pyproject.toml; CI runs them (`lint-imports`)."""

from __future__ import annotations

import pkgutil
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

import flopcast

ROOT = Path(__file__).resolve().parents[1]


def _contracts() -> list[dict[str, object]]:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        contracts: list[dict[str, object]] = tomllib.load(fh)["tool"]["importlinter"]["contracts"]
    return contracts


def test_every_module_has_a_layer() -> None:
    (layers,) = [c for c in _contracts() if c["type"] == "layers"]
    placed: set[str] = set()
    for layer in layers["layers"]:  # type: ignore[attr-defined]
        placed |= {name.strip() for part in layer.split("|") for name in part.split(":")}
    modules = {m.name for m in pkgutil.iter_modules(flopcast.__path__)} - {"__main__"}
    assert modules - placed == set(), "place new modules in a layer of pyproject.toml"
    assert placed - modules <= {"web", "planning"}  # interfaces that may be absent


def test_contracts_are_kept() -> None:
    exe = shutil.which("lint-imports")
    if exe is None:
        pytest.skip("import-linter is not installed (test extra)")
    run = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:]
    assert "0 broken" in run.stdout
