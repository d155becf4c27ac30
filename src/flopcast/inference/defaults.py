"""The documented, adjustable defaults and the units of :mod:`flopcast.inference`, in one place."""

from __future__ import annotations

from typing import Literal

#: Context length when none is given (tokens).
DEFAULT_CONTEXT = 8192
#: KV-cache dtype when none is given: the model's own 16-bit dtype.
DEFAULT_KV_DTYPE = "bf16"
#: Runtime overhead per device (GB): CUDA/Metal context (0.3-0.6 GiB per GPU) + compute
#: buffers at a default micro-batch of 512 with flash attention. Change it with --overhead.
DEFAULT_OVERHEAD_GB = 1.0
#: Memory the OS keeps when a unified-memory GPU limit is raised, and off host RAM for CPU
#: offload (GB). An assumption, shown in the output; change it with --os-reserve.
DEFAULT_OS_RESERVE_GB = 8.0

GB = 10**9
GIB = 1 << 30


Verdict = Literal["fits", "fits_if_limit_raised", "fits_with_offload", "does_not_fit"]
VERDICT_LABELS: dict[str, str] = {
    "fits": "fits",
    "fits_if_limit_raised": "fits if GPU limit raised",
    "fits_with_offload": "fits with CPU offload",
    "does_not_fit": "does not fit",
}
