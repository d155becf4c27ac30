"""The command line's details: repeated options, hints naming real options, --version."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

from tests.conftest import CLI

SRC = Path(__file__).resolve().parents[1] / "src" / "flopcast"

#: Options of other programs and CSS variables that flopcast's text names on purpose.
NOT_OURS = {
    "--cache-type-k": "llama.cpp's KV-cache type, in data/kv_dtypes.toml",
    "--cache-type-v": "llama.cpp's KV-cache type",
    "--kv-cache-dtype": "vLLM's KV-cache type, in data/kv_dtypes.toml",
    "--query-gpu": "nvidia-smi's query, run by --on this (inference/detect.py)",
    "--format": "nvidia-smi's output format",
    "--accent": "a CSS variable of the HTML report",
    "--fg": "a CSS variable",
    "--muted": "a CSS variable",
    "--rule": "a CSS variable",
    "--bg": "a CSS variable",
}


def cli_options() -> set[str]:
    """Every option of every command (and of ``flopcast`` itself), from the typer app."""
    from typer.main import get_command

    from flopcast.cli import COMMANDS, _leaves, _module_commands, build_app

    names = {"--help", "-h"}  # click's, on every command
    root = get_command(build_app())
    for p in root.params:
        names.update([*p.opts, *p.secondary_opts])
    for module, _ in COMMANDS.values():
        for command in _module_commands(module).values():
            for leaf in _leaves(command):
                for p in leaf.params:
                    names.update([*p.opts, *p.secondary_opts])
    return names


def named_options() -> dict[str, list[str]]:
    """``--option`` words in flopcast's strings and data files → where."""
    pattern = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
    found: dict[str, list[str]] = {}
    for path in SRC.rglob("*.py"):
        for tok in tokenize.generate_tokens(io.StringIO(path.read_text("utf-8")).readline):
            if tok.type == tokenize.STRING or tok.type == getattr(tokenize, "FSTRING_MIDDLE", -1):
                for name in pattern.findall(tok.string):
                    found.setdefault(name, []).append(f"{path.name}:{tok.start[0]}")
    for path in (SRC / "data").rglob("*.toml"):
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            for name in pattern.findall(line):
                found.setdefault(name, []).append(f"{path.name}:{n}")
    return found


def test_every_option_a_message_names_exists() -> None:
    real = cli_options()
    assert {"--n-col", "--vs", "--wide", "--version", "--json"} <= real
    wrong = {
        name: where
        for name, where in named_options().items()
        if name not in real and name not in NOT_OURS
    }
    assert not wrong, f"hints name options no command has: {wrong}"


def test_every_option_the_library_maps_exists() -> None:
    from flopcast.errors import OPTIONS
    from flopcast.trends.data import ARGS

    real = cli_options()
    assert not {o for o in [*OPTIONS.values(), *ARGS.values()] if o not in real}


def test_a_fit_hint_names_the_real_option(cli: CLI, tmp_path: Path) -> None:
    runs = tmp_path / "runs.csv"
    runs.write_text("params,D,loss\n1e8,2e9,3\n")
    r = cli("fit", str(runs))
    assert r.code == 2 and "name it with --n-col" in r.err


def test_repeated_vs_accumulates(cli: CLI) -> None:
    r = cli("compute", "--active", "17B", "--tokens", "22T", "--vs", "3.8e25", "--vs", "gpt-4",
            "--json")  # fmt: skip
    assert r.code == 0, r.err
    words = [c["words"] for c in r.json()["comparisons"]]
    # 6 x 17e9 x 22e12 = 2.244e24: 3.8e25 / 2.244e24 = 16.9x; GPT-4's 2.1e25 / 2.244e24 = 9.4x
    assert words == ["17x less", "9.4x less"]
    r = cli("compute", "--active", "17B", "--tokens", "22T", "--vs", "3.8e25", "--vs", "gpt-4")
    assert "vs 3.8e25 FLOP" in r.out and "vs GPT-4: 2.1e25 FLOP" in r.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compute", "--active", "17B", "--active", "20B", "--tokens", "1T"],
         "--active 20B repeats --active 17B: give only one (only --vs may be repeated)"),
        (["compute", "-N", "17B", "--tokens=1T", "--tokens=2T"], "--tokens=2T repeats --tokens=1T"),
        (["models", "--open", "--closed"], "--closed repeats --open: give only one"),
        (["local", "scout", "--on", "rtx 4090", "--on", "rtx 3090"],
         "--on rtx 3090 repeats --on rtx 4090"),
    ],
)  # fmt: skip
def test_a_single_valued_option_given_twice_is_an_error(
    cli: CLI, args: list[str], message: str
) -> None:
    r = cli(*args)
    assert r.code == 2 and message in r.err and r.out == ""


def test_version(cli: CLI) -> None:
    import flopcast

    r = cli("--version")
    assert r.code == 0 and r.out == f"flopcast {flopcast.__version__}\n"


def test_shell_completion_of_commands_and_options() -> None:
    import os
    import subprocess
    import sys

    env = dict(os.environ, _FLOPCAST_COMPLETE="complete_bash", COMP_CWORD="1")
    env["COMP_WORDS"] = "flopcast comp"
    run = [sys.executable, "-c", "from flopcast.cli import run; run()"]
    out = subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["compute", "compare"]
    env.update(COMP_WORDS="flopcast compute --gp", COMP_CWORD="2")
    out = subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["--gpus", "--gpu", "--gpu-hours"]
    r = subprocess.run([*run, "--help"], capture_output=True, text=True, check=True).stdout
    assert "--install-completion" in r and "--show-completion" in r


def _isoflop_csv(tmp_path: Path) -> Path:
    """Three isoFLOP profiles of L = 1.69 + 406.4/N^0.34 + 410.7/D^0.28 (Hoffmann et al.)."""
    rows = ["N,D,C,loss"]
    for c in (1e18, 1e19, 1e20):
        for f in (0.25, 0.5, 1, 2, 4):
            n = f * (c / 120) ** 0.5
            d = c / (6 * n)
            rows.append(f"{n:.6g},{d:.6g},{c:g},{1.69 + 406.4 / n**0.34 + 410.7 / d**0.28:.6f}")
    path = tmp_path / "iso.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def test_progress_in_a_terminal_only(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    args = ("fit", str(_isoflop_csv(tmp_path)), "--approach", "2", "--bootstrap", "20")
    piped = cli(*args)
    assert piped.code == 0 and piped.err == ""  # stderr is not a terminal: nothing
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    shown = cli(*args)
    assert "Fitting isoFLOP parabolas to 15 runs, with 20 bootstrap refits" in shown.err
    assert shown.out == piped.out  # the answer itself is unchanged, on stdout
    quiet = cli(*args, "--json")
    assert quiet.err == ""


def test_the_wording_names_the_law_actually_used(cli: CLI) -> None:
    r = cli("optimal", "--compute", "8.4e22")
    assert r.code == 0, r.err
    assert "fixed:40 is flopcast's default law" in r.out and "fixed:R" not in r.out
    # sqrt(8.4e22 / (6 x 40)) = 18.7B parameters, x 40 = 748B tokens
    assert "18.7B" in r.out and "748B" in r.out
    r = cli("optimal", "--compute", "8.4e22", "--law", "fixed:20")
    assert "a ratio stated by the user, fixed:20" in r.out and "default law" not in r.out
    r = cli("overtrain", "maverick")
    assert "fixed:40 is flopcast's default law" in r.out
