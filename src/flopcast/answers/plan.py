"""``flopcast plan``: memory per GPU under parallelism and ZeRO, the step time, and with
``search`` the layouts that fit a cluster or the smallest cluster for a layout."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flopcast.figures import Model
    from flopcast.planning import Plan, PlanSearch


def plan_answer(
    model: str | Path | Mapping[str, Any] | Model | None = None,
    *,
    gpus: str | int | None = None,
    gpu: str | None = None,
    tp: int | None = None,
    pp: int | None = None,
    dp: int | None = None,
    cp: int | None = None,
    ep: int | None = None,
    zero: int | None = None,
    fsdp: bool = False,
    seq: str | int | None = None,
    micro_batch: int | None = None,
    global_batch: str | int | None = None,
    recompute: str | None = None,
    precision: str | None = None,
    optimizer: str | None = None,
    optimizer_bytes: float | None = None,
    flash_attention: bool | None = None,
    sequence_parallel: bool | None = None,
    mfu: str | None = None,
    mfu_of: str = "compute",
    tokens: str | None = None,
    overhead: float | None = None,
    convention: str = "zero",
    search: bool = False,
    top: int | None = None,
    total: str | None = None,
    active: str | None = None,
    layers: int | None = None,
    hidden: int | None = None,
    heads: int | None = None,
    kv_heads: int | None = None,
    vocab: int | None = None,
    experts: int | None = None,
    top_k: int | None = None,
) -> Plan | PlanSearch:
    """``flopcast plan [MODEL] [--gpus N] [--tp N] ... [--search]``: one layout planned, or
    with ``search`` the layouts that fit ``gpus`` (or, without it, the smallest clusters)."""
    from flopcast.errors import FlopcastError, opt
    from flopcast.planning import model_shape, plan_search, plan_shape
    from flopcast.planning.build import published_setup, run_tokens
    from flopcast.planning.inputs import positive_int

    if mfu_of not in ("compute", "step"):
        raise FlopcastError(f"{opt('mfu_of')} {mfu_of!r}: use compute or step")
    shape = model_shape(
        model, total_params=total, active_params=active, layers=layers, hidden=hidden,
        heads=heads, kv_heads=kv_heads, vocab=vocab, experts=experts, top_k=top_k,
    )  # fmt: skip
    options: dict[str, Any] = dict(
        accelerator_name=gpu, seq=seq, micro_batch=micro_batch, global_batch=global_batch,
        precision=precision, optimizer=optimizer, optimizer_bytes=optimizer_bytes,
        flash_attention=flash_attention, sequence_parallel=sequence_parallel, utilization=mfu,
        utilization_of=mfu_of, overhead_gb=overhead, convention=convention, fsdp=fsdp,
        published=published_setup(model),
    )  # fmt: skip
    if search:
        if dp is not None:
            raise FlopcastError(
                f"{opt('search')} finds the data-parallel size: leave {opt('dp')} out"
            )
        n = None if gpus is None else positive_int(gpus, "accelerators")
        return plan_search(
            shape, accelerators=n, tp=tp, pp=pp, cp=cp, ep=ep, zero=zero, recompute=recompute,
            top=top, run_tokens=run_tokens(model, tokens), **options,
        )  # fmt: skip
    return plan_shape(
        shape, accelerators=gpus, tp=tp, pp=pp, dp=dp, cp=cp, ep=ep, zero=zero,
        recompute=recompute, run_tokens=run_tokens(model, tokens), **options,
    )  # fmt: skip
