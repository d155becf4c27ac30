"""The README's tour is real output: regenerating it changes nothing."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_readme_outputs_are_current(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "update_readme", ROOT / "scripts/update_readme.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setenv("COLUMNS", module.WIDTH)
    monkeypatch.setenv("FLOPCAST_DATA_DIR", str(tmp_path))  # the shipped Epoch AI snapshot
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert module.render(text) == text, "README.md is stale: run python scripts/update_readme.py"


def test_quick_start_is_two_commands_and_its_main_job_works() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Quick start\n\n```sh\n(?P<cmds>.*?)```", text, re.S)
    assert block is not None
    commands = block.group("cmds").strip().splitlines()
    assert len(commands) == 2
    assert "pip install ." in commands[0] and "flopcast " in commands[0]
    assert "pip install -e '.[test]'" in commands[1] and "pytest" in commands[1]
