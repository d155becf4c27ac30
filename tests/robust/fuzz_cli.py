"""Hostile argument vectors for every command, and a runner that says which ones misbehave.

Every command is run with each of its options (and arguments) replaced, one at a time, by
values a careless or malicious user might type: non-finite and overflowing numbers, negative
and zero counts, inverted ranges, huge factor bands, control characters, very long strings,
FIFOs, devices, directories, files in the wrong encoding, deeply nested JSON, truncated CSVs,
output paths in missing directories. A case misbehaves when flopcast prints "internal error"
or a traceback, runs past a time limit, exits with a code other than 0 or 2, prints more than
one line of error, or answers with "inf"/"nan" where a number belongs.

Run it as a script to see every misbehaving case (``python -m tests.robust.fuzz_cli``); the
slow test in ``test_cli_fuzz.py`` runs it in a child process with a memory limit and expects
none. The cases run in-process, each under an alarm, so the whole list takes a few minutes.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

#: Values for options that take a number (counts, FLOP, rates, durations, fractions).
NUMBERS: tuple[str, ...] = (
    "",
    " ",
    "0",
    "-0",
    "-1",
    "-17B",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "1e400",
    "1e308",
    "1e200",
    "1e-300",
    "5e-324",
    "1e200..1e300",
    "1e300..1e-300",
    "1..1e400",
    "5~1e400x",
    "5~1e300x",
    "5~0x",
    "5~nanx",
    "1e25~1e308x",
    "30T[40T..50T]",
    "1e300[1e300..1e308]",
    "[1..2]",
    "..",
    "1..",
    "~3x",
    "abc",
    "17B17B",
    "None",
    "١٧B",
    "17B\x00",
    "\x1b[31m17B",
    "9" * 400,
    "1" + "0" * 400,
    "0x10",
    "1,,,",
    "101%",
    "1e-9",
    "0.5",
    "18446744073709551617",
)
#: Values for options that take an integer.
INTS: tuple[str, ...] = (
    "-1",
    "0",
    "-99999999999999999999",
    "99999999999999999999",
    "1000000000",
    "nan",
    "1e3",
    "",
)
#: Values for options that take a name (a model, an accelerator, a law, a format).
NAMES: tuple[str, ...] = (
    "",
    " ",
    "nonexistent-model",
    "../../etc/passwd",
    "\x1b]0;pwned\x07",
    "\x1b[2J",
    "a" * 5000,
    "*",
    "%s%n",
    "{}",
    "None",
    "-",
    "fixed:",
    "fixed:nan",
    "fixed:-1",
    "fixed:1e400",
    "fixed:0",
    "1e400",
    "nan",
    "-1",
)
DATES: tuple[str, ...] = ("", "2025-13-01", "0001-01-01", "9999-12-31", "2025-02-30", "nan", "-1")


@dataclass(frozen=True)
class Files:
    """Hostile input files, made once in a scratch directory."""

    root: Path
    fifo: Path
    empty: Path
    directory: Path
    missing: Path
    utf16_json: Path
    latin1_json: Path
    bom_json: Path
    deep_json: Path
    nan_json: Path
    huge_json: Path
    binary: Path
    config_huge_layers: Path
    config_huge_hidden: Path
    config_float_vocab: Path
    config_bom: Path
    runs_csv: Path
    runs_equal_loss: Path
    runs_overflow: Path
    runs_text: Path
    runs_utf16: Path
    runs_latin1: Path
    runs_nul: Path
    runs_long_field: Path
    runs_header_only: Path
    epoch_csv: Path
    epoch_truncated: Path
    epoch_text_compute: Path
    epoch_control_chars: Path
    law_json: Path

    @property
    def paths(self) -> tuple[str, ...]:
        """Hostile values for an argument that names an input file."""
        return (
            str(self.fifo),
            str(self.empty),
            str(self.directory),
            str(self.missing),
            "/dev/zero",
            "/dev/null",
            str(self.utf16_json),
            str(self.latin1_json),
            str(self.deep_json),
            str(self.nan_json),
            str(self.huge_json),
            str(self.binary),
            "",
        )

    @property
    def outputs(self) -> tuple[str, ...]:
        """Hostile values for an option that names an output file: all inside the scratch
        directory (never a real device: a bug that replaced files would replace it)."""
        return (
            str(self.root / "nope" / "out.json"),
            str(self.directory),
            str(self.root / "out.weird"),
            str(self.empty),
            str(self.fifo),
            str(self.root / ("a" * 300)),
            "",
        )


def make_files(root: Path) -> Files:
    root.mkdir(parents=True, exist_ok=True)

    def w(name: str, data: str | bytes) -> Path:
        p = root / name
        p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return p

    fifo = root / "fifo"
    if not fifo.exists():
        os.mkfifo(fifo)
    directory = root / "adir"
    directory.mkdir(exist_ok=True)
    runs = ["N,D,loss"]
    for n in (1e7, 3e7, 1e8, 3e8, 1e9):
        for tpp in (5, 20, 80):
            d = n * tpp
            loss = 1.7 + 400 / n**0.34 + 410 / d**0.28
            runs.append(f"{n:g},{d:g},{loss:.6f}")
    runs_text = "\n".join(runs) + "\n"
    epoch_head = "Model,Organization,Publication date,Domain,Parameters,Training compute (FLOP)"
    epoch_rows = [
        f"Model {i},Org,2024-0{1 + i % 9}-01,Language,{1e9 * (i + 1):g},{1e22 * (i + 1):g}"
        for i in range(40)
    ]
    epoch_full = "\n".join([epoch_head, *epoch_rows]) + "\n"
    config = {
        "model_type": "llama",
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "num_hidden_layers": 2,
        "vocab_size": 1000,
    }
    return Files(
        root=root,
        fifo=fifo,
        empty=w("empty.json", ""),
        directory=directory,
        missing=root / "missing.json",
        utf16_json=w("utf16.json", json.dumps(config).encode("utf-16")),
        latin1_json=w("latin1.json", '{"model_type": "llamá"}'.encode("latin-1")),
        bom_json=w("bom.json", b"\xef\xbb\xbf" + json.dumps(config).encode()),
        deep_json=w("deep.json", "[" * 50_000 + "]" * 50_000),
        nan_json=w("nan.json", '{"model_type": "llama", "hidden_size": NaN}'),
        huge_json=w("huge.json", json.dumps({**config, "hidden_size": 10**400})),
        binary=w("binary.bin", bytes(range(256)) * 8),
        config_huge_layers=w(
            "layers.json", json.dumps({**config, "num_hidden_layers": 1_000_000_000})
        ),
        config_huge_hidden=w("hidden.json", json.dumps({**config, "hidden_size": 4e303})),
        config_float_vocab=w("vocab.json", json.dumps(config).replace("1000", "1e400")),
        config_bom=w("config_bom.json", b"\xef\xbb\xbf" + json.dumps(config).encode()),
        runs_csv=w("runs.csv", runs_text),
        runs_equal_loss=w(
            "equal.csv",
            "N,D,loss\n" + "".join(f"{n:g},{n * 20:g},2.0\n" for n in (1e7, 1e8, 1e9, 1e10)),
        ),
        runs_overflow=w(
            "overflow.csv",
            "N,D,loss\n" + "".join(f"1e{150 + i},1e{160 + i},{2 + i / 10}\n" for i in range(6)),
        ),
        runs_text=w("runs_text.csv", "N,D,loss\nabc,def,ghi\n1e9,2e10,2.1\n"),
        runs_utf16=w("runs16.csv", runs_text.encode("utf-16")),
        runs_latin1=w("runs_latin1.csv", ("N,D,loss,é\n" + "1,2,3,é\n").encode("latin-1")),
        runs_nul=w("runs_nul.csv", runs_text.replace("loss", "lo\x00ss")),
        runs_long_field=w("runs_long.csv", "N,D,loss\n" + "1" * 200_000 + ",2,3\n"),
        runs_header_only=w("runs_header.csv", "N,D,loss\n"),
        epoch_csv=w("epoch.csv", epoch_full),
        epoch_truncated=w("epoch_cut.csv", epoch_full[: len(epoch_full) // 2]),
        epoch_text_compute=w(
            "epoch_text.csv",
            "\n".join([epoch_head, *(r.rsplit(",", 1)[0] + ",lots" for r in epoch_rows)]) + "\n",
        ),
        epoch_control_chars=w(
            "epoch_ctrl.csv",
            "\n".join([epoch_head, "Evil\x1b[2J\x1b]0;pwned\x07,Org,2024-01-01,Language,1e9,1e30"])
            + "\n",
        ),
        law_json=w(
            "law.json",
            '{"flopcast_fit": 1, "E": 1.7, "A": 400, "B": 410, "alpha": 0.34, "beta": 0.28}',
        ),
    )


def _swap(base: Sequence[str], option: str, value: str) -> list[str]:
    """``base`` with ``option``'s value replaced (or the option added)."""
    out = list(base)
    if option in out:
        i = out.index(option)
        out[i + 1] = value
        return out
    return [*out, option, value]


def vectors(f: Files) -> Iterator[list[str]]:
    """Hostile argument vectors, one option or argument spoiled at a time."""
    fit_base = ["fit", str(f.runs_csv), "--bootstrap", "20"]
    compute_base = ["compute", "--active", "17B", "--tokens", "22T"]
    hw_base = ["compute", "--gpus", "32K", "--gpu", "h100", "--days", "90"]
    cluster_base = ["cluster", "--gpus", "32K", "--gpu", "h100", "--days", "90"]
    number_options: list[tuple[list[str], str]] = [
        (compute_base, "--active"),
        (compute_base, "--tokens"),
        (compute_base, "--vs"),
        (hw_base, "--gpus"),
        (hw_base, "--days"),
        (hw_base, "--mfu"),
        (hw_base, "--peak"),
        (hw_base, "--achieved"),
        (["compute", "--gpu-hours", "2.38M", "--gpu", "h100"], "--gpu-hours"),
        (cluster_base, "--gpus"),
        (cluster_base, "--days"),
        (cluster_base, "--mfu"),
        (["cluster", "--gpus", "32K", "--gpu", "h100", "--compute", "5e25"], "--compute"),
        (["optimal", "--compute", "5e25"], "--compute"),
        (["overtrain", "--active", "17B", "--tokens", "22T"], "--active"),
        (["overtrain", "--active", "17B", "--tokens", "22T"], "--tokens"),
        (["overtrain", "--active", "17B", "--tokens", "22T", "--total", "400B"], "--total"),
        (["local", "--total", "109B", "--active", "17B"], "--total"),
        (["local", "--total", "109B", "--active", "17B"], "--active"),
        (["local", "scout"], "--context"),
        (["local", "scout"], "--overhead"),
        (["local", "scout"], "--ram"),
        (["local", "scout"], "--os-reserve"),
        (["local", "--total", "109B", "--active", "17B"], "--kv-per-token"),
        (["memory", "scout"], "--context"),
        (["report", "--active", "17B", "--tokens", "22T", "--json"], "--active"),
        (["report", "--active", "17B", "--tokens", "22T", "--json"], "--tokens"),
        (["report", "--active", "17B", "--tokens", "22T", "--json"], "--total"),
        (["report", "--active", "17B", "--tokens", "22T", "--json", "--gpu", "h100"], "--gpus"),
        ([*fit_base], "--budget"),
        (["plot", "memory", "scout", "-o", str(f.root / "m.png")], "--context"),
        (["plot", "memory", "scout", "-o", str(f.root / "m.png")], "--overhead"),
        (["optimal", "--compute", "5e25"], "--sparsity"),
        (["optimal", "--compute", "5e25"], "--moe"),
        (["plot", "tokens-per-param", "-o", str(f.root / "t.png")], "--sparsity"),
    ]
    for base, option in number_options:
        for value in NUMBERS:
            yield _swap(base, option, value)
    int_options: list[tuple[list[str], str]] = [
        (compute_base, "--sig"),
        (["compute", "--active", "17B", "--tokens", "20T..30T"], "--samples"),
        (["compute", "--active", "17B", "--tokens", "20T..30T"], "--seed"),
        (["cluster", "--gpus", "32K..40K", "--gpu", "h100", "--days", "90"], "--seed"),
        (["compare", "5e25", "3e25~3x"], "--seed"),
        (["compare", "5e25", "3e25~3x"], "--samples"),
        (["frontier"], "--top"),
        (["compare", "maverick", "--frontier"], "--top"),
        (["models"], "--year"),
        (["arch", str(f.bom_json)], "--context"),
        (["local", "scout"], "--sequences"),
        ([*fit_base], "--bootstrap"),
        ([*fit_base], "--drop-top"),
        ([*fit_base], "--seed"),
        ([*fit_base], "--approach"),
    ]
    for base, option in int_options:
        for value in INTS:
            yield _swap(base, option, value)
    name_options: list[tuple[list[str], str]] = [
        (hw_base, "--gpu"),
        (hw_base, "--precision"),
        (["optimal", "--compute", "5e25"], "--law"),
        (["optimal", "--compute", "5e25"], "--moe"),
        (["optimal", "maverick"], "--sparsity-from"),
        (["overtrain", "maverick"], "--law"),
        (["local", "scout"], "--quant"),
        (["local", "scout"], "--on"),
        (["local", "scout"], "--kv-dtype"),
        (["arch", str(f.bom_json)], "--kv-dtype"),
        (["models"], "--developer"),
        (["models"], "--search"),
        (["models"], "--sort"),
        (["models"], "--arch"),
        (["report", "--active", "17B", "--tokens", "22T", "--json"], "--name"),
        (["report", "--active", "17B", "--tokens", "22T", "--json"], "--gpu"),
        (["report", "maverick", "--json"], "--law"),
        (["report", "maverick", "--json"], "--moe"),
        ([*fit_base], "--n-col"),
        ([*fit_base], "--loss-col"),
        (["plot", "timeline", "-o", str(f.root / "t.png")], "--highlight"),
        (["plot", "tokens-per-param", "-o", str(f.root / "t.png")], "--law"),
        (["plot", "memory", "scout", "-o", str(f.root / "m.png")], "--format"),
        (["plot", "memory", "scout", "-o", str(f.root / "m.png")], "--machine"),
        (["plot", "memory", "scout", "-o", str(f.root / "m.png")], "--kv-dtype"),
        (["epoch", "import", str(f.epoch_csv), "--json"], "--snapshot"),
        (["epoch", "import", str(f.epoch_csv), "--json"], "--dataset"),
    ]
    for base, option in name_options:
        for value in NAMES:
            yield _swap(base, option, value)
    for base, option in (
        (["frontier"], "--date"),
        (["compare", "5e25", "--frontier"], "--date"),
        (["plot", "timeline", "-o", str(f.root / "t.png")], "--start"),
        (["plot", "timeline", "-o", str(f.root / "t.png")], "--end"),
    ):
        for value in DATES:
            yield _swap(base, option, value)
    for value in (*NAMES, *NUMBERS[:20]):
        yield ["show", value]
        yield ["compute", value]
        yield ["hardware", value]
        yield ["compare", value, "5e25"]
        yield ["compare", "5e25", value]
        yield ["overtrain", value]
        yield ["report", value, "--json"]
        yield ["local", value]
        yield ["arch", value]
    for path in (
        *f.paths,
        str(f.config_huge_layers),
        str(f.config_huge_hidden),
        str(f.config_float_vocab),
        str(f.config_bom),
    ):
        yield ["arch", path]
        yield ["arch", path, "--json"]
        yield ["local", path]
        yield ["memory", path]
        yield ["plot", "memory", path, "-o", str(f.root / "m.png")]
        yield ["optimal", "--compute", "5e25", "--law", path]
        yield ["overtrain", "--active", "17B", "--tokens", "22T", "--law", path]
    yield ["optimal", "--compute", "5e25", "--law", str(f.law_json)]
    for path in (
        *f.paths,
        str(f.runs_csv),
        str(f.runs_equal_loss),
        str(f.runs_overflow),
        str(f.runs_text),
        str(f.runs_utf16),
        str(f.runs_latin1),
        str(f.runs_nul),
        str(f.runs_long_field),
        str(f.runs_header_only),
    ):
        yield ["fit", path, "--bootstrap", "20"]
        yield ["fit", path, "--bootstrap", "20", "--approach", "2"]
    for path in (
        *f.paths,
        str(f.epoch_truncated),
        str(f.epoch_text_compute),
        str(f.runs_csv),
        str(f.runs_nul),
        str(f.runs_long_field),
        str(f.runs_utf16),
    ):
        yield ["epoch", "import", path]
    for out in f.outputs:
        yield [*fit_base, "--save", out]
        yield ["report", "maverick", "--no-plots", "-o", out]
        yield ["report", "maverick", "--json", "-o", out]
        yield ["plot", "timeline", "-o", out]
    yield ["report", "--active", "17B", "--tokens", "22T", "--name", "# x\n<script>", "-o", "r.md"]
    # the user's imported dataset with control characters in a model's name
    yield ["epoch", "import", str(f.epoch_control_chars)]
    yield ["frontier", "--top", "3"]
    yield ["frontier", "--top", "3", "--json"]
    yield ["epoch", "status"]
    yield ["epoch", "reset"]


#: Minimal valid arguments of each command, for the automatic sweep (commands not listed run
#: with none). ``{runs}``, ``{config}``, ``{epoch}`` and ``{out}`` are filled with scratch files.
BASES: dict[str, list[str]] = {
    "report": ["--active", "17B", "--tokens", "22T", "--json"],
    "compute": ["--active", "17B", "--tokens", "22T"],
    "compare": ["5e25", "3e25~3x"],
    "cluster": ["--gpus", "32K", "--gpu", "h100", "--days", "90"],
    "show": ["maverick"],
    "optimal": ["--compute", "5e25"],
    "overtrain": ["--active", "17B", "--tokens", "22T"],
    "fit": ["{runs}", "--bootstrap", "20"],
    "local": ["scout"],
    "memory": ["scout"],
    "arch": ["{config}"],
    "plot timeline": ["-o", "{out}.png"],
    "plot tokens-per-param": ["-o", "{out}.png"],
    "plot memory": ["scout", "-o", "{out}.png"],
    "plot trend": ["-o", "{out}.png"],
    "epoch import": ["{epoch}", "--json"],
}
#: Hostile values by option type (the hand-written lists above cover the options whose
#: meaning is known; these cover every option of every command, new ones included).
BY_TYPE: dict[str, tuple[str, ...]] = {
    "int": INTS,
    "float": ("nan", "inf", "-inf", "-1", "0", "1e400", "1e308", "5e-324", "", "abc"),
    "str": (*NUMBERS[:24], *NAMES[:12], "9999-12-31", "0001-01-01"),
    "choice": ("", "nan", "\x1b[2J", "a" * 300),
}


#: Commands the sweep leaves out: ``serve`` runs a server until it is stopped (its hostile
#: inputs are in tests/web).
NOT_SWEPT = {"serve"}


def commands() -> Iterator[tuple[list[str], Any]]:
    """Every leaf command of the CLI as (its words, its click command)."""
    from flopcast.cli import COMMANDS, _module_commands

    def walk(path: list[str], cmd: Any) -> Iterator[tuple[list[str], Any]]:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                yield from walk([*path, name], sub)
        else:
            yield path, cmd

    for name, (module, _) in COMMANDS.items():
        if name in NOT_SWEPT:
            continue
        found = _module_commands(module)
        cmd = found.get(name) or (next(iter(found.values())) if len(found) == 1 else None)
        if cmd is not None:
            yield from walk([name], cmd)


def auto_vectors(f: Files) -> Iterator[list[str]]:
    """Each option of each command replaced by each hostile value of its type; each file
    argument by each hostile file; each text argument by hostile names."""
    fill = {
        "{runs}": str(f.runs_csv),
        "{config}": str(f.bom_json),
        "{epoch}": str(f.epoch_csv),
        "{out}": str(f.root / "auto"),
    }
    for path, cmd in commands():
        words = " ".join(path)
        base = [fill.get(a[: a.find("}") + 1], "") + a[a.find("}") + 1 :] if "{" in a else a
                for a in BASES.get(words, [])]  # fmt: skip
        yield [*path, *base]
        for param in cmd.params:
            if param.param_type_name != "option" or getattr(param, "is_flag", False):
                continue
            flag = next((o for o in param.opts if o.startswith("--")), param.opts[0])
            if flag in ("--help", "-h"):
                continue
            kind = type(param.type).__name__.lower()
            values = next((v for k, v in BY_TYPE.items() if k in kind), BY_TYPE["str"])
            if "path" in kind:  # outputs (--save, -o): scratch files only, no devices
                values = f.outputs
            for value in values:
                yield [*path, *_swap(base, flag, value)]
        arguments = [p for p in cmd.params if p.param_type_name == "argument"]
        if arguments:
            kind = type(arguments[0].type).__name__.lower()
            values = f.paths if "path" in kind else (*NAMES, *f.paths[:6])
            rest = base[1:] if base and not base[0].startswith("-") else base
            for value in values:
                yield [*path, value, *rest]


@dataclass
class Outcome:
    argv: list[str]
    code: int | None
    out: str
    err: str
    seconds: float
    problem: str = ""


class _Timeout(BaseException):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout


_NON_FINITE = re.compile(r"(?<![\w-])(?:-?inf|nan|-?Infinity|NaN)(?![\w-])")


def judge(o: Outcome) -> str:
    """What is wrong with an outcome, or ""."""
    if o.code is None:
        return o.problem or "did not finish"
    if "internal error" in o.err:
        return "internal error"
    if "Traceback" in o.err or "Traceback" in o.out:
        return "traceback"
    if o.code not in (0, 2):
        return f"exit code {o.code}"
    if o.code == 2 and len(o.err.strip().splitlines()) != 1:
        return "error is not one line"
    typed = " ".join(o.argv).lower()
    if o.code == 0 and any(m.lower() not in typed for m in _NON_FINITE.findall(o.out)):
        return "non-finite number in the answer"
    if "\x1b" in o.out or "\x07" in o.out:
        return "control characters in the output"
    return ""


def run_case(argv: list[str], timeout: float) -> Outcome:
    from flopcast.cli import main

    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    code: int | None = None
    problem = ""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    except _Timeout:
        problem = f"ran past {timeout:g} s"
    except BaseException as exc:  # the point is to see everything
        problem = f"escaped main(): {type(exc).__name__}: {exc}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    o = Outcome(argv, code, out.getvalue(), err.getvalue(), time.perf_counter() - start, problem)
    o.problem = judge(o)
    return o


def _dup(argv: list[str], seen: set[tuple[str, ...]]) -> bool:
    key = tuple(argv)
    if key in seen:
        return True
    seen.add(key)
    return False


def run_all(root: Path, timeout: float = 60.0, limit: int | None = None) -> list[Outcome]:
    """Run every vector in a scratch directory (data and cache directories inside it)."""
    files = make_files(root / "files")
    work = root / "cwd"
    work.mkdir(parents=True, exist_ok=True)
    os.environ["FLOPCAST_DATA_DIR"] = str(root / "data")
    os.environ.setdefault("FLOPCAST_CACHE_DIR", str(root / "cache"))
    os.environ["COLUMNS"] = "80"
    os.environ.pop("FLOPCAST_DEBUG", None)
    os.chdir(work)
    outcomes = []
    seen: set[tuple[str, ...]] = set()
    cases = [v for v in (*vectors(files), *auto_vectors(files)) if not _dup(v, seen)]
    for i, argv in enumerate(cases):
        if limit is not None and i >= limit:
            break
        outcomes.append(run_case(argv, timeout))
    return outcomes


def main(argv: Sequence[str] | None = None) -> int:
    import argparse
    import resource
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--json", action="store_true", help="every misbehaving case as JSON")
    parser.add_argument("--memory-gb", type=float, default=4.0)
    args = parser.parse_args(argv)
    limit = int(args.memory_gb * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    with tempfile.TemporaryDirectory() as tmp:
        outcomes = run_all(Path(tmp), args.timeout, args.limit)
    bad = [o for o in outcomes if o.problem]
    if args.json:
        json.dump([asdict(o) for o in bad], sys.stdout, indent=1)
        print()
    else:
        for o in bad:
            err = o.err.strip().splitlines()[-1:] or [""]
            print(f"{o.problem}: {o.argv!r} ({o.seconds:.1f} s): {err[0][:300]}")
    slowest = sorted(outcomes, key=lambda o: -o.seconds)[:5]
    print(
        f"{len(outcomes)} cases, {len(bad)} misbehaving; slowest: "
        + ", ".join(f"{' '.join(o.argv)[:60]!r} {o.seconds:.1f} s" for o in slowest),
        file=sys.stderr,
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
