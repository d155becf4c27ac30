"""What the machine flopcast runs on has: its GPUs (``nvidia-smi``), its RAM and, on a Mac, its
chip (from the OS). Plain facts only; :func:`flopcast.inference.devices.detect_machine` turns
them into a :class:`~flopcast.inference.devices.Machine`.

Every probe is a small function of its own so that tests can replace it; a probe that cannot
run (no such tool, a timeout, output it cannot read) finds nothing rather than failing.
"""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass

#: Seconds a probe may take before flopcast gives up on it.
TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Gpu:
    """A GPU as its driver reports it: its name and memory (bytes)."""

    name: str
    memory_bytes: int
    tool: str  # what reported it


@dataclass(frozen=True)
class Probe:
    """What was found: the OS, its RAM, the GPUs and (on a Mac) the chip."""

    system: str  # platform.system(): Linux, Darwin, Windows
    ram_bytes: int | None
    ram_tool: str
    gpus: tuple[Gpu, ...]
    chip: str | None  # "Apple M3 Max"
    headless: bool  # Linux without a display: a server


def run(cmd: list[str]) -> str | None:
    """A command's stdout, or None if it is missing, fails or takes too long."""
    try:
        out = subprocess.run(
            cmd, capture_output=True, text=True, timeout=TIMEOUT_S, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    return out[:100_000]


def system() -> str:
    return platform.system()


def headless() -> bool:
    """A Linux machine with no display (``DISPLAY`` or ``WAYLAND_DISPLAY``): a server."""
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def ram_bytes(system_name: str) -> tuple[int | None, str]:
    """Physical memory and what told it: ``sysctl hw.memsize`` on a Mac, ``sysconf``
    elsewhere (Linux), else unknown."""
    if system_name == "Darwin":
        out = run(["sysctl", "-n", "hw.memsize"])
        if out and out.strip().isdigit():
            return int(out.strip()), "sysctl hw.memsize"
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None, ""
    if pages > 0 and size > 0:
        return int(pages * size), "sysconf"
    return None, ""


def nvidia_gpus() -> tuple[Gpu, ...]:
    """NVIDIA GPUs from ``nvidia-smi`` (memory.total in MiB)."""
    out = run(["nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader,nounits"])
    gpus = []
    for line in (out or "").splitlines()[:64]:
        name, _, mib = line.rpartition(",")
        if name.strip() and mib.strip().isdigit():
            gpus.append(Gpu(name.strip(), int(mib.strip()) * 2**20, "nvidia-smi"))
    return tuple(gpus)


def apple_chip() -> str | None:
    out = run(["sysctl", "-n", "machdep.cpu.brand_string"])
    text = (out or "").strip()
    return text if text.startswith("Apple") else None


def probe() -> Probe:
    """Look at this machine (a few subprocesses, each bounded by :data:`TIMEOUT_S`)."""
    name = system()
    ram, tool = ram_bytes(name)
    chip = apple_chip() if name == "Darwin" else None
    gpus = () if chip else nvidia_gpus()
    return Probe(name, ram, tool, gpus, chip, name == "Linux" and headless())
