"""The hostile command lines that once crashed, hung, answered "inf" or took bad input without a
word: each is now a one-line error with exit code 2 (or a right answer), never a traceback."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CLI

SRC = str(Path(__file__).resolve().parents[2] / "src")
TINY = {
    "model_type": "llama",
    "hidden_size": 64,
    "intermediate_size": 128,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "num_hidden_layers": 2,
    "vocab_size": 1000,
}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        # overflow: an error naming the inputs, never "inf"
        (["compute", "--active", "1e200", "--tokens", "1e200"], r"too large .* --active 1e200"),
        (["compute", "--active", "1e200..1e300", "--tokens", "22T"], r"end of its 90% interval"),
        (["compute", "--active", "17B", "--tokens", "22T~1e400x"], r"finite factor"),
        (["compute", "--active", "17B", "--tokens", "5e20~1e300x"], r"range of floating-point"),
        (["compare", "1e300", "1e-300"], r"too large to compute"),
        (["compare", "5e25", "1e-300"], r"too large to compute"),
        (["compute", "--active", "17B", "--tokens", "20T..30T", "--seed", "-1"], r"--seed"),
        (["compute", "--active", "17B", "--tokens", "20T..30T", "--samples", "1000000000"],
         r"--samples"),
        (["arch", "meta-llama/Llama-3.1-8B-Instruct", "--context", "1" + "0" * 400],
         r"context .* absurd"),
        # bad input taken without a word
        (["local", "scout", "--ram", "nan"], r"--ram.*not a finite number"),
        (["overtrain", "--active", "400B", "--total", "17B", "--tokens", "22T"],
         r"fewer than the active ones.*swapped"),
        (["compute", "--gpus", "0.5", "--gpu", "h100", "--days", "90"], r"at least 1 accelerator"),
        (["cluster", "--gpus", "0.5", "--gpu", "h100", "--days", "90"], r"at least 1 accelerator"),
        # hints name real options
        (["report", "--active", "17B", "--tokens", "22T", "--gpus", "lots", "--json"],
         r"cannot read --gpus 'lots'"),
        (["report", "--active", "seventeen", "--tokens", "22T", "--json"],
         r"cannot read --active 'seventeen'"),
        (["compute", "--gpus", "32K", "--gpu", "h100"], r"add --days"),
        # outputs
        (["report", "maverick", "--json", "-o", "/nonexistent-dir/r.json"], r"does not exist"),
        (["report", "maverick", "-o", "/nonexistent-dir/r.md"], r"does not exist"),
        (["report", "maverick", "-o", "r.txt"], r"write \.md, \.html or \.json"),
        (["plot", "timeline", "--end", "9999-12-31", "-o", "t.png"], r"from 1950 to 2100"),
        (["plot", "timeline", "-o", "/nonexistent-dir/t.png"], r"does not exist"),
    ],
)  # fmt: skip
def test_one_line_error(cli: CLI, argv: list[str], message: str) -> None:
    import re

    r = cli(*argv)
    assert r.code == 2, (argv, r.out[:300], r.err)
    assert re.search(message, r.err), r.err
    assert len(r.err.strip().splitlines()) == 1 and "internal error" not in r.err


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    def w(name: str, data: bytes) -> Path:
        p = tmp_path / name
        p.write_bytes(data)
        return p

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    cfg = json.dumps(TINY)
    return {
        "fifo": fifo,
        "utf16": w("utf16.json", cfg.encode("utf-16")),
        "latin1": w("latin1.json", cfg.replace("llama", "llamá").encode("latin-1")),
        "deep": w("deep.json", b"[" * 100_000 + b"]" * 100_000),
        "bom": w("bom.json", b"\xef\xbb\xbf" + cfg.encode()),
        "layers": w("layers.json", json.dumps({**TINY, "num_hidden_layers": 10**9}).encode()),
        "hidden": w("hidden.json", json.dumps({**TINY, "hidden_size": 4e303}).encode()),
        "vocab": w("vocab.json", cfg.replace("1000", "1e400").encode()),
        "csv16": w("runs16.csv", "N,D,loss\n1e9,2e10,2.5\n".encode("utf-16")),
    }


@pytest.mark.parametrize(
    ("args", "key", "message"),
    [
        (["arch"], "fifo", "not a regular file"),
        (["arch"], "utf16", "UTF-16"),
        (["arch"], "latin1", "not UTF-8"),
        (["arch"], "deep", "nests too deeply"),
        (["arch"], "layers", "num_hidden_layers is 1000000000, above the 10,000"),
        (["arch"], "hidden", "hidden_size is an integer of 304 digits, above"),
        (["arch"], "vocab", "vocab_size must be an integer, got inf"),
        (["optimal", "--compute", "5e25", "--law"], "fifo", "not a regular file"),
        (["optimal", "--compute", "5e25", "--law"], "utf16", "UTF-16"),
        (["optimal", "--compute", "5e25", "--law"], "latin1", "not UTF-8"),
        (["optimal", "--compute", "5e25", "--law"], "deep", "nests too deeply"),
        (["fit"], "fifo", "not a regular file"),
        (["fit"], "csv16", "UTF-16"),
        (["epoch", "import"], "fifo", "not a regular file"),
        (["epoch", "import"], "csv16", "UTF-16"),
    ],
)
def test_hostile_files(
    cli: CLI, files: dict[str, Path], args: list[str], key: str, message: str
) -> None:
    r = cli(*args, str(files[key]))
    assert r.code == 2 and message in r.err, r.err
    assert len(r.err.strip().splitlines()) == 1


@pytest.mark.parametrize("args", [["arch"], ["fit"], ["epoch", "import"]])
def test_devices_are_refused_without_reading(cli: CLI, args: list[str]) -> None:
    r = cli(*args, "/dev/zero")
    assert r.code == 2 and "not a regular file" in r.err


def test_config_with_a_bom_is_read(cli: CLI, files: dict[str, Path]) -> None:
    r = cli("arch", str(files["bom"]), "--json")
    assert r.code == 0, r.err
    assert r.json()["model_type"] == "llama"


def test_report_json_to_any_name_writes_json(cli: CLI, tmp_path: Path) -> None:
    out = tmp_path / "out.md"
    r = cli("report", "maverick", "--json", "-o", str(out))
    assert r.code == 0 and f"wrote {out}" in r.out
    assert json.loads(out.read_text())["title"].startswith("Compute accounting")
    r = cli("report", "maverick", "--json", "-o", str(out))
    assert "replacing the previous file" in r.out


def test_markdown_report_escapes_the_name(cli: CLI, tmp_path: Path) -> None:
    import re

    out = tmp_path / "r.md"
    name = "# Owned <script>alert(1)</script> [x](javascript:y)"
    r = cli("report", "--active", "17B", "--tokens", "22T", "--name", name, "-o", str(out),
            "--no-plots")  # fmt: skip
    assert r.code == 0, r.err
    text = out.read_text()
    assert "<script>" not in text and not re.search(r"(?<!\\)\]\(javascript:", text)
    assert "\n# Owned" not in text and "\n## Owned" not in text  # no heading from the name
    assert "&lt;script&gt;" in text


def test_escape_sequences_in_imported_names_do_not_reach_the_terminal(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flopcast.epoch import _clear

    monkeypatch.setenv("FLOPCAST_DATA_DIR", str(tmp_path / "data"))
    csv = tmp_path / "evil.csv"
    csv.write_text(
        "Model,Organization,Publication date,Domain,Parameters,Training compute (FLOP)\n"
        "Evil\x1b[2J\x1b]0;pwned\x07[/x],Org,2024-01-01,Language,1e9,1e30\n"
    )
    _clear()
    try:
        assert cli("epoch", "import", str(csv)).code == 0
        for argv in (("frontier", "--top", "3"), ("show", "evil"), ("models", "--search", "evil")):
            r = cli(*argv)
            assert "\x1b" not in r.out and "\x07" not in r.out, argv
        assert "Evil[2J]0;pwned[/x]" in cli("frontier", "--top", "3").out  # markup as text
    finally:
        _clear()


def test_damaged_cache_pickles_are_rebuilt(tmp_path: Path) -> None:
    """A cache file of another pickle protocol, of another object, or cut off."""
    cache = tmp_path / "cache"
    env = {**os.environ, "FLOPCAST_CACHE_DIR": str(cache), "PYTHONPATH": SRC}
    run = [sys.executable, "-m", "flopcast", "show", "maverick", "--json"]
    first = subprocess.run(run, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    pickles = sorted(cache.glob("*.pickle"))
    assert pickles
    for damage in (
        pickle.dumps({"not": "the catalog"}, protocol=2),
        b"\x80\x09unknown protocol",
        pickles[0].read_bytes()[:50],
    ):
        for p in pickles:
            p.write_bytes(damage)
        again = subprocess.run(run, env=env, capture_output=True, text=True, timeout=120)
        assert again.returncode == 0 and not again.stderr, again.stderr
        assert json.loads(again.stdout) == json.loads(first.stdout)


@pytest.mark.parametrize("argv", [["models"], ["report"], ["models", "--json"], ["hardware"]])
def test_a_closed_pipe_is_not_an_error(argv: list[str]) -> None:
    """``flopcast models | head -1``: exit 0 and nothing on stderr."""
    env = {**os.environ, "PYTHONPATH": SRC, "COLUMNS": "80"}
    script = f"{sys.executable} -m flopcast {' '.join(argv)} | head -c 1 >/dev/null"
    r = subprocess.run(
        ["bash", "-o", "pipefail", "-c", script],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert r.returncode == 0 and r.stderr == "", r.stderr
