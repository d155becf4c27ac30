"""A parallel layout: tensor (t), pipeline (p), context (c), data (d) and expert (e) parallelism.

The GPUs number t x p x c x d (Narayanan et al. 2021, arXiv 2104.04473, sec. 3; context
parallelism as in Llama 3, arXiv 2407.21783, sec. 3.3.2). Expert parallelism is carved out of
the data- and context-parallel GPUs, as Megatron-LM does with the experts' tensor parallelism
equal to t: e divides c x d. Every check here names the option at fault, in one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flopcast.errors import FlopcastError, opt
from flopcast.planning.shape import ModelShape


@dataclass(frozen=True)
class Layout:
    """Parallel degrees and how the layers fall into pipeline stages."""

    tp: int
    pp: int
    cp: int
    dp: int
    ep: int
    stage_layers: tuple[int, ...]

    @property
    def gpus(self) -> int:
        return self.tp * self.pp * self.cp * self.dp

    @property
    def zero_group(self) -> int:
        """GPUs that hold the same dense weights and shard their states under ZeRO: d x c
        (context-parallel GPUs hold the same weights, as Megatron-LM's distributed optimizer
        uses them)."""
        return self.dp * self.cp

    @property
    def expert_zero_group(self) -> int:
        """GPUs that hold the same experts: d x c / e."""
        return self.dp * self.cp // self.ep

    @property
    def model_parallel(self) -> int:
        return self.tp * self.pp * self.cp

    def stage_range(self, stage: int) -> tuple[int, int]:
        """The layers [start, end) of pipeline stage ``stage`` (0-based)."""
        start = sum(self.stage_layers[:stage])
        return start, start + self.stage_layers[stage]

    def describe(self) -> str:
        parts = [f"TP {self.tp}", f"PP {self.pp}", f"CP {self.cp}", f"DP {self.dp}"]
        if self.ep > 1:
            parts.append(f"EP {self.ep}")
        return " × ".join(parts[:4]) + (f", {parts[4]}" if self.ep > 1 else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "pp": self.pp,
            "cp": self.cp,
            "dp": self.dp,
            "ep": self.ep,
            "gpus": self.gpus,
            "stage_layers": list(self.stage_layers),
        }


def split_layers(layers: int, stages: int) -> tuple[int, ...]:
    """Layers per pipeline stage: as even as possible, the first and last stages taking the
    shortfall when p does not divide the layers (they also hold the embedding and the output
    layer; Llama 3 gives them one layer less, arXiv 2407.21783, sec. 3.3.2)."""
    per = -(-layers // stages)
    sizes = [per] * stages
    short = per * stages - layers
    order = [i for pair in zip(range(stages), range(stages - 1, -1, -1), strict=True) for i in pair]
    seen: list[int] = []
    for i in order:
        if i not in seen:
            seen.append(i)
    for i in seen[:short]:
        sizes[i] -= 1
    return tuple(sizes)


def _positive(value: int | None, name: str) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise FlopcastError(f"{opt(name)} must be a positive whole number, got {value!r}")


def make_layout(
    shape: ModelShape,
    *,
    gpus: int | None,
    tp: int,
    pp: int,
    cp: int,
    dp: int | None,
    ep: int,
    seq: int,
) -> Layout:
    """The layout, checked against the model and the cluster (one-line errors naming options)."""
    for name, value in (
        ("tp", tp),
        ("pp", pp),
        ("cp", cp),
        ("dp", dp),
        ("ep", ep),
        ("accelerators", gpus),
    ):
        _positive(value, name)
    mp = tp * pp * cp
    if dp is None:
        if gpus is None:
            dp = 1
        elif gpus % mp:
            raise FlopcastError(
                f"{opt('accelerators')} {gpus:,} is not a multiple of {opt('tp')} × {opt('pp')}"
                f" × {opt('cp')} = {tp} × {pp} × {cp} = {mp:,}"
            )
        else:
            dp = gpus // mp
    elif gpus is not None and mp * dp != gpus:
        raise FlopcastError(
            f"{opt('tp')} × {opt('pp')} × {opt('cp')} × {opt('dp')} = {tp} × {pp} × {cp} × {dp}"
            f" = {mp * dp:,} GPUs, not {opt('accelerators')} {gpus:,}"
        )
    for heads in shape.heads:
        if heads % tp:
            raise FlopcastError(
                f"{opt('tp')} {tp} does not divide the {heads} attention heads: "
                "tensor parallelism splits the heads"
            )
    if pp > shape.num_layers:
        raise FlopcastError(
            f"{opt('pp')} {pp} is more than the {shape.num_layers} layers: "
            "each pipeline stage needs at least one"
        )
    if seq % cp:
        raise FlopcastError(f"{opt('cp')} {cp} does not divide {opt('seq')} {seq:,}")
    if ep > 1:
        if not shape.is_moe:
            raise FlopcastError(f"{opt('ep')} {ep} needs a mixture-of-experts model")
        if shape.experts % ep:
            raise FlopcastError(f"{opt('ep')} {ep} does not divide the {shape.experts} experts")
        if (dp * cp) % ep:
            raise FlopcastError(
                f"{opt('ep')} {ep} must divide {opt('dp')} × {opt('cp')} = {dp * cp}: expert "
                "parallelism uses the data- and context-parallel GPUs"
            )
    return Layout(tp, pp, cp, dp, ep, split_layers(shape.num_layers, pp))
