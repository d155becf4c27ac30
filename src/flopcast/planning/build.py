"""``plan``: memory per GPU and time per step of one training layout, with every input stated.

The model comes from a config.json (a catalog name, a path, a Hub repo: the one resolver,
:func:`flopcast.configs.resolve_config`, counted exactly by :mod:`flopcast.arch`) or from
parameter counts and a typed shape. The memory of each pipeline stage is its model states
(:mod:`flopcast.planning.states`), the activations of the micro-batches it holds
(:mod:`flopcast.planning.activations`) and a stated framework overhead; the busiest stage is
the answer. The time comes from :mod:`flopcast.planning.timing`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flopcast.errors import FlopcastError, opt
from flopcast.figures import Model
from flopcast.hardware import Accelerator, accelerator, normalize_precision
from flopcast.planning import inputs as inp
from flopcast.planning.activations import (
    ActivationSettings,
    LayerActivations,
    Recompute,
    in_flight,
    layer_activations,
    output_activations,
    working_set,
)
from flopcast.planning.layout import Layout, make_layout
from flopcast.planning.shape import ModelShape, shape_from_arch, shape_from_counts
from flopcast.planning.states import (
    CONVENTIONS,
    Convention,
    MemoryPart,
    deepspeed_states,
    stage_params,
    zero_states,
)
from flopcast.planning.timing import StepTime, UtilizationOf, step_time
from flopcast.quantity import Kind, QuantityLike, parse
from flopcast.training import Input

if TYPE_CHECKING:
    from flopcast.figures import Figure


@dataclass(frozen=True)
class StageMemory:
    """The memory of one GPU of a pipeline stage, part by part."""

    stage: int  # 0-based
    layers: int
    in_flight: int
    parts: tuple[MemoryPart, ...]

    @property
    def total(self) -> float:
        return sum(p.bytes for p in self.parts)

    def part(self, name: str) -> float:
        return sum(p.bytes for p in self.parts if p.name == name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "layers": self.layers,
            "in_flight": self.in_flight,
            "parts": [p.to_dict() for p in self.parts],
            "total_bytes": self.total,
            "total_gb": self.total / 1e9,
        }


@dataclass(frozen=True)
class Plan:
    """A training layout's memory per GPU against the chip, and its step and run time."""

    model: str
    shape: ModelShape
    accelerator: Accelerator
    precision: str
    layout: Layout
    zero: int
    recompute: Recompute
    convention: Convention
    activation: ActivationSettings
    settings: tuple[inp.Setting, ...]
    per_layer: LayerActivations
    busiest: StageMemory
    stage_totals: tuple[float, ...]
    capacity: float
    time: StepTime
    optimizer_bytes: float
    overhead: float
    sequence_parallel: bool
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def fits(self) -> bool:
        return self.busiest.total <= self.capacity

    @property
    def headroom(self) -> float:
        return self.capacity - self.busiest.total

    def setting(self, name: str) -> inp.Setting | None:
        return next((s for s in self.settings if s.name == name), None)

    @property
    def defaults_used(self) -> tuple[inp.Setting, ...]:
        return tuple(s for s in self.settings if s.origin == "default")

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "accelerator": self.accelerator.id,
            "precision": self.precision,
            "layout": self.layout.to_dict(),
            "zero": self.zero,
            "recompute": self.recompute,
            "convention": self.convention,
            "fits": self.fits,
            "memory_per_gpu_bytes": self.busiest.total,
            "memory_per_gpu_gb": self.busiest.total / 1e9,
            "capacity_gb": self.capacity / 1e9,
            "headroom_gb": self.headroom / 1e9,
            "busiest_stage": self.busiest.to_dict(),
            "stage_totals_gb": [x / 1e9 for x in self.stage_totals],
            "per_layer_activations": self.per_layer.to_dict(),
            "time": self.time.to_dict(),
            "settings": {s.name: s.to_dict() for s in self.settings},
            "defaults_used": [s.name for s in self.defaults_used],
            "shape": self.shape.to_dict(),
            "notes": list(self.notes),
            "warnings": list(self.warnings),
        }


def model_shape(
    model: str | Path | Mapping[str, Any] | Model | ModelShape | None,
    *,
    total_params: QuantityLike | None = None,
    active_params: QuantityLike | None = None,
    layers: int | None = None,
    hidden: int | None = None,
    heads: int | None = None,
    kv_heads: int | None = None,
    vocab: int | None = None,
    experts: int | None = None,
    top_k: int | None = None,
    hub: bool = True,
) -> ModelShape:
    """The model to plan: a catalog name or :class:`~flopcast.figures.Model` (its shipped
    config, never read as a path), config.json path, Hub repo or dict (exact), or total and
    active parameters with the shape typed (approximate)."""
    if isinstance(model, ModelShape):
        return model
    if isinstance(model, Model):
        from flopcast.arch import from_config
        from flopcast.configs import config_for_model

        found = config_for_model(model)
        if found is None:
            raise FlopcastError(
                f"{model.name}: flopcast ships no config.json for it (closed weights?); give "
                f"{opt('total_params')} and {opt('active_params')} with the shape instead"
            )
        return shape_from_arch(from_config(found.config), found.config, model.name, found.describe)
    if model is None:
        if total_params is None and active_params is None:
            raise FlopcastError(
                f"name a model (a catalog name or a config.json), or give {opt('total_params')}"
                f" and {opt('active_params')} with {opt('layers')}, {opt('hidden')} and "
                f"{opt('heads')}"
            )
        total = parse(total_params or active_params or 0, Kind.COUNT, what=opt("total_params"))
        active = parse(active_params or total_params or 0, Kind.COUNT, what=opt("active_params"))
        ints = {
            "layers": layers,
            "hidden": hidden,
            "heads": heads,
            "kv_heads": kv_heads,
            "vocab": vocab,
            "experts": experts,
            "top_k": top_k,
        }
        checked = {k: None if v is None else inp.positive_int(v, k) for k, v in ints.items()}
        return shape_from_counts(total_params=total.value, active_params=active.value, **checked)
    from flopcast.arch import from_config
    from flopcast.configs import resolve_config

    resolved = resolve_config(model, hub=hub)
    arch = from_config(resolved.config)
    name = _display_name(model, resolved.repo)
    return shape_from_arch(arch, resolved.config, name, resolved.describe)


def _display_name(model: Any, repo: str | None) -> str:
    if isinstance(model, str) and "/" not in model and not model.endswith(".json"):
        from flopcast.catalog import model as catalog_model

        try:
            return catalog_model(model).name
        except FlopcastError:
            pass
    return repo or (Path(model).name if isinstance(model, str | Path) else "the model")


def _catalog_figure(model: Any, name: str) -> Figure | None:
    """A figure of a catalog model (``model`` a catalog name or :class:`Model`), or None."""
    if isinstance(model, Model):
        fig = model.figure(name)
        return fig if fig is not None and fig.quantity is not None else None
    if isinstance(model, str) and "/" not in model and not model.endswith(".json"):
        from flopcast.catalog import model as catalog_model

        try:
            fig = catalog_model(model).figure(name)
        except FlopcastError:
            return None
        if fig is not None and fig.quantity is not None:
            return fig
    return None


def run_tokens(model: Any, tokens: QuantityLike | None) -> Input | None:
    """The run's tokens: given, or the catalog's figure for a catalog model."""
    if tokens is not None:
        q = parse(tokens, Kind.COUNT, what=opt("tokens"), unit="tokens")
        return Input("tokens", q, Kind.COUNT, "given")
    fig = _catalog_figure(model, "training_tokens")
    if fig is not None and fig.quantity is not None:
        return Input("tokens", fig.quantity, Kind.COUNT, f"catalog: {fig.by}", fig.source)
    return None


def published_setup(model: Any) -> dict[str, inp.Published]:
    """The sequence length (``seq``) and tokens per step (``global_batch``) the developer
    published for a catalog model's training run, where its catalog entry gives them."""
    out = {}
    names = (("seq", "training_sequence_length"), ("global_batch", "training_batch_tokens"))
    for key, name in names:
        fig = _catalog_figure(model, name)
        if fig is not None and fig.quantity is not None:
            out[key] = inp.Published(round(fig.quantity.value), f"catalog: {fig.by}", fig.source)
    return out


def _flop_per_token(shape: ModelShape, seq: int) -> tuple[float, float, str]:
    """(training FLOP per token, forward attention FLOP per token, basis)."""
    if shape.arch is not None:
        f = shape.arch.flops_per_token(seq)
        return f.training, f.attention, f"exact, from the config at {seq:,} tokens"
    # C = 6·N·D: Kaplan et al. 2020 sec. 2.1 (attention FLOPs not counted)
    return 6.0 * shape.active_params, 0.0, "6·N with N the active parameters"


def recompute_overhead(mode: str, flash: bool, training: float, attention: float) -> float:
    """FLOPs recomputation adds, as a fraction of the training FLOPs."""
    if mode == "full":
        return 1 / 3  # one more forward pass: training is 3 forwards (Korthikanti sec. 5)
    if mode == "selective" and not flash and training:
        # Korthikanti et al. 2022 sec. 5: the attention core's forward is run again
        return attention / training
    return 0.0


def stage_memory(
    shape: ModelShape,
    layout: Layout,
    stage: int,
    *,
    act: ActivationSettings,
    per_layer: dict[int, LayerActivations],
    micro_batches: int,
    zero: int,
    optimizer_bytes: float,
    convention: Convention,
    overhead: float,
) -> StageMemory:
    """Model states + activations in flight + overhead on one GPU of stage ``stage``."""
    start, end = layout.stage_range(stage)
    layers = shape.layers[start:end]
    if convention == "deepspeed":
        states = deepspeed_states(shape, layout.gpus, zero)
    else:
        states = zero_states(stage_params(shape, layout, stage), layout, zero, optimizer_bytes)
    held = in_flight(stage, layout.pp, micro_batches)
    kept = sum(per_layer[id(la)].kept for la in layers)
    what = {
        "none": "everything",
        "selective": "all but the attention core",
        "full": "each layer's input",
    }[act.recompute]
    parts = [
        *states,
        MemoryPart(
            "activations",
            held * kept,
            f"{len(layers)} layers × {held} micro-batch{'es' if held > 1 else ''} in flight, "
            f"{what} kept",
        ),
    ]
    rebuilt = working_set(layers, act)
    if rebuilt:
        parts.append(MemoryPart("recomputed layer", rebuilt, "one layer rebuilt for backward"))
    if stage == layout.pp - 1:
        parts.append(
            MemoryPart(
                "output layer and loss",
                output_activations(shape.hidden, shape.vocab, act),
                "final norm and LM head inputs, fp32 logits",
            )
        )
    parts.append(MemoryPart("framework overhead", overhead, "assumed per GPU"))
    return StageMemory(stage, len(layers), held, tuple(parts))


def plan(
    model: str | Path | Mapping[str, Any] | ModelShape | None = None,
    *,
    accelerators: int | str | None = None,
    accelerator_name: str | Accelerator | None = None,
    tp: int | None = None,
    pp: int | None = None,
    dp: int | None = None,
    cp: int | None = None,
    ep: int | None = None,
    zero: int | None = None,
    fsdp: bool = False,
    seq: int | str | None = None,
    micro_batch: int | None = None,
    global_batch: int | str | None = None,
    recompute: str | None = None,
    precision: str | None = None,
    optimizer: str | None = None,
    optimizer_bytes: float | None = None,
    flash_attention: bool | None = None,
    sequence_parallel: bool | None = None,
    utilization: QuantityLike | None = None,
    utilization_of: UtilizationOf = "compute",
    tokens: QuantityLike | None = None,
    overhead_gb: float | None = None,
    convention: str = "zero",
    total_params: QuantityLike | None = None,
    active_params: QuantityLike | None = None,
    layers: int | None = None,
    hidden: int | None = None,
    heads: int | None = None,
    kv_heads: int | None = None,
    vocab: int | None = None,
    experts: int | None = None,
    top_k: int | None = None,
    hub: bool = True,
) -> Plan:
    """Memory per GPU by part and time per step of a training layout (``flopcast plan``).

    Defaults (``data/defaults.toml`` ``[plan]``, each listed in :attr:`Plan.settings` as
    ``default``): ZeRO-1 over the data-parallel GPUs, selective recomputation, flash
    attention, sequence parallelism with tensor parallelism, micro-batch 1, bf16, Adam in
    mixed precision, the assumed utilization of :func:`flopcast.training.default_utilization`.

    >>> p = plan("llama-3.1-8b", accelerators=8, accelerator_name="h100", seq=4096)
    >>> p.fits, p.layout.dp
    (True, 8)
    """
    shape = model_shape(
        model,
        total_params=total_params,
        active_params=active_params,
        layers=layers,
        hidden=hidden,
        heads=heads,
        kv_heads=kv_heads,
        vocab=vocab,
        experts=experts,
        top_k=top_k,
        hub=hub,
    )
    return plan_shape(
        shape,
        accelerators=accelerators,
        accelerator_name=accelerator_name,
        tp=tp,
        pp=pp,
        dp=dp,
        cp=cp,
        ep=ep,
        zero=zero,
        fsdp=fsdp,
        seq=seq,
        micro_batch=micro_batch,
        global_batch=global_batch,
        recompute=recompute,
        precision=precision,
        optimizer=optimizer,
        optimizer_bytes=optimizer_bytes,
        flash_attention=flash_attention,
        sequence_parallel=sequence_parallel,
        utilization=utilization,
        utilization_of=utilization_of,
        run_tokens=run_tokens(model, tokens),
        overhead_gb=overhead_gb,
        convention=convention,
        published=published_setup(model),
    )


def plan_shape(
    shape: ModelShape,
    *,
    accelerators: int | str | None = None,
    accelerator_name: str | Accelerator | None = None,
    tp: int | None = None,
    pp: int | None = None,
    dp: int | None = None,
    cp: int | None = None,
    ep: int | None = None,
    zero: int | None = None,
    fsdp: bool = False,
    seq: int | str | None = None,
    micro_batch: int | None = None,
    global_batch: int | str | None = None,
    recompute: str | None = None,
    precision: str | None = None,
    optimizer: str | None = None,
    optimizer_bytes: float | None = None,
    flash_attention: bool | None = None,
    sequence_parallel: bool | None = None,
    utilization: QuantityLike | None = None,
    utilization_of: UtilizationOf = "compute",
    run_tokens: Input | None = None,
    overhead_gb: float | None = None,
    convention: str = "zero",
    published: Mapping[str, inp.Published] | None = None,
) -> Plan:
    """:func:`plan` for a model already resolved into a :class:`ModelShape`; ``published``:
    the model's own sequence length and batch (:func:`published_setup`), used where not given."""
    pub = published or {}
    d = inp.plan_defaults()
    settings: list[inp.Setting] = []

    def given_or_default(value: Any, name: str, label: str, default: int = 1) -> int:
        if value is None:
            settings.append(inp.Setting(label, str(default), "default"))
            return default
        v = inp.positive_int(value, name)
        settings.append(inp.Setting(label, str(v), "given"))
        return v

    if convention not in CONVENTIONS:
        raise FlopcastError(f"{opt('convention')} {convention!r}: use zero or deepspeed")
    conv: Convention = "deepspeed" if convention == "deepspeed" else "zero"
    if utilization_of not in ("compute", "step"):
        raise FlopcastError(
            f"{opt('utilization_of', '--mfu-of')} {utilization_of!r}: use compute or step"
        )
    acc = _accelerator(accelerator_name, d, settings)
    if acc.memory_gb is None:
        raise FlopcastError(f"{acc.name} has no memory figure in flopcast's table")
    if precision is not None and not isinstance(precision, str):
        raise FlopcastError(f"{opt('precision')} is text (bf16, fp8), not {precision!r}")
    prec = normalize_precision(precision or str(d["precision"]))
    settings.append(
        inp.Setting(
            "precision", prec, "given" if precision else "default", "the peak the step time uses"
        )
    )
    peak = acc.peak_flops(prec)
    gpus = None if accelerators is None else inp.positive_int(accelerators, "accelerators")
    seq_setting = inp.sequence_length(seq, pub.get("seq"))
    s = int(seq_setting.value)
    settings.append(seq_setting)
    t = given_or_default(tp, "tp", "tensor parallel")
    p = given_or_default(pp, "pp", "pipeline parallel")
    c = given_or_default(cp, "cp", "context parallel")
    dense = ep is None and not shape.is_moe
    e = 1 if dense else given_or_default(ep, "ep", "expert parallel")
    dpv = None if dp is None else inp.positive_int(dp, "dp")
    layout = make_layout(shape, gpus=gpus, tp=t, pp=p, cp=c, dp=dpv, ep=e, seq=s)
    settings.append(
        inp.Setting(
            "data parallel",
            str(layout.dp),
            "given" if dp else "derived",
            "" if dp else "GPUs ÷ (TP × PP × CP)",
        )
    )
    settings.append(inp.Setting("GPUs", f"{layout.gpus:,}", "given" if gpus else "derived"))
    z, zs = inp.zero_stage(zero, fsdp)
    settings.append(zs)
    if conv == "deepspeed" and (z not in (2, 3) or layout.model_parallel * layout.ep > 1):
        raise FlopcastError(
            f"{opt('convention')} deepspeed gives DeepSpeed's ZeRO-2 and ZeRO-3 estimators, "
            f"which assume pure data parallelism: use {opt('zero')} 2 or 3 with "
            f"{opt('tp')}, {opt('pp')}, {opt('cp')} and {opt('ep')} at 1"
        )
    rc, rcs = inp.recompute_mode(recompute)
    settings.append(rcs)
    flash, fs = inp.flag(flash_attention, "flash_attention", "flash attention")
    sp, sps = inp.flag(sequence_parallel, "sequence_parallel", "sequence parallel")
    settings += [fs, sps]
    mb = given_or_default(micro_batch, "micro_batch", "micro-batch", int(d["micro_batch"]))
    k, ks = inp.optimizer_state(optimizer, optimizer_bytes)
    settings.append(ks)
    overhead, ovs = inp.overhead_bytes(overhead_gb)
    settings.append(ovs)
    sequences, gbs = inp.global_batch_sequences(
        global_batch, s, layout.dp, mb, pub.get("global_batch")
    )
    settings.append(gbs)
    micro_batches = sequences // (layout.dp * mb)
    u = inp.utilization_input(utilization)
    settings.append(inp.utilization_setting(u, utilization_of))
    mode: Recompute = "full" if rc == "full" else "selective" if rc == "selective" else "none"
    act = ActivationSettings(
        seq=s,
        micro_batch=mb,
        tp=t,
        cp=c,
        sequence_parallel=sp and t > 1,
        flash_attention=flash,
        recompute=mode,
        dropout=shape.dropout,
    )
    per_layer = {id(la): layer_activations(la, act) for la in shape.layers}
    stages = [
        stage_memory(
            shape,
            layout,
            i,
            act=act,
            per_layer=per_layer,
            micro_batches=micro_batches,
            zero=z,
            optimizer_bytes=k,
            convention=conv,
            overhead=overhead,
        )
        for i in range(layout.pp)
    ]
    busiest = max(stages, key=lambda st: st.total)
    training, attention, basis = _flop_per_token(shape, s)
    time = step_time(
        tokens_per_step=sequences * s,
        sequences_per_step=sequences,
        micro_batches=micro_batches,
        stages=layout.pp,
        flop_per_token=training,
        flop_basis=basis,
        recompute_overhead=recompute_overhead(mode, flash, training, attention),
        peak=peak,
        gpus=layout.gpus,
        utilization=u,
        utilization_of=utilization_of,
        run_tokens=run_tokens,
    )
    largest = max(per_layer.values(), key=lambda x: x.stored)
    return Plan(
        model=shape.name,
        shape=shape,
        accelerator=acc,
        precision=prec,
        layout=layout,
        zero=z,
        recompute=mode,
        convention=conv,
        activation=act,
        settings=tuple(settings),
        per_layer=largest,
        busiest=busiest,
        stage_totals=tuple(st.total for st in stages),
        capacity=acc.memory_gb * 1e9,
        time=time,
        optimizer_bytes=k,
        overhead=overhead,
        sequence_parallel=sp,
        notes=shape.notes,
        warnings=tuple(_warnings(layout, time, z, t, int(d["node_gpus"]))),
    )


def _accelerator(
    name: str | Accelerator | None, d: dict[str, Any], settings: list[inp.Setting]
) -> Accelerator:
    if isinstance(name, Accelerator):
        acc, origin = name, "given"
    else:
        acc, origin = _chip(name or str(d["accelerator"])), "given" if name else "default"
    settings.append(inp.Setting("accelerator", acc.name, origin, "", acc.source))
    return acc


def _chip(name: str) -> Accelerator:
    """An accelerator by name; unknown, a one-line error pointing to the list (a plan takes
    its peak and memory from the table, so there is no --peak to offer)."""
    from flopcast.errors import listing
    from flopcast.hardware import _index

    try:
        return accelerator(name)
    except FlopcastError:
        if not isinstance(name, str):
            raise
        raise _index().unknown(name, hint=listing("accelerators")) from None


def _warnings(layout: Layout, time: StepTime, zero: int, tp: int, node: int) -> list[str]:
    out = []
    if time.bubble > 0.25:
        out.append(
            f"the pipeline idles {time.bubble:.0%} of the compute time ({layout.pp - 1} "
            f"stages ÷ {time.micro_batches} micro-batches): a larger {opt('global_batch')} "
            f"or fewer stages shrink it"
        )
    if tp > node:
        out.append(f"tensor parallelism over {tp} GPUs crosses servers of {node} GPUs")
    if zero == 3 and layout.pp > 1:
        out.append("ZeRO-3 with pipeline parallelism gathers the weights for every micro-batch")
    return out
