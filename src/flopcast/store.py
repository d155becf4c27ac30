"""Reading and writing files safely: the one place flopcast touches the file system for data.

* Writes go to a temporary file in the target's directory, are flushed to disk, and are renamed
  into place (``os.replace`` is atomic on POSIX and Windows): a reader sees the old file or the
  new one, never half of one. A failed write leaves the previous file intact.
* Writers that may run concurrently (imports into the data directory) take a lock
  (:func:`locked`, a lock file beside the target, via the ``filelock`` library).
* Reads accept regular files only (a FIFO or a device would block or never end), refuse files
  above a size cap, and decode UTF-8 with or without a byte-order mark; anything else is a
  one-line :class:`~flopcast.errors.FlopcastError`.
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flopcast.errors import FlopcastError, FlopcastTypeError

#: The largest file flopcast reads unless told otherwise (a config.json is ~10 KB, Epoch AI's
#: whole database ~10 MB).
MAX_READ_BYTES = 64 * 1024 * 1024
#: How deep a JSON document may nest (real config.json files nest 3-4 levels).
MAX_JSON_DEPTH = 64
#: The most digits of a JSON integer (a parameter count has 13; Python refuses past 4,300).
MAX_INT_DIGITS = 100
#: Seconds a writer waits for another one to finish before giving up.
LOCK_TIMEOUT_S = 60.0


def check_target(path: str | Path, what: str = "output file") -> Path:
    """``path`` as a file flopcast can write: its directory exists and it is not a directory
    (checked before a long computation, so a typo fails at once)."""
    if not isinstance(path, str | Path):
        raise FlopcastTypeError(f"{what} must be a file path, not {type(path).__name__}")
    target = Path(path)
    _check_target_dir(target, what)
    return target


def _check_target_dir(path: Path, what: str) -> None:
    parent = path.parent if str(path.parent) else Path(".")
    shown = str(path)[:200]
    if "\x00" in str(path):
        raise FlopcastError(f"{what} {shown!r}: a file name cannot hold a NUL character")
    kind = kind_of(parent)
    if kind == "missing":
        raise FlopcastError(f"{what} {shown!r}: directory {str(parent)[:200]!r} does not exist")
    if kind != "dir":
        raise FlopcastError(f"{what} {shown!r}: {str(parent)[:200]!r} is not a directory")
    if kind_of(path) == "dir":
        raise FlopcastError(f"{what} {shown!r} is a directory: give a file name")


def atomic_write(path: str | Path, data: bytes | str, *, what: str = "output file") -> Path:
    """Write ``data`` to ``path`` all at once: temporary file, fsync, rename into place.

    A missing directory, a directory in the way, or a failed write (disk full, a size limit)
    is a one-line error; the previous file, if any, is left as it was. A symbolic link to a
    file is followed (the link stays). Something that is not a file is never replaced: a
    character device (``/dev/null``, a terminal) is written to as it is, a FIFO only if a
    reader is waiting on it, anything else is refused.
    """
    if not isinstance(path, str | Path):
        raise FlopcastTypeError(f"{what} must be a file path, not {type(path).__name__}")
    target = Path(path)
    _check_target_dir(target, what)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    kind = kind_of(target)
    if kind == "other":
        return _write_special(target, payload, what)
    if kind == "file" and target.is_symlink():
        target = Path(os.path.realpath(target))
    tmp: Path | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=str(target.parent) or "."
        )
        tmp = Path(tmp_name)
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        if kind == "file":  # keep the previous file's permissions
            with contextlib.suppress(OSError):
                os.chmod(tmp, stat.S_IMODE(target.stat().st_mode))
        else:
            with contextlib.suppress(OSError):
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise FlopcastError(
            f"could not write {what} {str(target)[:200]!r}: {exc.strerror or exc}; "
            "the previous file, if any, is unchanged"
        ) from None
    return target


def _write_special(target: Path, payload: bytes, what: str) -> Path:
    """Write to a character device or a FIFO in place; refuse anything else."""
    mode = os.stat(target).st_mode
    shown = str(target)[:200]
    if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        raise FlopcastError(f"{what} {shown!r} is not a regular file: give a file name")
    try:  # non-blocking open: a FIFO nobody reads fails at once (ENXIO) instead of hanging
        fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as exc:
        why = "nothing is reading that pipe" if exc.errno == errno.ENXIO else exc.strerror
        raise FlopcastError(f"cannot write {what} {shown!r}: {why or exc}") from None
    try:
        os.set_blocking(fd, True)
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
    except OSError as exc:
        raise FlopcastError(f"could not write {what} {shown!r}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    return target


def atomic_write_json(path: str | Path, data: Any, *, what: str = "output file") -> Path:
    """:func:`atomic_write` of a JSON document; non-finite numbers are refused, not written."""
    try:
        text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False, default=str)
    except ValueError:
        raise FlopcastError(
            f"{what} {str(path)!r}: refusing to write a non-finite number (inf or NaN)"
        ) from None
    return atomic_write(path, text + "\n", what=what)


@contextlib.contextmanager
def locked(path: str | Path, *, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the lock of ``path`` (a ``.lock`` file beside it) while writing it and its kin."""
    from filelock import FileLock, Timeout

    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FlopcastError(
            f"cannot create directory {str(target.parent)!r}: {exc.strerror or exc}"
        ) from None
    lock = FileLock(str(target) + ".lock")
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise FlopcastError(
            f"{str(target)!r} is being written by another flopcast process; try again later"
        ) from None
    except OSError as exc:
        raise FlopcastError(f"cannot lock {str(target)!r}: {exc.strerror or exc}") from None
    try:
        yield
    finally:
        lock.release()


def kind_of(path: str | Path) -> str:
    """What is at ``path``: ``"file"`` (regular), ``"dir"``, ``"other"`` (a FIFO, a device, a
    socket) or ``"missing"`` (also for a name the system cannot take: too long, a NUL byte)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError, TypeError):
        return "missing"
    if stat.S_ISREG(st.st_mode):
        return "file"
    return "dir" if stat.S_ISDIR(st.st_mode) else "other"


def exists(path: str | Path) -> bool:
    """Whether anything is at ``path`` (``Path.exists`` raises for a too-long name or a NUL)."""
    return kind_of(path) != "missing"


def check_regular(path: str | Path, what: str, max_bytes: int = MAX_READ_BYTES) -> Path:
    """``path`` as a readable regular file of at most ``max_bytes`` (else a one-line error)."""
    if not isinstance(path, str | Path):
        raise FlopcastTypeError(f"{what} must be a file path, not {type(path).__name__}")
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise FlopcastError(f"{what} {str(p)!r} not found") from None
    except (OSError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or exc
        raise FlopcastError(f"cannot read {what} {str(p)[:200]!r}: {why}") from None
    if stat.S_ISDIR(st.st_mode):
        raise FlopcastError(f"{what} {str(p)!r} is a directory: give a file")
    if not stat.S_ISREG(st.st_mode):
        raise FlopcastError(
            f"{what} {str(p)!r} is not a regular file (a pipe or a device): save it to a file first"
        )
    if st.st_size > max_bytes:
        raise FlopcastError(
            f"{what} {str(p)!r} is {st.st_size:,} bytes, above the {max_bytes:,}-byte limit"
        )
    return p


def read_bytes(path: str | Path, what: str, max_bytes: int = MAX_READ_BYTES) -> bytes:
    """The bytes of a regular file, bounded by ``max_bytes``."""
    p = check_regular(path, what, max_bytes)
    try:
        with p.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise FlopcastError(f"cannot read {what} {str(p)!r}: {exc.strerror or exc}") from None
    if len(data) > max_bytes:  # grew while we read it
        raise FlopcastError(f"{what} {str(p)!r} is above the {max_bytes:,}-byte limit")
    return data


def decode_text(data: bytes, what: str) -> str:
    """UTF-8 text, with or without a byte-order mark; any other encoding is a one-line error."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FlopcastError(f"{what} is UTF-16 encoded: save it as UTF-8 and try again")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FlopcastError(
            f"{what} is not UTF-8 (undecodable byte at offset {exc.start}): "
            "save it as UTF-8 and try again"
        ) from None


def read_text(path: str | Path, what: str, max_bytes: int = MAX_READ_BYTES) -> str:
    """A regular file's text (UTF-8, BOM allowed), bounded by ``max_bytes``."""
    return decode_text(read_bytes(path, what, max_bytes), f"{what} {str(path)!r}")


def _depth(obj: Any, limit: int) -> int:
    """How deep a parsed JSON value nests, stopping at ``limit`` (iterative: no recursion)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(obj, 1)]
    while stack:
        value, d = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, d)
            if deepest > limit:
                return deepest
            children = value.values() if isinstance(value, dict) else value
            stack.extend((c, d + 1) for c in children)
    return deepest


def parse_json(
    text: str, what: str, max_depth: int = MAX_JSON_DEPTH, *, allow_non_finite: bool = False
) -> Any:
    """Parse JSON text; malformed, too deeply nested or non-finite input is a one-line error.

    A number too large for a float (``1e400``) is refused rather than read as infinity, and an
    integer of more than :data:`MAX_INT_DIGITS` digits rather than parsed at length.
    ``allow_non_finite`` keeps ``NaN``, ``Infinity`` and overflowing numbers as floats instead
    (Hugging Face config.json files hold some, in fields flopcast does not read; the fields it
    reads refuse them).
    """

    def no_constant(name: str) -> Any:
        if allow_non_finite:
            return float(name.replace("Infinity", "inf"))
        raise FlopcastError(f"{what}: {name} is not a JSON number; write a finite number")

    def finite_float(token: str) -> float:
        value = float(token)
        if not math.isfinite(value) and not allow_non_finite:
            raise FlopcastError(f"{what}: the number {token[:40]} is too large for a float")
        return value

    def bounded_int(token: str) -> int:
        if len(token.lstrip("-")) > MAX_INT_DIGITS:
            raise FlopcastError(f"{what}: an integer of {len(token):,} digits is too large")
        return int(token)

    try:
        value = json.loads(
            text, parse_constant=no_constant, parse_float=finite_float, parse_int=bounded_int
        )
    except json.JSONDecodeError as exc:
        raise FlopcastError(
            f"{what} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise FlopcastError(f"{what} nests too deeply (over {max_depth} levels)") from None
    if _depth(value, max_depth) > max_depth:
        raise FlopcastError(f"{what} nests too deeply (over {max_depth} levels)")
    return value


def read_json(
    path: str | Path,
    what: str,
    max_bytes: int = MAX_READ_BYTES,
    max_depth: int = MAX_JSON_DEPTH,
    *,
    allow_non_finite: bool = False,
) -> Any:
    """A regular file's JSON (UTF-8, BOM allowed), bounded in size and depth."""
    return parse_json(
        read_text(path, what, max_bytes),
        f"{what} {str(path)!r}",
        max_depth,
        allow_non_finite=allow_non_finite,
    )
