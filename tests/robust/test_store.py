"""flopcast.store: atomic writes keep the previous file on failure; reads refuse non-files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flopcast.errors import FlopcastError
from flopcast.store import atomic_write, atomic_write_json, read_json, read_text


def test_atomic_write_replaces_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    atomic_write(target, "new contents")
    assert target.read_text() == "new contents"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temporary left behind


def test_failed_write_keeps_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "fit.json"
    target.write_text("x" * 20_000)

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(FlopcastError, match="previous file"):
        atomic_write(target, "{cut")
    assert target.read_text() == "x" * 20_000
    assert [p.name for p in tmp_path.iterdir()] == ["fit.json"]


def test_missing_directory_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(FlopcastError, match="does not exist"):
        atomic_write(tmp_path / "nope" / "r.json", "{}")


def test_non_finite_json_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FlopcastError, match="non-finite"):
        atomic_write_json(tmp_path / "f.json", {"x": float("inf")})
    assert not (tmp_path / "f.json").exists()


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(FlopcastError, match="not a regular file"):
        read_text(fifo, "law file")


def test_encodings(tmp_path: Path) -> None:
    p = tmp_path / "c.json"
    p.write_bytes(b'\xef\xbb\xbf{"a": 1}')  # UTF-8 with a BOM is fine
    assert read_json(p, "config") == {"a": 1}
    p.write_bytes('{"a": 1}'.encode("utf-16"))
    with pytest.raises(FlopcastError, match="UTF-16"):
        read_json(p, "config")
    p.write_bytes('{"name": "café"}'.encode("latin-1"))
    with pytest.raises(FlopcastError, match="not UTF-8"):
        read_json(p, "config")


def test_json_depth_and_constants(tmp_path: Path) -> None:
    p = tmp_path / "deep.json"
    p.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(FlopcastError, match="nests too deeply"):
        read_json(p, "config")
    p.write_text('{"x": NaN}')
    with pytest.raises(FlopcastError, match="NaN"):
        read_json(p, "config")


def test_size_cap(tmp_path: Path) -> None:
    p = tmp_path / "big.csv"
    p.write_bytes(b"a" * 2_000)
    with pytest.raises(FlopcastError, match="limit"):
        read_text(p, "CSV", max_bytes=1_000)


def test_a_device_is_written_in_place_never_replaced(tmp_path: Path) -> None:
    """`-o /dev/null` as root must not turn /dev/null into a file (a scratch null device)."""
    import stat

    null = tmp_path / "null"
    try:
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device needs root")
    atomic_write(null, "report")
    assert stat.S_ISCHR(null.stat().st_mode)


def test_a_fifo_without_a_reader_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "out"
    os.mkfifo(fifo)
    with pytest.raises(FlopcastError, match="nothing is reading"):
        atomic_write(fifo, "report")
    assert fifo.is_fifo()


def test_a_fifo_with_a_reader_gets_the_data(tmp_path: Path) -> None:
    import threading

    fifo = tmp_path / "out"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    import time

    for _ in range(200):  # the reader opens the FIFO in its own time
        try:
            atomic_write(fifo, "report")
            break
        except FlopcastError:
            time.sleep(0.01)
    reader.join(timeout=10)
    assert got == [b"report"] and fifo.is_fifo()


def test_a_symlink_is_followed_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    atomic_write(link, "new")
    assert link.is_symlink() and real.read_text() == "new"
