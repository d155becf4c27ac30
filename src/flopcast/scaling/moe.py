"""Mixture-of-experts sparsity and the data-efficiency multiplier m(S).

A sparse model's compute-optimal tokens per *active* parameter are taken as m(S) times a dense
law's tokens per parameter at the same compute. Sparsity S ("1:S") is always stated with its
definition, because two are in use and they differ (DeepSeek-V3: 1:32 counting routed experts,
1:18 counting total/active parameters):

* ``total/active parameters`` -- Llama 4 Maverick 400B / 17B = 23.5;
* ``routed experts / active experts`` -- DeepSeek-V3 256 routed experts, 8 per token = 32;
* ``stated`` -- a number the user gives (e.g. the essay's "1:8" for Behemoth).

Multipliers (constants in ``data/scaling_laws.toml``): ``default`` m(S) = 3 (S/8)^0.5;
``ludziejewski2025`` (Joint MoE law, depends on compute, coefficients reconstructed from
secondary sources); ``none`` (m = 1); or a number. All were measured far below frontier compute.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from flopcast.conventions import FLOP_PER_PARAM_TOKEN
from flopcast.errors import FlopcastError, FlopcastTypeError
from flopcast.scaling._data import Citation, Real, finite, positive, scaling_settings

SparsityDefinition = Literal["total/active parameters", "routed experts / active experts", "stated"]
MoeSpec = str | float

MULTIPLIER_NAMES = ("default", "ludziejewski2025", "none")


@dataclass(frozen=True)
class Sparsity:
    """Sparsity 1:S of a mixture-of-experts model, with the definition used to get S."""

    value: float
    definition: SparsityDefinition
    detail: str

    @property
    def label(self) -> str:
        """The ratio as people write it, e.g. ``1:23.5``."""
        return f"1:{self.value:.3g}"

    def to_dict(self) -> dict[str, object]:
        return {
            "value": self.value,
            "label": self.label,
            "definition": self.definition,
            "detail": self.detail,
        }


def sparsity_from_params(total: float, active: float) -> Sparsity:
    """S = total parameters / active parameters (Maverick: 400e9 / 17e9 = 23.5)."""
    t, a = positive("total parameters", total), positive("active parameters", active)
    if t < a:
        raise FlopcastError(
            f"total parameters ({t:.4g}) are fewer than active parameters ({a:.4g}); swap them?"
        )
    return Sparsity(t / a, "total/active parameters", f"{t:.4g} total / {a:.4g} active")


def sparsity_from_experts(routed_experts: float, active_experts: float) -> Sparsity:
    """S = routed experts / routed experts per token (DeepSeek-V3: 256 / 8 = 32)."""
    e, k = positive("routed experts", routed_experts), positive("active experts", active_experts)
    if e < k:
        raise FlopcastError(
            f"routed experts ({e:g}) are fewer than experts active per token ({k:g}); swap them?"
        )
    return Sparsity(e / k, "routed experts / active experts", f"{k:g} of {e:g} routed experts")


def sparsity_stated(value: float) -> Sparsity:
    """A sparsity S the user states directly (the ratio 1:S)."""
    s = positive("sparsity", value)
    if s < 1:
        raise FlopcastError(f"sparsity is 1:S with S >= 1 (1 = dense), got {value!r}")
    return Sparsity(s, "stated", f"1:{s:g} as stated")


def as_sparsity(value: Sparsity | float | None) -> Sparsity | None:
    """Normalize a Sparsity, a bare number (taken as stated) or None (dense)."""
    if value is None or isinstance(value, Sparsity):
        return value
    return sparsity_stated(value)


@dataclass(frozen=True)
class Multiplier:
    """The data-efficiency multiplier m(S) applied to a dense law's tokens per parameter."""

    name: str
    value: float
    formula: str
    sparsity: float | None
    compute: float | None
    citation: Citation | None
    note: str

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "value": self.value,
            "formula": self.formula,
            "sparsity": self.sparsity,
            "compute": self.compute,
            "citation": None if self.citation is None else self.citation.to_dict(),
            "note": self.note,
        }


def parse_moe_spec(spec: MoeSpec) -> MoeSpec:
    """Validate a multiplier choice: a name from MULTIPLIER_NAMES or a positive number."""
    if isinstance(spec, int | float) and not isinstance(spec, bool):
        return positive("MoE multiplier", spec)
    if not isinstance(spec, str):
        raise FlopcastTypeError(
            f"a MoE multiplier is {', '.join(MULTIPLIER_NAMES)} or a number, not "
            f"{type(spec).__name__}"
        )
    text = spec.strip().lower()
    if text in MULTIPLIER_NAMES:
        return text
    try:
        return positive("MoE multiplier", float(text))
    except (ValueError, FlopcastError):
        raise FlopcastError(
            f"unknown MoE multiplier {spec[:40]!r}; use {', '.join(MULTIPLIER_NAMES)} or a number"
        ) from None


def default_multiplier(s: float) -> float:
    """m(S) = c (S/S_ref)^p with (c, S_ref, p) = (3, 8, 0.5): Abnar et al. 2025 Figs. 11-12 as read
    by Nesov; S = 1 (dense) gives 1."""
    if s <= 1:
        return 1.0
    d = scaling_settings().default_moe
    return float(d.coefficient * (s / d.reference_sparsity) ** d.exponent)


def _e_hat(E: float) -> float:
    # Ludziejewski et al. 2025 sec. 3 (after Clark et al. 2022 eq. 8): saturating expert count Ê.
    j = scaling_settings().joint_moe
    return 1.0 / (1.0 / (E - 1.0 + 1.0 / (1.0 / j.E_start - 1.0 / j.E_max)) + 1.0 / j.E_max)


def joint_moe_optimum(E: float, compute: Real) -> tuple[Real, Real]:
    """Compute-optimal (N_act, D) of the Joint MoE law with E experts at ``compute`` = 6 N_act D.

    The law is Chinchilla-shaped at fixed E, so Hoffmann et al. 2022 eq. 4 applies with
    exponents mu = alpha + gamma ln Ê, nu = beta + zeta ln Ê and prefactors a Ê^delta, b Ê^omega.
    """
    j = scaling_settings().joint_moe
    e_hat = _e_hat(E)
    mu = j.alpha + j.gamma * math.log(e_hat)
    nu = j.beta + j.zeta * math.log(e_hat)
    a_e = j.a * e_hat**j.delta
    b_e = j.b * e_hat**j.omega
    # Hoffmann et al. 2022 eq. 4: G = (mu A / (nu B))^(1/(mu+nu)), N = G (C/6)^(nu/(mu+nu)).
    g = (mu * a_e / (nu * b_e)) ** (1.0 / (mu + nu))
    n_act = g * (compute / FLOP_PER_PARAM_TOKEN) ** (nu / (mu + nu))
    return n_act, compute / (FLOP_PER_PARAM_TOKEN * n_act)


def joint_moe_multiplier(E: float, compute: Real) -> Real:
    """Tokens per active parameter at the optimum with E experts over the dense (E = 1) value."""
    n_e, d_e = joint_moe_optimum(E, compute)
    n_1, d_1 = joint_moe_optimum(1.0, compute)
    return (d_e / n_e) / (d_1 / n_1)


def multiplier_value(
    spec: MoeSpec, sparsity: Sparsity | float | None, compute: Real = None
) -> Real:
    """The value of :func:`multiplier`: m(S) for the chosen multiplier ``spec`` and sparsity.
    The Joint MoE law's also depends on the training ``compute``, a float or a numpy array of
    samples alike (its value then too). A dense model (no sparsity, or S = 1) gets m = 1."""
    choice = parse_moe_spec(spec)
    sp = as_sparsity(sparsity)
    if sp is None or sp.value == 1 or choice == "none":
        return 1.0
    if isinstance(choice, float):
        return choice
    if choice == "default":
        return default_multiplier(sp.value)
    if compute is None:
        raise FlopcastError("the ludziejewski2025 multiplier depends on compute: give the compute")
    return joint_moe_multiplier(sp.value, compute)


def multiplier(
    spec: MoeSpec, sparsity: Sparsity | float | None, compute: float | None = None
) -> Multiplier:
    """m(S) for the chosen multiplier ``spec``, the model's sparsity and (for the Joint MoE law)
    its training compute in FLOP, with its formula and source. A dense model (no sparsity, or
    S = 1) always gets m = 1."""
    choice = parse_moe_spec(spec)
    sp = as_sparsity(sparsity)
    if compute is not None:
        compute = positive("compute", compute)
    name = choice if isinstance(choice, str) else "stated"
    if sp is None or sp.value == 1:
        return Multiplier(name, 1.0, "dense model: m = 1", None, compute, None, "")
    s = sp.value
    if isinstance(choice, float):
        return Multiplier(
            "stated", choice, f"m = {choice:g} as stated", s, compute, None, "stated by the user"
        )
    if choice == "none":
        return Multiplier(
            "none", 1.0, "m = 1 (no MoE adjustment)", s, compute, None, "MoE adjustment disabled"
        )
    settings = scaling_settings()
    if choice == "default":
        d = settings.default_moe
        m = multiplier_value(choice, sp)
        formula = f"{d.coefficient:g} x ({s:.4g}/{d.reference_sparsity:g})^{d.exponent:g} = {m:.3g}"
        return Multiplier("default", m, formula, s, compute, d.citation, d.notes)
    j = settings.joint_moe
    if compute is None:
        raise FlopcastError("the ludziejewski2025 multiplier depends on compute: give the compute")
    c = positive("compute", compute)
    try:
        m = multiplier_value(choice, sp, c)
    except (OverflowError, ZeroDivisionError, ValueError):
        m = math.nan
    finite(f"the ludziejewski2025 multiplier at S = {s:.3g} and {c:.3g} FLOP", m)
    formula = f"Joint MoE law, E = {s:.4g} vs E = 1 at {c:.3g} FLOP: m = {m:.3g}"
    return Multiplier("ludziejewski2025", m, formula, s, c, j.citation, j.notes)
