"""Every data file, template and static asset under src/flopcast is shipped in the wheel: a
file the package-data patterns miss works in a checkout and is absent after `pip install .`."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "flopcast"


def test_package_data_patterns_cover_every_non_python_file() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["flopcast"]
    shipped = {p for pattern in patterns for p in PACKAGE.glob(pattern) if p.is_file()}
    files = {
        p
        for p in PACKAGE.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    }
    assert files, "no data files found"
    missing = sorted(str(p.relative_to(PACKAGE)) for p in files - shipped)
    assert not missing, f"add patterns to [tool.setuptools.package-data]: {missing}"
