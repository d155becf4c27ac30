"""Shared test helpers: run the CLI in-process and capture what a user would see."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from flopcast.cli import main


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


CLI = Callable[..., Run]


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Validated data files are cached in a directory of the test session's own."""
    import os

    os.environ["FLOPCAST_CACHE_DIR"] = str(tmp_path_factory.mktemp("flopcast-cache"))


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> CLI:
    """``cli("compute", "--active", "17B", ...)`` → exit code, stdout, stderr.

    A wide terminal, so that assertions on human output are not broken by line wrapping.
    """
    monkeypatch.setenv("COLUMNS", "200")

    def run(*args: str) -> Run:
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
