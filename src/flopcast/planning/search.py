"""``plan_search``: the layouts that fit a cluster, ranked by step time, or the smallest cluster
that fits a layout rule.

With a number of GPUs, every layout of tensor (within one server), pipeline, context and expert
parallelism that multiplies to it is tried with the fastest recomputation mode and the lowest
ZeRO stage that fit (each unless given), and ranked by the estimated step time; ties go to the
layout with the least model parallelism and the lowest ZeRO stage, since communication is not
modelled. Without a number of GPUs, the tensor, pipeline, context and expert degrees are held
(given, or 1) and the smallest data-parallel size that fits is found for each ZeRO stage and
recomputation mode. Memory is the same arithmetic as :func:`flopcast.planning.plan`; the work
is bounded by ``search_max_layouts`` in ``data/defaults.toml``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flopcast.errors import FlopcastError, opt
from flopcast.planning.activations import (
    RECOMPUTE_MODES,
    ActivationSettings,
    LayerActivations,
    Recompute,
    in_flight,
    layer_activations,
    output_activations,
    working_set,
)
from flopcast.planning.build import (
    Plan,
    model_shape,
    plan_shape,
    published_setup,
    recompute_overhead,
    run_tokens,
)
from flopcast.planning.inputs import plan_defaults, positive_int
from flopcast.planning.layout import Layout, make_layout, split_layers
from flopcast.planning.shape import ModelShape
from flopcast.planning.states import StageParams, stage_params, state_bytes
from flopcast.planning.timing import bubble_fraction
from flopcast.quantity import QuantityLike


@dataclass(frozen=True)
class Candidate:
    """One layout with the ZeRO stage and recomputation chosen for it."""

    layout: Layout
    zero: int
    recompute: Recompute
    memory: float  # bytes on the busiest GPU
    step_seconds: float
    bubble: float
    micro_batches: int
    tokens_per_step: int

    @property
    def seconds_per_token(self) -> float:
        return self.step_seconds / self.tokens_per_step

    def to_dict(self) -> dict[str, Any]:
        return {
            "layout": self.layout.to_dict(),
            "zero": self.zero,
            "recompute": self.recompute,
            "memory_gb": self.memory / 1e9,
            "step_seconds": self.step_seconds,
            "bubble": self.bubble,
            "micro_batches": self.micro_batches,
            "tokens_per_step": self.tokens_per_step,
        }


@dataclass(frozen=True)
class PlanSearch:
    """What ``flopcast plan --search`` found, with the plan of the best candidate."""

    mode: str  # "cluster": layouts for a number of GPUs; "smallest": GPUs for a layout rule
    gpus: int | None
    candidates: tuple[Candidate, ...]
    considered: int
    fitting: int
    best: Plan | None
    unfit: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "gpus": self.gpus,
            "considered": self.considered,
            "fitting": self.fitting,
            "candidates": [c.to_dict() for c in self.candidates],
            "best": None if self.best is None else self.best.to_dict(),
            "unfit": list(self.unfit),
        }


class _Evaluator:
    """Memory of the busiest GPU and step time of a layout, from sums computed once."""

    def __init__(self, shape: ModelShape, base: Plan) -> None:
        self.shape, self.base = shape, base
        self.k = base.optimizer_bytes
        self.overhead = base.overhead
        self.capacity = base.capacity
        self._acts: dict[tuple[int, int, str], dict[int, LayerActivations]] = {}
        t = base.time
        self.flop_rate = t.flop_per_token / (t.peak * t.utilization.quantity.value)
        self.training, self.attention = t.flop_per_token, _attention_flops(shape, base)

    def settings(self, tp: int, cp: int, mode: Recompute) -> ActivationSettings:
        a = self.base.activation
        return ActivationSettings(
            seq=a.seq,
            micro_batch=a.micro_batch,
            tp=tp,
            cp=cp,
            sequence_parallel=self.base.sequence_parallel and tp > 1,
            flash_attention=a.flash_attention,
            recompute=mode,
            dropout=a.dropout,
        )

    def per_layer(self, tp: int, cp: int, mode: Recompute) -> dict[int, LayerActivations]:
        key = (tp, cp, mode)
        if key not in self._acts:
            a = self.settings(tp, cp, mode)
            self._acts[key] = {id(la): layer_activations(la, a) for la in self.shape.layers}
        return self._acts[key]

    def memory(
        self, layout: Layout, params: list[StageParams], zero: int, mode: Recompute, m: int
    ) -> float:
        acts = self.per_layer(layout.tp, layout.cp, mode)
        a = self.settings(layout.tp, layout.cp, mode)
        worst = 0.0
        for i, sp in enumerate(params):
            start, end = layout.stage_range(i)
            layers = self.shape.layers[start:end]
            kept = sum(acts[id(la)].kept for la in layers)
            total = sum(state_bytes(sp, layout, zero, self.k)) + self.overhead
            total += in_flight(i, layout.pp, m) * kept + working_set(layers, a)
            if i == layout.pp - 1:
                total += output_activations(self.shape.hidden, self.shape.vocab, a)
            worst = max(worst, total)
        return worst

    def step_seconds(self, layout: Layout, mode: Recompute, m: int, tokens: int) -> float:
        r = recompute_overhead(
            mode, self.base.activation.flash_attention, self.training, self.attention
        )
        bubble = bubble_fraction(layout.pp, m)
        return tokens * self.flop_rate * (1 + r) * (1 + bubble) / layout.gpus


def _attention_flops(shape: ModelShape, base: Plan) -> float:
    return 0.0 if shape.arch is None else shape.arch.flops_per_token(base.activation.seq).attention


def _close(x: float) -> float:
    """A time rounded to 6 significant figures, so that equal estimates tie."""
    return float(f"{x:.6g}")


def _distinct(found: list[Candidate]) -> list[Candidate]:
    """Keep the first (lowest ZeRO stage) of the candidates with the same layout and mode."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for c in found:
        key = (c.layout, c.recompute)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _divisors(n: int) -> list[int]:
    small = [d for d in range(1, int(n**0.5) + 1) if n % d == 0]
    return sorted({*small, *(n // d for d in small)})


def _micro_batches(sequences: int, dp: int, mb: int) -> tuple[int, int]:
    """(micro-batches per replica, sequences per step) after rounding up to whole ones."""
    per = dp * mb
    rounded = -(-sequences // per) * per
    return rounded // per, rounded


def plan_search(
    model: ModelShape | str | Path | Mapping[str, Any],
    *,
    accelerators: int | str | None = None,
    tp: int | None = None,
    pp: int | None = None,
    cp: int | None = None,
    ep: int | None = None,
    zero: int | None = None,
    recompute: str | None = None,
    top: int | None = None,
    tokens: QuantityLike | None = None,
    hub: bool = True,
    **options: Any,
) -> PlanSearch:
    """Layouts that fit ``accelerators`` GPUs, or the smallest cluster for a layout rule
    (``flopcast plan --search``).

    ``model`` is what :func:`flopcast.plan` takes (or a :class:`ModelShape` from
    :func:`flopcast.planning.model_shape`); ``options`` are :func:`flopcast.plan`'s
    (accelerator, sequence, batch, precision, optimizer, utilization, ...). The search varies
    the degrees, the ZeRO stage and the recomputation mode that are not given.

    >>> found = plan_search("llama-3.1-8b", accelerators=8, seq="4k")
    >>> found.candidates[0].layout.gpus, found.fitting > 3
    (8, True)
    """
    d = plan_defaults()
    if isinstance(model, ModelShape):
        shape = model
    else:
        shape = model_shape(model, hub=hub)
        options.setdefault("run_tokens", run_tokens(model, tokens))
        options.setdefault("published", published_setup(model))
    if top is not None:
        top = positive_int(top, "top", maximum=1000)
    top = top or int(d["search_top"])
    gpus = None if accelerators is None else positive_int(accelerators, "accelerators")
    tp, pp, cp, ep = (
        None if v is None else positive_int(v, name)
        for v, name in ((tp, "tp"), (pp, "pp"), (cp, "cp"), (ep, "ep"))
    )
    if options.get("convention", "zero") != "zero":
        raise FlopcastError(
            f"a layout search uses the ZeRO paper's accounting, not {opt('convention')} "
            f"{options['convention']!r}"
        )
    if options.get("utilization_of", "compute") != "compute":
        raise FlopcastError(
            "a layout search ranks layouts by their bubble and recomputation: give the "
            "utilization while computing, not of the whole step"
        )
    if options.get("fsdp"):
        zero, options["fsdp"] = 3, False
    if ep:  # checked on its own: the data-parallel size it must divide is still unknown
        make_layout(shape, gpus=None, tp=1, pp=1, cp=1, dp=ep, ep=ep, seq=ep)
    base = plan_shape(
        shape, tp=tp or 1, pp=pp or 1, cp=cp or 1, zero=zero, recompute=recompute, **options
    )
    ev = _Evaluator(shape, base)
    zeros = [zero] if zero is not None else [0, 1, 2, 3]
    modes: list[Recompute] = list(RECOMPUTE_MODES)
    if recompute is not None:
        modes = [base.recompute]
    elif base.activation.flash_attention:
        modes = ["none", "full"]  # with flash attention, selective keeps what none keeps
    sequences = base.time.sequences_per_step
    mb = base.activation.micro_batch
    seq = base.activation.seq

    def best_for(layout: Layout) -> Candidate | None:
        m, seqs = _micro_batches(sequences, layout.dp, mb)
        params = [stage_params(shape, layout, i) for i in range(layout.pp)]
        for mode in modes:
            for z in zeros:
                mem = ev.memory(layout, params, z, mode, m)
                if mem <= ev.capacity:
                    return Candidate(
                        layout,
                        z,
                        mode,
                        mem,
                        ev.step_seconds(layout, mode, m, seqs * seq),
                        bubble_fraction(layout.pp, m),
                        m,
                        seqs * seq,
                    )
        return None

    if gpus is not None:
        layouts = list(_cluster_layouts(shape, gpus, tp, pp, cp, ep, seq, d))
        found = [c for c in map(best_for, layouts) if c is not None]
        found.sort(
            key=lambda c: (
                _close(c.seconds_per_token),
                c.layout.model_parallel,
                c.zero,
                c.layout.ep,
                c.memory,
            )
        )
        mode, considered = "cluster", len(layouts)
    else:
        found, considered = _smallest(shape, base, ev, zeros, modes, sequences, ep or 1)
        found.sort(key=lambda c: (c.layout.gpus, _close(c.seconds_per_token), c.zero))
        found = _distinct(found)
        mode = "smallest"
    best = None
    if found:
        c = found[0]
        best = plan_shape(
            shape,
            tp=c.layout.tp,
            pp=c.layout.pp,
            cp=c.layout.cp,
            ep=c.layout.ep,
            dp=c.layout.dp,
            zero=c.zero,
            recompute=c.recompute,
            **options,
        )
    return PlanSearch(mode, gpus, tuple(found[:top]), considered, len(found), best)


def _cluster_layouts(
    shape: ModelShape,
    gpus: int,
    tp: int | None,
    pp: int | None,
    cp: int | None,
    ep: int | None,
    seq: int,
    d: dict[str, Any],
) -> Iterator[Layout]:
    """Every valid layout of ``gpus`` GPUs with the degrees given held fixed (bounded)."""
    node = int(d["node_gpus"])
    limit = int(d["search_max_layouts"])
    divisors = _divisors(gpus)
    tps = [tp] if tp else [x for x in divisors if x <= node]
    cps = [cp] if cp else [x for x in d["search_context_parallel"] if gpus % x == 0]
    count = 0
    for t in tps:
        if any(h % t for h in shape.heads):
            continue
        for c in cps:
            if seq % c or gpus % (t * c):
                continue
            for p in [pp] if pp else _divisors(gpus // (t * c)):
                if p > shape.num_layers or gpus % (t * c * p):
                    continue
                dp = gpus // (t * c * p)
                eps = (
                    [ep]
                    if ep
                    else (
                        [x for x in _divisors(dp * c) if shape.experts % x == 0]
                        if shape.is_moe
                        else [1]
                    )
                )
                for e in eps:
                    if (dp * c) % e or (e > 1 and shape.experts % e):
                        continue
                    count += 1
                    if count > limit:
                        raise FlopcastError(
                            f"more than {limit:,} layouts to try for {gpus:,} GPUs: fix some "
                            f"of {opt('tp')}, {opt('pp')}, {opt('cp')} or {opt('ep')}"
                        )
                    yield Layout(t, p, c, dp, e, split_layers(shape.num_layers, p))


def _smallest(
    shape: ModelShape,
    base: Plan,
    ev: _Evaluator,
    zeros: list[int],
    modes: list[Recompute],
    sequences: int,
    ep: int,
) -> tuple[list[Candidate], int]:
    """The smallest data-parallel size that fits, for each ZeRO stage and recomputation mode,
    with the other degrees held; memory falls as the data-parallel size grows, so bisect."""
    lay = base.layout
    mb, seq = base.activation.micro_batch, base.activation.seq
    step = ep // math.gcd(ep, lay.cp)  # d x c must be a multiple of e
    top = sequences // mb // step * step  # each replica needs a micro-batch
    found: list[Candidate] = []
    considered = 0
    for mode in modes:
        for z in zeros:

            def fits(dp: int, mode: Recompute = mode, z: int = z) -> Candidate | None:
                layout = Layout(lay.tp, lay.pp, lay.cp, dp, ep, lay.stage_layers)
                m, seqs = _micro_batches(sequences, dp, mb)
                params = [stage_params(shape, layout, i) for i in range(layout.pp)]
                mem = ev.memory(layout, params, z, mode, m)
                if mem > ev.capacity:
                    return None
                return Candidate(
                    layout,
                    z,
                    mode,
                    mem,
                    ev.step_seconds(layout, mode, m, seqs * seq),
                    bubble_fraction(layout.pp, m),
                    m,
                    seqs * seq,
                )

            hit, tries = _bisect(fits, step, max(top, step))
            considered += tries
            if hit is not None:
                found.append(hit)
    return found, considered


def _bisect(
    fits: Callable[[int], Candidate | None], step: int, top: int
) -> tuple[Candidate | None, int]:
    """The smallest multiple of ``step`` up to ``top`` that fits (monotone), and the tries."""
    lo, hi, tries = 1, top // step, 1
    best = fits(hi * step)
    if best is None:
        return None, tries
    while lo < hi:
        mid = (lo + hi) // 2
        tries += 1
        c = fits(mid * step)
        if c is None:
            lo = mid + 1
        else:
            hi, best = mid, c
    return best, tries
