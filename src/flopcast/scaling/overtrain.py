"""Over-training: tokens per active parameter against a law's optimum, and what it costs.

The overtraining factor is k = (D/N)_actual / (D/N)_optimal, the optimum taken at the model's own
training compute and sparsity under the chosen law.

Cost of over-training (derived here from Hoffmann et al. 2022 eqs. 2 and 4; the same
construction as H. de Vries 2023, "Go smol or go home"). Take the parametric law
L = E + A N^-alpha + B D^-beta and a compute-optimal run (N*, D*), where eq. 4 gives
alpha A N*^-alpha = beta B D*^-beta. A run with the same loss and k times the optimal
tokens per parameter has N = u N*, D = k u D*, and equal loss means

    beta u^-alpha + alpha k^-beta u^-beta = alpha + beta,

so C / C* = N D / (N* D*) = k u^2 depends on (alpha, beta, k) only: not on A, B, E or the
budget. In closed form, k as a function of u is
k = (alpha u^-beta / (alpha + beta - beta u^-alpha))^(1/beta); flopcast inverts it with a
bracketed 1-D root. When alpha = beta = a the root is explicit:
C / C* = k ((1 + k^-a) / 2)^(2/a). At k = 7: 1.33x with Hoffmann's exponents (0.34, 0.28),
1.39x with Epoch's (0.3478, 0.3658).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flopcast.conventions import FLOP_PER_PARAM_TOKEN
from flopcast.errors import FlopcastError
from flopcast.scaling._data import Real, finite, positive, scaling_settings
from flopcast.scaling.laws import (
    Law,
    OptimalPoint,
    ParametricLaw,
    compute_optimal_nd,
    cost_law,
    get_law,
    law_loss,
    optimal,
)
from flopcast.scaling.moe import (
    MoeSpec,
    Multiplier,
    Sparsity,
    as_sparsity,
    multiplier_value,
    sparsity_from_params,
)


def overtraining_size_ratio(k: float, alpha: float, beta: float) -> float:
    """u = N / N*: the size, relative to the compute-optimal model, of the model that reaches the
    same loss with k times the optimal tokens per parameter (root of the equation above)."""
    k = positive("k", k)
    alpha, beta = positive("alpha", alpha), positive("beta", beta)

    def h(x: float) -> float:  # decreasing in x = ln u
        return float(
            beta * math.exp(-alpha * x) + alpha * k**-beta * math.exp(-beta * x) - alpha - beta
        )

    if k == 1:
        return 1.0
    if k > 1:  # smaller model: root in [x_lo, 0], h(x_lo) > 0 > h(0)
        lo, hi = -math.log((alpha + beta) / beta) / alpha * (1 + 1e-12) - 1e-12, 0.0
    else:  # larger model: root in [0, ln(1/k)], h(0) > 0 > h(ln(1/k))
        lo, hi = 0.0, math.log(1.0 / k)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if h(mid) > 0:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-15 * max(1.0, abs(mid)):
            break
    return math.exp(0.5 * (lo + hi))


def overtraining_cost(k: float, alpha: float, beta: float) -> float:
    """C / C*: compute for the same loss as a compute-optimal run, at k x its tokens/parameter."""
    try:
        u = overtraining_size_ratio(k, alpha, beta)
        cost = float(positive("k", k)) * u * u
    except (OverflowError, ZeroDivisionError):
        cost = math.inf
    return finite(f"the cost of overtraining at k = {k!r}"[:80], cost)


def overtraining_cost_equal_exponents(k: float, a: float) -> float:
    """C / C* in closed form when alpha = beta = a: k ((1 + k^-a) / 2)^(2/a)."""
    k, a = positive("k", k), positive("a", a)
    return float(k * ((1.0 + k**-a) / 2.0) ** (2.0 / a))


@dataclass(frozen=True)
class OvertrainReport:
    """Everything ``flopcast overtrain`` prints for one model."""

    law: str
    law_title: str
    active_params: float
    total_params: float | None
    tokens: float
    compute: float
    compute_source: str
    tokens_per_param: float
    dense_optimal_tokens_per_param: float
    optimal_tokens_per_param: float
    sparsity: Sparsity | None
    multiplier: Multiplier
    k: float
    verdict: str
    cost: float
    cost_alpha: float
    cost_beta: float
    cost_law: str
    compute_optimal: OptimalPoint
    loss: float | None
    optimal_loss: float | None
    notes: tuple[str, ...]

    @property
    def extra_compute_fraction(self) -> float:
        """The extra compute over a compute-optimal run of the same loss (0.33 for 1.33x)."""
        return self.cost - 1.0

    def to_dict(self) -> dict[str, object]:
        return {
            "law": self.law,
            "law_title": self.law_title,
            "active_params": self.active_params,
            "total_params": self.total_params,
            "tokens": self.tokens,
            "compute": self.compute,
            "compute_source": self.compute_source,
            "tokens_per_param": self.tokens_per_param,
            "dense_optimal_tokens_per_param": self.dense_optimal_tokens_per_param,
            "optimal_tokens_per_param": self.optimal_tokens_per_param,
            "sparsity": None if self.sparsity is None else self.sparsity.to_dict(),
            "multiplier": self.multiplier.to_dict(),
            "k": self.k,
            "verdict": self.verdict,
            "cost": self.cost,
            "extra_compute_fraction": self.extra_compute_fraction,
            "cost_exponents": {"alpha": self.cost_alpha, "beta": self.cost_beta},
            "cost_law": self.cost_law,
            "compute_optimal": self.compute_optimal.to_dict(),
            "loss": self.loss,
            "optimal_loss": self.optimal_loss,
            "notes": list(self.notes),
        }


def _two_figures(k: float) -> str:
    """``k`` to two significant figures without an exponent: 103 -> "100", 7753 -> "7,800"."""
    text = f"{k:.2g}"
    return f"{float(text):,.0f}" if k >= 10 else text


def _verdict(k: float) -> str:
    band = scaling_settings().near_optimal_factor
    if k > band:
        return f"overtrained {_two_figures(k)}x"
    if k < 1.0 / band:
        return f"undertrained ({k:.2g}x the optimal tokens per parameter)"
    return f"near compute-optimal (k = {k:.2g})"


def overtraining_factor(
    active_params: Real,
    tokens: Real,
    *,
    law: str | Law = "fixed:40",
    sparsity: Sparsity | float | None = None,
    moe: MoeSpec = "default",
    compute: Real = None,
) -> Real:
    """k = (D/N)_actual / (D/N)_optimal, the optimum at ``compute`` (default 6 N D) under
    ``law``: the k of :func:`overtrain` alone, unchecked, on floats or numpy arrays alike (for
    Monte Carlo samples of N and D). Sparsity: ``sparsity`` if given, else dense."""
    lw = get_law(law)
    c = FLOP_PER_PARAM_TOKEN * active_params * tokens if compute is None else compute
    n_opt, d_opt = compute_optimal_nd(lw, c, multiplier_value(moe, sparsity, c))
    return (tokens / active_params) / (d_opt / n_opt)


def overtrain(
    active_params: float | str,
    tokens: float | str,
    *,
    law: str | Law = "fixed:40",
    total_params: float | str | None = None,
    sparsity: Sparsity | float | None = None,
    moe: MoeSpec = "default",
    compute: float | str | None = None,
) -> OvertrainReport:
    """How far a model's tokens per active parameter are from the law's compute-optimum.

    Sparsity: ``sparsity`` if given (a number is taken as stated), else total/active parameters
    when ``total_params`` is given, else dense. Compute: ``compute`` if given, else 6 N_active D.
    """
    n = positive("active parameters", active_params)
    d = positive("tokens", tokens)
    total = None if total_params is None else positive("total parameters", total_params)
    sp = as_sparsity(sparsity)
    if sp is None and total is not None and total != n:
        sp = sparsity_from_params(total, n)
    elif total is not None and total < n:
        raise FlopcastError(f"total parameters ({total:.4g}) are fewer than active ({n:.4g})")
    if compute is None:
        c = finite(
            f"the compute 6·N·D for {n:.4g} active parameters and {d:.4g} tokens",
            FLOP_PER_PARAM_TOKEN * n * d,
        )
        from flopcast.quantity import fmt_si

        source = f"6 × {fmt_si(n, 4)} active parameters × {fmt_si(d, 4)} tokens"  # not 8e+09
    else:
        c = positive("compute", compute)
        source = "stated"
    lw = get_law(law)
    opt = optimal(lw, c, sparsity=sp, moe=moe)
    tpp = finite("tokens per parameter", d / n)
    k = finite(
        "the overtraining factor k",
        overtraining_factor(n, d, law=lw, sparsity=sp, moe=moe, compute=c),
    )
    if isinstance(lw, ParametricLaw):
        alpha, beta, priced_by = lw.alpha, lw.beta, lw.name
    else:
        fallback = cost_law()
        alpha, beta, priced_by = fallback.alpha, fallback.beta, fallback.name
    notes = list(opt.notes)
    if not isinstance(lw, ParametricLaw):
        notes.append(f"{lw.name} has no loss exponents: the cost uses {priced_by}'s")
    if sp is not None and sp.value != 1:
        notes.append("the cost applies the dense law's exponents to tokens per active parameter")
    dense = sp is None or sp.value == 1
    return OvertrainReport(
        law=lw.name,
        law_title=lw.title,
        active_params=n,
        total_params=total,
        tokens=d,
        compute=c,
        compute_source=source,
        tokens_per_param=tpp,
        dense_optimal_tokens_per_param=opt.dense_tokens_per_param,
        optimal_tokens_per_param=opt.tokens_per_param,
        sparsity=sp,
        multiplier=opt.multiplier,
        k=k,
        verdict=_verdict(k),
        cost=overtraining_cost(k, alpha, beta),
        cost_alpha=alpha,
        cost_beta=beta,
        cost_law=priced_by,
        compute_optimal=opt,
        loss=law_loss(lw, n, d) if dense else None,
        optimal_loss=opt.loss,
        notes=tuple(notes),
    )
