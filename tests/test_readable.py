"""Every command's human output is readable at 80 and 120 columns and in a pipe: no cell cut
with "…", no line wider than the width but a lone URL, no trailing spaces."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest

from flopcast.cli import main
from tests.readable import assert_readable

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"^<!-- flopcast: (?P<cmds>.+?) -->$", re.M)


def tour() -> list[str]:
    """The README tour's commands (its outputs are checked by tests/test_readme.py)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    out = []
    for m in MARKER.finditer(text):
        for cmd in m.group("cmds").split(" ;; "):
            out.append(cmd.partition("| head -")[0].strip())
    return out


#: Beyond the tour: each command's default output (and a few of its common forms).
MORE: list[Any] = [
    "models",
    "models --developer meta",
    "frontier",
    "local gpt-oss-120b",
    "local llama-3.1-70b --on 'rtx 4090'",
    "local scout qwen3-30b-a3b --on custom:24GB@1008GB/s",
    "local grok-1 --on 'rtx 4090'",
    "machines",
    "machines 'custom:128GB@546GB/s mac'",
    "memory grok-1",
    "hardware",
    "hardware mi300x",
    "systems",
    "systems --by owner",
    "systems 'Meta 100k'",
    "trend",
    "compute gpt-4",
    "compute deepseek-v3 --vs gpt-4 --vs grok-3",
    "compute --active 17B --tokens 22T --gpus 16K --mfu 40% --gpu h100",
    "show deepseek-v3",
    "memory qwen3-30b-a3b",
    "arch qwen3-30b-a3b --layers",
    "laws",
    "overtrain deepseek-v3",
    "optimal --compute 8.4e22",
    "cluster --gpus 16K --gpu h100 --days 54",
    "epoch status",
    pytest.param("fit {runs} --bootstrap 50", marks=pytest.mark.slow),  # a fit: seconds
]

COMMANDS = [*sorted(set(tour() + [c for c in MORE if isinstance(c, str)])), MORE[-1]]


@pytest.fixture(scope="module")
def runs_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Runs of a known law, L = 1.69 + 406.4/N^0.34 + 410.7/D^0.28 (Hoffmann et al. 2022)."""
    path = tmp_path_factory.mktemp("fit") / "runs.csv"
    lines = ["N,D,loss"]
    for n in (70e6, 160e6, 400e6, 1e9, 2.8e9):
        for d in (2e9, 8e9, 30e9, 100e9):
            loss = 1.69 + 406.4 / n**0.34 + 410.7 / d**0.28
            lines.append(f"{n:g},{d:g},{loss:.5f}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    columns: str | None,
) -> str:
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    code = main(args)
    out = capsys.readouterr()
    assert code in (0, 2), out.err
    # bad input is one line on stderr, whatever the width (a log keeps it whole)
    assert all(line == line.rstrip() for line in out.err.splitlines())
    return out.out if code == 0 else out.err.strip()[:80]


@pytest.mark.parametrize("command", COMMANDS)
def test_readable_at_80_and_120_and_in_a_pipe(
    command: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    runs_csv: Path,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("FLOPCAST_DATA_DIR", str(tmp_path))  # the shipped data
    args = shlex.split(command.format(runs=runs_csv))
    for columns, width in (("80", 80), ("120", 120), (None, 80)):  # None: a pipe
        text = _run(capsys, monkeypatch, args, columns)
        assert text.strip(), command
        if args[0] == "report":  # Markdown: its paragraphs are not wrapped
            assert all(line == line.rstrip() for line in text.splitlines())
            continue
        assert_readable(text, width)


def test_wide_lays_out_without_a_limit(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    narrow = _run(capsys, monkeypatch, ["frontier", "--date", "2025-04-05"], "80")
    wide = _run(capsys, monkeypatch, ["frontier", "--date", "2025-04-05", "--wide"], "80")
    # at 80 columns the basis goes under each row; --wide keeps every row on one line
    assert "\n     estimated by Epoch AI (Likely)" in narrow
    row = next(line for line in wide.splitlines() if "GPT-4.5" in line)
    assert row.endswith("estimated by Epoch AI (Likely)") and len(row) > 80
    again = _run(capsys, monkeypatch, ["frontier", "--date", "2025-04-05"], "80")
    assert again == narrow  # --wide lasts one command


def test_a_terminal_gets_the_same_layout_styled(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    plain = _run(capsys, monkeypatch, ["frontier", "--date", "2025-04-05"], "80")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    styled = _run(capsys, monkeypatch, ["frontier", "--date", "2025-04-05"], "80")
    assert "\x1b[" in styled
    assert re.sub(r"\x1b\[[0-9;]*m", "", styled) == plain


def test_csv_for_machines(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import csv
    import io

    for args in (["models", "--csv"], ["frontier", "--csv"], ["hardware", "--csv"]):
        text = _run(capsys, monkeypatch, args, "40")
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) > 2 and all(len(r) == len(rows[0]) for r in rows), args
