"""Can I run it? Inference memory, quantization, KV cache and decode speed on real machines.

Memory = weights + KV cache + runtime overhead, each computed and reported on its own:

* **Weights**: every tensor of the config's architecture (``flopcast.arch``) gets a storage
  type from its format (``data/formats.toml``): a float width, a grouped quantization rate,
  or llama.cpp's per-tensor GGUF recipe. Memory needs **all** parameters, MoE experts included.
* **KV cache**: cached elements per token of every layer (sliding-window and chunked layers
  capped at their window, MLA's compressed latent) x context x concurrent sequences x the
  cache dtype's bits.
* **Overhead**: ``DEFAULT_OVERHEAD_GB`` per device, adjustable. It stands for the runtime
  context (CUDA 0.3-0.6 GiB per GPU) plus compute buffers at a default micro-batch with flash
  attention (a few hundred MB). It is shown as its own line, never folded into the weights.

On a machine (``data/machines.toml``) the verdict is *fits* (all in GPU memory at the default
limit), *fits if the GPU limit is raised* (unified memory), *fits with CPU offload* (discrete
GPUs: the rest in host RAM) or *does not fit*. Speeds are **upper bounds**: one decoded token
reads the **active** weights once plus the KV cache at that context, so tokens/s <= memory
bandwidth / those bytes; a prefilled token costs its forward FLOP, so tokens/s <= peak FLOP/s /
FLOP per token. For a mixture of experts that is ~17B parameters per token for Llama 4
Maverick, not its 400B.

A model without a config.json (only catalog figures, or ``--total/--active``) is an
**estimate**: total parameters x the format's nominal bits per weight, no KV cache unless
bytes per token are given; every result says so.

Where things live (every public name is re-exported here, so ``flopcast.inference.fit`` and
``from flopcast.inference import memory`` work as before):

* :mod:`~flopcast.inference.defaults`: the documented defaults (context, KV dtype, overhead; the
  OS reserve per kind of machine and the offload format, read from ``data/defaults.toml``),
  units (``GB``, ``GIB``) and the verdict names.
* :mod:`~flopcast.inference.context`: ``parse_context`` (``32k``, ``1M``) and ``check_context``.
* :mod:`~flopcast.inference.spec`: ``ModelSpec`` and ``model_spec``: a model from a config.json,
  the catalog, or given totals.
* :mod:`~flopcast.inference.gguf`: the GGUF recipe grammar (tensor roles, layer selectors,
  conditions) and a model's tensors as llama.cpp sees them.
* :mod:`~flopcast.inference.quantization`: weight formats, llama.cpp storage types, KV-cache
  dtypes and the quality ladder (``data/formats.toml``); ``resolve_format``.
* :mod:`~flopcast.inference.weight_bytes`: ``weights``: bytes per tensor group at a format.
* :mod:`~flopcast.inference.kv`: ``kv_cache``: the KV cache at a context.
* :mod:`~flopcast.inference.estimate`: ``memory``: weights + KV cache + overhead.
* :mod:`~flopcast.inference.detect`: what this machine has (``nvidia-smi``, the OS).
* :mod:`~flopcast.inference.devices`: machines (``data/machines.toml``, ``8x h100``,
  ``cpu 128gb``, ``custom:24GB@1008GB/s``, ``this``).
* :mod:`~flopcast.inference.placement`: ``fit`` (verdict, headroom, speed bounds, remedies),
  ``fit_table``, ``longest_context`` and ``best_format``.

Dependencies run one way, in the order above (devices only needs the defaults).
"""

from __future__ import annotations

from flopcast.inference.defaults import (
    DEFAULT_CONTEXT,
    DEFAULT_KV_DTYPE,
    DEFAULT_OVERHEAD_GB,
    GB,
    GIB,
    OS_KINDS,
    VERDICT_LABELS,
    OsKind,
    Verdict,
    offload_format,
    os_reserve,
    os_reserve_gb,
)
from flopcast.inference.devices import (
    DEFAULT_CPU_BANDWIDTH_GBS,
    Machine,
    cpu_machine,
    custom_machine,
    detect_machine,
    machine,
    machines,
)
from flopcast.inference.estimate import MemoryEstimate, memory
from flopcast.inference.gguf import LAYER_SELECTORS
from flopcast.inference.kv import KVCache, kv_cache
from flopcast.inference.placement import (
    Choice,
    Fit,
    best_format,
    default_machines,
    fit,
    fit_table,
    local,
    longest_context,
    offload_words,
)
from flopcast.inference.quantization import (
    GgmlType,
    Rule,
    WeightFormat,
    formats,
    ggml_types,
    ladder,
    resolve_format,
    weight_format,
)
from flopcast.inference.spec import ModelSpec, model_spec
from flopcast.inference.weight_bytes import WeightGroup, Weights, weights
from flopcast.kvdtypes import KVDtype, kv_dtype
from flopcast.quantity import MAX_CONTEXT, check_context, parse_context

__all__ = [
    "DEFAULT_CONTEXT",
    "DEFAULT_CPU_BANDWIDTH_GBS",
    "DEFAULT_KV_DTYPE",
    "DEFAULT_OVERHEAD_GB",
    "GB",
    "GIB",
    "LAYER_SELECTORS",
    "MAX_CONTEXT",
    "OS_KINDS",
    "VERDICT_LABELS",
    "Choice",
    "Fit",
    "GgmlType",
    "KVCache",
    "KVDtype",
    "Machine",
    "MemoryEstimate",
    "ModelSpec",
    "OsKind",
    "Rule",
    "Verdict",
    "WeightFormat",
    "WeightGroup",
    "Weights",
    "best_format",
    "check_context",
    "cpu_machine",
    "custom_machine",
    "default_machines",
    "detect_machine",
    "fit",
    "fit_table",
    "formats",
    "ggml_types",
    "kv_cache",
    "kv_dtype",
    "ladder",
    "local",
    "longest_context",
    "machine",
    "machines",
    "memory",
    "model_spec",
    "offload_format",
    "offload_words",
    "os_reserve",
    "os_reserve_gb",
    "parse_context",
    "resolve_format",
    "weight_format",
    "weights",
]
