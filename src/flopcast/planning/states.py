"""Model states per GPU: parameters, gradients and optimizer states, sharded as ZeRO says.

Rajbhandari et al. 2020, "ZeRO: Memory Optimizations Toward Training Trillion Parameter Models"
(arXiv 1910.02054): mixed-precision training with Adam holds 2Ψ bytes of 16-bit parameters, 2Ψ
of 16-bit gradients and KΨ of optimizer states (K = 12: fp32 parameters, momentum, variance),
(2 + 2 + K)Ψ in all (sec. 3.1). Over N_d data-parallel GPUs, stage 1 shards the optimizer
states, 2Ψ + 2Ψ + KΨ/N_d; stage 2 the gradients too, 2Ψ + (2 + K)Ψ/N_d; stage 3 the parameters
too, (2 + 2 + K)Ψ/N_d (sec. 5, Figure 1). Here Ψ is what one GPU holds after tensor, pipeline
and expert parallelism, and N_d the GPUs that hold the same weights.

``convention="deepspeed"`` gives DeepSpeed's own estimators instead, as its source states them
(deepspeed/runtime/zero/stage_1_and_2.py, ``estimate_zero2_model_states_mem_needs``, and
deepspeed/runtime/zero/stage3.py, ``estimate_zero3_model_states_mem_needs``, without offload):
ZeRO-2 2Ψ + 18Ψ/N, ZeRO-3 4·(largest layer) + 18Ψ/N, for the whole model on N GPUs of pure data
parallelism. DeepSpeed releases before 0.14.3 printed 4Ψ + 16Ψ/N for ZeRO-2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from flopcast.planning.layout import Layout
from flopcast.planning.shape import ModelShape

Convention = Literal["zero", "deepspeed"]
CONVENTIONS: tuple[Convention, ...] = ("zero", "deepspeed")

PARAM_BYTES = 2  # 16-bit parameters (ZeRO sec. 3.1)
GRAD_BYTES = 2  # 16-bit gradients (ZeRO sec. 3.1)


@dataclass(frozen=True)
class MemoryPart:
    """One line of a memory budget: what it is, its bytes, and how they were counted."""

    name: str
    bytes: float
    formula: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "bytes": self.bytes,
            "gb": self.bytes / 1e9,
            "formula": self.formula,
        }


@dataclass(frozen=True)
class StageParams:
    """Parameters one GPU of a pipeline stage holds, after tensor and expert parallelism."""

    dense: float  # split by tensor parallelism, or replicated (norms, router)
    expert: float  # routed experts, split by expert x tensor parallelism
    largest_layer: float  # the stage's largest layer on this GPU (ZeRO-3 gathers one)

    @property
    def total(self) -> float:
        return self.dense + self.expert


def stage_params(shape: ModelShape, layout: Layout, stage: int) -> StageParams:
    """The parameters on one GPU of pipeline stage ``stage``: its layers, plus the embedding
    on the first stage and the final norm and LM head on the last (a tied LM head keeps a copy
    of the embedding on the last stage when there are several)."""
    t, e = layout.tp, layout.ep
    start, end = layout.stage_range(stage)
    dense = expert = largest = 0.0
    for la in shape.layers[start:end]:
        dense += la.tp_params / t + la.replicated_params
        expert += la.expert_params / (e * t)
        largest = max(largest, la.params_per_gpu(t, e))
    if stage == 0:
        dense += shape.embedding_params / t
    if stage == layout.pp - 1:
        dense += shape.final_norm_params
        if shape.tied:
            dense += shape.embedding_params / t if layout.pp > 1 else 0.0
        else:
            dense += shape.lm_head_params / t
    return StageParams(dense, expert, largest)


def state_bytes(
    params: StageParams, layout: Layout, zero: int, optimizer_bytes: float
) -> tuple[float, float, float, float]:
    """(parameters, gradients, optimizer states, gathered layer) in bytes on one GPU, as the
    ZeRO paper counts them (see the module docstring)."""
    nd, ne = layout.zero_group, layout.expert_zero_group
    whole = params.total
    shard = params.dense / nd + params.expert / ne
    return (
        # ZeRO sec. 3.1: 2Ψ of 16-bit parameters; stage 3 shards them (sec. 5.3)
        PARAM_BYTES * (shard if zero >= 3 else whole),
        # ZeRO sec. 3.1: 2Ψ of 16-bit gradients; stage 2 shards them (sec. 5.2)
        GRAD_BYTES * (shard if zero >= 2 else whole),
        # ZeRO sec. 3.1: KΨ of optimizer states; stage 1 shards them (sec. 5.1)
        optimizer_bytes * (shard if zero >= 1 else whole),
        # ZeRO sec. 5.3: a layer's parameters are gathered whole before it runs, then freed
        # (nothing to gather when no other GPU holds a shard)
        PARAM_BYTES * params.largest_layer if zero >= 3 and nd > 1 else 0.0,
    )


def zero_states(
    params: StageParams, layout: Layout, zero: int, optimizer_bytes: float
) -> tuple[MemoryPart, ...]:
    """Parameters, gradients and optimizer states per GPU, as the ZeRO paper counts them."""
    p, g, o, gathered = state_bytes(params, layout, zero, optimizer_bytes)
    k = optimizer_bytes
    shard = f", ÷ {layout.zero_group:,} (ZeRO-{zero})"
    out = [
        MemoryPart(
            "parameters",
            p,
            f"2Ψ, Ψ = {params.total / 1e9:.3g}B on this GPU" + (shard if zero >= 3 else ""),
        ),
        MemoryPart("gradients", g, "2Ψ" + (shard if zero >= 2 else "")),
        MemoryPart("optimizer states", o, f"{k:g}Ψ" + (shard if zero >= 1 else "")),
    ]
    if gathered:
        out.append(MemoryPart("gathered layer", gathered, "ZeRO-3: one layer gathered whole"))
    return tuple(out)


def deepspeed_states(shape: ModelShape, gpus: int, zero: int) -> tuple[MemoryPart, ...]:
    """DeepSpeed's estimator figures for the whole model on ``gpus`` data-parallel GPUs (no
    offload), as deepspeed/runtime/zero/stage_1_and_2.py and stage3.py compute them."""
    psi = shape.total_params
    if zero == 2:
        # stage_1_and_2.py estimate_zero2_model_states_mem_needs (cpu_offload=False):
        # gpu_mem = 2 * total_params + int(18 * total_params / total_gpus)
        return (
            MemoryPart("16-bit parameters", 2 * psi, "DeepSpeed ZeRO-2: 2Ψ"),
            MemoryPart(
                "gradients, fp32 copy, Adam", int(18 * psi / gpus), "DeepSpeed ZeRO-2: 18Ψ/N"
            ),
        )
    # stage3.py estimate_zero3_model_states_mem_needs (no offload):
    # gpu_mem = largest_layer_memory + int(18 * total_params / total_gpus),
    # largest_layer_memory = 4 * largest_layer_params
    return (
        MemoryPart(
            "largest layer", 4 * shape.largest_module_params, "DeepSpeed ZeRO-3: 4 × largest layer"
        ),
        MemoryPart("sharded model states", int(18 * psi / gpus), "DeepSpeed ZeRO-3: 18Ψ/N"),
    )
