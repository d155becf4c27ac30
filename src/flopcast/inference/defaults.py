"""The documented, adjustable defaults and the units of :mod:`flopcast.inference`, in one place.

The OS reserve per kind of machine and the format suggested with CPU offload are figures with
sources: they live in ``data/defaults.toml`` (``[local]``), read here, the one set of defaults
the library and the CLI share."""

from __future__ import annotations

from typing import Any, Literal

from flopcast.errors import FlopcastError

#: Context length when none is given (tokens).
DEFAULT_CONTEXT = 8192
#: KV-cache dtype when none is given: the model's own 16-bit dtype.
DEFAULT_KV_DTYPE = "bf16"
#: Runtime overhead per device (GB): CUDA/Metal context (0.3-0.6 GiB per GPU) + compute
#: buffers at a default micro-batch of 512 with flash attention. Change it with --overhead.
DEFAULT_OVERHEAD_GB = 1.0
#: The kinds of machine whose operating system keeps a different share of memory.
OsKind = Literal["macos", "desktop", "server"]
OS_KINDS: tuple[OsKind, ...] = ("macos", "desktop", "server")


def os_reserve(os: OsKind) -> dict[str, Any]:
    """The memory (GB) the OS of a kind of machine keeps, with its range, source and note
    (``data/defaults.toml``, ``[local.os_reserve]``): taken off a unified pool whose GPU limit
    is raised, off host RAM for CPU offload, off a CPU-only machine's RAM."""
    from flopcast.defaults import section

    table: dict[str, dict[str, Any]] = section("local")["os_reserve"]
    if os not in table:
        raise FlopcastError(f"no OS reserve for {os!r}: one of {', '.join(OS_KINDS)}")
    return dict(table[os])


def os_reserve_gb(os: OsKind) -> float:
    """The default OS reserve (GB) of a kind of machine; ``--os-reserve`` overrides it."""
    return float(os_reserve(os)["gb"])


def offload_format() -> str:
    """The format suggested with CPU offload beside a smaller one that fits (Q4_K_M)."""
    from flopcast.defaults import section

    return str(section("local")["offload_format"])


GB = 10**9
GIB = 1 << 30


Verdict = Literal["fits", "fits_if_limit_raised", "fits_with_offload", "does_not_fit"]
VERDICT_LABELS: dict[str, str] = {
    "fits": "fits",
    "fits_if_limit_raised": "fits if GPU limit raised",
    "fits_with_offload": "fits with CPU offload",
    "does_not_fit": "does not fit",
}
