"""Compute-optimality of a model (from the catalog or from numbers), under every named law.

Glue between the catalog and :mod:`flopcast.scaling`: the model's active and total
parameters, tokens and experts with their sources; the sparsity definition the user picks;
the over-training report under the chosen law with 90% intervals from uncertain inputs; and
how the verdict changes under the other shipped laws.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from flopcast.errors import FlopcastError, opt
from flopcast.figures import Figure, Model
from flopcast.quantity import Kind, Quantity, QuantityLike, fmt, parse
from flopcast.scaling import (
    OvertrainReport,
    Sparsity,
    law_names,
    overtrain,
    overtraining_factor,
    sparsity_from_experts,
    sparsity_from_params,
    sparsity_stated,
)
from flopcast.training import Input
from flopcast.uncertainty import Sampling, propagate

SparsityFrom = Literal["params", "experts"]

#: The laws compared side by side (the essay's fixed ratios first).
COMPARED_LAWS = ("fixed:20", "fixed:40")


@dataclass(frozen=True)
class Optimality:
    """A model's over-training under one law, with intervals, and under the others."""

    name: str
    inputs: dict[str, Input]
    report: OvertrainReport  # at the central inputs
    tokens_per_param: Quantity
    k: Quantity
    others: tuple[OvertrainReport, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "inputs": {k: v.to_dict() for k, v in self.inputs.items()},
            **self.report.to_dict(),
            "tokens_per_param_interval": self.tokens_per_param.to_dict(),
            "k_interval": self.k.to_dict(),
            "other_laws": [
                {
                    "law": r.law,
                    "optimal_tokens_per_param": r.optimal_tokens_per_param,
                    "k": r.k,
                    "verdict": r.verdict,
                    "cost": r.cost,
                }
                for r in self.others
            ],
        }


def _input(name: str, given: QuantityLike | None, fig: Any, what: str, unit: str) -> Input | None:
    if given is not None:
        return Input(name, parse(given, Kind.COUNT, what=what, unit=unit), Kind.COUNT, "given")
    if fig is not None and fig.quantity is not None:
        return Input(name, fig.quantity, Kind.COUNT, f"catalog: {fig.provenance}", fig.source)
    return None


def optimality(
    m: Model | None = None,
    *,
    active_params: QuantityLike | None = None,
    total_params: QuantityLike | None = None,
    tokens: QuantityLike | None = None,
    law: str = "fixed:40",
    moe: str | float = "default",
    sparsity: float | None = None,
    sparsity_from: SparsityFrom = "params",
    compare_laws: bool = True,
    sampling: Sampling | None = None,
) -> Optimality:
    """Over-training of a catalog model or of numbers; keyword arguments override the catalog.

    Sparsity S: ``sparsity`` if stated; else from total/active parameters
    (``sparsity_from="params"``, Maverick 400B/17B = 23.5) or from routed experts over routed
    experts per token (``"experts"``, DeepSeek-V3 256/8 = 32); dense when neither is known.
    """

    def get(key: str) -> Figure | None:
        return None if m is None else m.figure(key)

    dense_total = m is not None and m.architecture == "dense"
    n_in = _input(
        "active_params",
        active_params,
        get("active_params") or (get("total_params") if dense_total else None),
        opt("active_params"),
        "params",
    )
    d_in = _input("tokens", tokens, get("training_tokens"), opt("tokens"), "tokens")
    t_in = _input("total_params", total_params, get("total_params"), opt("total_params"), "params")
    name = m.name if m is not None else "Model"
    if n_in is None or d_in is None:
        missing = opt("active_params" if n_in is None else "tokens")
        raise FlopcastError(
            f"{name}: over-training needs active parameters and tokens: add {missing}"
        )
    if t_in is not None and t_in.quantity.value < n_in.quantity.value / 1.0001:
        raise FlopcastError(
            f"{name}: total parameters {fmt(t_in.quantity, Kind.COUNT)} are fewer than the "
            f"active ones {fmt(n_in.quantity, Kind.COUNT)}: {opt('total_params')} counts every "
            f"parameter, {opt('active_params')} those used per token (swapped?)"
        )
    inputs = {i.name: i for i in (n_in, t_in, d_in) if i is not None}

    sp: Sparsity | None
    if sparsity is not None:
        sp = sparsity_stated(sparsity)
    elif sparsity_from == "experts":
        e, k = get("routed_experts"), get("active_routed_experts")
        if e is None or k is None or e.quantity is None or k.quantity is None:
            raise FlopcastError(
                f"{name}: the catalog has no routed-expert counts; count the sparsity from the "
                f"parameters ({opt('sparsity_from')} params) or give it ({opt('sparsity')} S)"
            )
        sp = sparsity_from_experts(e.quantity.value, k.quantity.value)
    elif t_in is not None and t_in.quantity.value > n_in.quantity.value * 1.0001:
        sp = sparsity_from_params(t_in.quantity.value, n_in.quantity.value)
    else:
        sp = None

    def run(law_name: str, n: float, d: float) -> OvertrainReport:
        total = None if t_in is None else max(t_in.quantity.value, n)
        return overtrain(n, d, law=law_name, total_params=total, sparsity=sp, moe=moe)

    n0, d0 = n_in.quantity.value, d_in.quantity.value
    report = run(law, n0, d0)
    # k of each Monte Carlo sample of N and D, at the central sparsity (vectorized)
    res = propagate(
        lambda n, d: {"tpp": d / n, "k": overtraining_factor(n, d, law=law, sparsity=sp, moe=moe)},
        {"n": n_in.quantity, "d": d_in.quantity},
        {"tpp": "tokens/param"},
        sampling,
        {
            "n": f"active parameters {fmt(n_in.quantity, Kind.COUNT)}",
            "d": f"tokens {fmt(d_in.quantity, Kind.COUNT)}",
            "tpp": "tokens per parameter",
            "k": "overtraining factor",
        },
    )
    others: tuple[OvertrainReport, ...] = ()
    if compare_laws:
        names = [*COMPARED_LAWS, *(x for x in law_names() if x not in COMPARED_LAWS)]
        others = tuple(run(x, n0, d0) for x in names if x != report.law)
    return Optimality(name, inputs, report, res["tpp"], res["k"], others)
