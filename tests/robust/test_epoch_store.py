"""The imported Epoch AI dataset: validated before anything is replaced, written whole under a
lock, checked when read; concurrent imports and failed writes leave a consistent store."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from flopcast.epoch import epoch_rows, import_csv, read_epoch_csv
from flopcast.errors import FlopcastError
from tests.conftest import CLI

HEADER = "Model,Organization,Publication date,Domain,Parameters,Training compute (FLOP)"
SRC = str(Path(__file__).resolve().parents[2] / "src")


def epoch_csv(n: int, *, prefix: str = "Model", compute: str | None = None) -> str:
    """An Epoch AI-shaped CSV of ``n`` language models (compute 1e22·(i+1) unless given)."""
    rows = [
        f"{prefix} {i},Org,2024-{1 + i % 12:02d}-01,Language,{1e9 * (i + 1):g},"
        f"{compute if compute is not None else f'{1e22 * (i + 1):g}'}"
        for i in range(n)
    ]
    return "\n".join([HEADER, *rows]) + "\n"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private data directory; the active-dataset caches cleared around the test."""
    from flopcast.epoch import _clear

    data = tmp_path / "data"
    monkeypatch.setenv("FLOPCAST_DATA_DIR", str(data))
    _clear()
    yield data
    _clear()


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode() if isinstance(text, str) else text)
    return p


def state(data: Path) -> tuple[bytes, bytes]:
    return (data / "epoch_models.csv").read_bytes(), (data / "epoch_models.json").read_bytes()


def assert_consistent(data: Path) -> dict[str, object]:
    """The CSV and its record agree: row count, checksum; no temporary files left."""
    body, record_bytes = state(data)
    record = json.loads(record_bytes)
    assert record["sha256"] == hashlib.sha256(body).hexdigest()
    rows = read_epoch_csv(data / "epoch_models.csv", language_only=False)
    assert record["rows"] == len(rows.rows) and not rows.malformed
    assert not [p for p in data.iterdir() if p.name.endswith(".tmp")]
    return dict(record)


def test_cut_off_csv_is_refused_and_changes_nothing(tmp_path: Path, store: Path, cli: CLI) -> None:
    import_csv(write(tmp_path, "good.csv", epoch_csv(40)))
    before = state(store)
    text = epoch_csv(40)
    cut = write(tmp_path, "cut.csv", text[: len(text) // 2])  # mid-row
    r = cli("epoch", "import", str(cut))
    assert r.code == 2 and "cut off" in r.err and "Nothing was imported" in r.err
    assert len(r.err.strip().splitlines()) == 1
    assert state(store) == before
    # forced: what can be read is imported, and the report says what was dropped
    r = cli("epoch", "import", str(cut), "--force")
    assert r.code == 0, r.err
    assert "Dropped: 1" in r.out and "fields where the header has 6" in r.out
    assert "previous import kept" in r.out
    assert_consistent(store)
    assert (store / "epoch_models.previous.csv").read_bytes() == before[0]


def test_text_compute_column_is_refused(tmp_path: Path, store: Path) -> None:
    bad = write(tmp_path, "text.csv", epoch_csv(30, compute="lots"))
    with pytest.raises(FlopcastError, match="'training_compute' is mostly not numbers"):
        import_csv(bad)
    assert not (store / "epoch_models.csv").exists()
    # one odd cell is blanked and reported, not a reason to refuse the file
    text = epoch_csv(30).replace("3e+22\n", "about 3e22\n")
    summary = import_csv(write(tmp_path, "odd.csv", text))
    assert any("not numbers" in d and "about 3e22" in d for d in summary.result.dropped())


def test_far_fewer_models_than_the_previous_import_need_force(tmp_path: Path, store: Path) -> None:
    import_csv(write(tmp_path, "full.csv", epoch_csv(100)))
    small = write(tmp_path, "small.csv", epoch_csv(20))
    with pytest.raises(FlopcastError, match=r"20 language models, under half the 100"):
        import_csv(small)
    assert assert_consistent(store)["rows"] == 100
    summary = import_csv(small, force=True)
    assert summary.forced == ("20 models replace 100",)
    assert assert_consistent(store)["rows"] == 20


@pytest.mark.parametrize(
    "damage",
    ["", '{"rows": 3, "file": ', "[1, 2]", '{"rows": "many", "file": "x"}', "NaN"],
    ids=["empty", "cut", "not-object", "bad-rows", "nan"],
)
def test_damaged_record_is_rebuilt(tmp_path: Path, store: Path, cli: CLI, damage: str) -> None:
    import_csv(write(tmp_path, "good.csv", epoch_csv(40)))
    (store / "epoch_models.json").write_text(damage)
    from flopcast.epoch import _clear

    _clear()
    for args in (("frontier", "--top", "2"), ("epoch", "status", "--json")):
        r = cli(*args)
        assert r.code == 0 and not r.err, r.err
    status = cli("epoch", "status", "--json").json()
    assert status["models"] == 40 and "record rebuilt" in status["origin"]
    assert_consistent(store)  # rebuilt on disk too


def test_missing_record_is_rebuilt_not_reported_as_the_shipped_snapshot(
    tmp_path: Path, store: Path, cli: CLI
) -> None:
    import_csv(write(tmp_path, "good.csv", epoch_csv(40)))
    (store / "epoch_models.json").unlink()
    from flopcast.epoch import _clear

    _clear()
    status = cli("epoch", "status", "--json").json()
    assert status["models"] == 40
    assert "shipped" not in status["origin"] and "record rebuilt" in status["origin"]


def test_csv_that_disagrees_with_its_record_is_one_line(
    tmp_path: Path, store: Path, cli: CLI
) -> None:
    import_csv(write(tmp_path, "good.csv", epoch_csv(40)))
    # an old flopcast's failed write: the CSV cut at a row boundary, the record intact
    lines = (store / "epoch_models.csv").read_text().splitlines(keepends=True)
    (store / "epoch_models.csv").write_text("".join(lines[:21]))
    from flopcast.epoch import _clear

    for args in (("frontier",), ("epoch", "status"), ("compare", "maverick", "--frontier")):
        _clear()
        r = cli(*args)
        assert r.code == 2, (args, r.out)
        assert "has 20 models but its record says 40" in r.err
        assert "flopcast epoch reset" in r.err and len(r.err.strip().splitlines()) == 1
    assert cli("epoch", "reset").code == 0
    assert cli("epoch", "status", "--json").json()["origin"] == "shipped with flopcast"


def test_unwritable_data_dir_is_one_line(
    tmp_path: Path, cli: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = write(tmp_path, "a-file", "not a directory")
    monkeypatch.setenv("FLOPCAST_DATA_DIR", str(blocker))
    r = cli("epoch", "import", str(write(tmp_path, "good.csv", epoch_csv(10))))
    assert r.code == 2 and "cannot create directory" in r.err
    assert len(r.err.strip().splitlines()) == 1
    assert blocker.read_text() == "not a directory"


def test_failed_replace_keeps_the_previous_import(
    tmp_path: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails half-way (here: the rename of the record) leaves the previous
    import readable: either whole, or the new CSV whose record a reader rebuilds."""
    import_csv(write(tmp_path, "old.csv", epoch_csv(40)))
    before = state(store)
    real_replace = os.replace

    def failing_replace(src: str | Path, dst: str | Path) -> None:
        if str(dst).endswith("epoch_models.csv"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(FlopcastError, match="No space left"):
        import_csv(write(tmp_path, "new.csv", epoch_csv(60, prefix="New")))
    monkeypatch.setattr(os, "replace", real_replace)
    assert state(store) == before
    assert assert_consistent(store)["rows"] == 40


def _import_in_child(
    csv: Path, data: Path, fsize: int | None = None
) -> subprocess.CompletedProcess[str]:
    code = "import sys; from flopcast.cli import main; sys.exit(main(sys.argv[1:]))"
    if fsize is not None:  # a size limit, as `ulimit -f` sets it; Python ignores SIGXFSZ
        code = (
            f"import resource; resource.setrlimit(resource.RLIMIT_FSIZE, ({fsize}, {fsize})); "
            + code
        )
    env = {**os.environ, "FLOPCAST_DATA_DIR": str(data), "PYTHONPATH": SRC}
    return subprocess.run(
        [sys.executable, "-c", code, "epoch", "import", str(csv)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_size_limit_mid_write_keeps_the_previous_import(tmp_path: Path, store: Path) -> None:
    """``ulimit -f 64`` (64 KiB) in a child process: the big import fails in one line and the
    previous small import is intact and consistent."""
    import_csv(write(tmp_path, "small.csv", epoch_csv(40)))
    before = state(store)
    big = write(tmp_path, "big.csv", epoch_csv(3000, prefix="Big model with a long name"))
    r = _import_in_child(big, store, fsize=64 * 1024)
    assert r.returncode == 2, r.stderr
    assert "could not write Epoch AI dataset" in r.stderr and "unchanged" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert state(store) == before
    assert assert_consistent(store)["rows"] == 40


@pytest.mark.slow
def test_two_concurrent_imports_leave_a_consistent_store(tmp_path: Path, store: Path) -> None:
    """Two `flopcast epoch import` processes at once, 10 times: the CSV and its record always
    describe the same import (one of the two, whole)."""
    a = write(tmp_path, "a.csv", epoch_csv(300, prefix="Alpha"))
    b = write(tmp_path, "b.csv", epoch_csv(400, prefix="Beta"))
    expected = {"a.csv": 300, "b.csv": 400}
    env = {**os.environ, "FLOPCAST_DATA_DIR": str(store), "PYTHONPATH": SRC}
    code = "import sys; from flopcast.cli import main; sys.exit(main(sys.argv[1:]))"
    for _ in range(10):
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", code, "epoch", "import", str(p), "--json"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for p in (a, b)
        ]
        for p in procs:
            _, err = p.communicate(timeout=120)
            assert p.returncode == 0, err
        record = assert_consistent(store)
        assert record["rows"] == expected[str(record["file"])]
        names = {r.model.split()[0] for r in read_epoch_csv(store / "epoch_models.csv").rows}
        assert names == {"Alpha" if record["file"] == "a.csv" else "Beta"}
        from flopcast.epoch import _clear

        _clear()
        assert len(epoch_rows()) == record["rows"]
