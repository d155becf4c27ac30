"""Every command, every option, one hostile value at a time (about 2,800 command lines, see
``fuzz_cli.py``): no internal error, no traceback, no hang, no "inf" in an answer, no control
characters in the output, every error one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_no_hostile_command_line_misbehaves(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
        "FLOPCAST_CACHE_DIR": str(tmp_path / "cache"),
    }
    env.pop("FLOPCAST_DEBUG", None)
    r = subprocess.run(
        [sys.executable, "-m", "tests.robust.fuzz_cli", "--json", "--timeout", "60"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=3000,
    )  # fmt: skip
    bad = json.loads(r.stdout)
    shown = [f"{o['problem']}: {o['argv']!r}: {o['err'][-300:]}" for o in bad[:20]]
    assert not bad, "\n".join(shown)
    assert r.returncode == 0, r.stderr[-2000:]
