"""Named scaling laws and the compute-optimal model for a budget.

Every law's constants, citation and fitted compute range are in ``data/scaling_laws.toml``;
``get_law`` also accepts ``fixed:R`` (a constant R tokens per parameter) and the path of a fit
saved by :func:`flopcast.scaling.fit.save_fit`. Symbols follow the papers: N parameters,
D training tokens, C training compute in FLOP, L loss.

Standard library only: numpy is never imported here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from flopcast.conventions import FLOP_PER_PARAM_TOKEN
from flopcast.datafiles import NameIndex, validated
from flopcast.errors import FlopcastError, FlopcastTypeError, listing
from flopcast.scaling._data import (
    SOURCES,
    Citation,
    Real,
    finite,
    positive,
    scaling_file,
    scaling_settings,
)
from flopcast.scaling.moe import MoeSpec, Multiplier, Sparsity, as_sparsity, multiplier
from flopcast.store import kind_of, read_json

if TYPE_CHECKING:
    from flopcast.scaling._schema import LawModel

# C = 6ND (Kaplan et al. 2020 sec. 2.1; Hoffmann et al. 2022 sec. 3.3 and eq. 4 use C/6).

SAVED_FIT_FORMAT = "flopcast-scaling-law-fit"


def _sqrt(x: Real) -> Real:
    """The square root of a float (``math.sqrt``) or of a numpy array (``x ** 0.5``, which numpy
    computes as its sqrt): both correctly rounded, so samples agree with the central value."""
    return math.sqrt(x) if isinstance(x, int | float) else x**0.5


@dataclass(frozen=True)
class ParametricLaw:
    """L(N, D) = E + A/N^alpha + B/D^beta (Hoffmann et al. 2022 sec. 3.3, eq. 2)."""

    name: str
    title: str
    E: float
    A: float
    B: float
    alpha: float
    beta: float
    citation: Citation
    parameter_count: str
    fitted_compute: tuple[float, float] | None = None
    standard_errors: tuple[tuple[str, float], ...] = ()
    notes: str = ""
    kind: Literal["parametric"] = "parametric"

    @property
    def a(self) -> float:
        """Exponent of N_opt in C: a = beta / (alpha + beta) (Hoffmann et al. eq. 4)."""
        return self.beta / (self.alpha + self.beta)

    @property
    def b(self) -> float:
        """Exponent of D_opt in C: b = alpha / (alpha + beta) (Hoffmann et al. eq. 4)."""
        return self.alpha / (self.alpha + self.beta)

    @property
    def G(self) -> float:
        """G = (alpha A / (beta B))^(1/(alpha+beta)) (Hoffmann et al. eq. 4)."""
        ratio = self.alpha * self.A / (self.beta * self.B)
        return float(ratio ** (1.0 / (self.alpha + self.beta)))

    def loss(self, N: float, D: float) -> float:
        # Hoffmann et al. 2022 eq. 2: L(N, D) = E + A/N^alpha + B/D^beta.
        return float(self.E + self.A / N**self.alpha + self.B / D**self.beta)

    def dense_optimum(self, C: float) -> tuple[float, float]:
        # Hoffmann et al. 2022 eq. 4: N_opt = G (C/6)^a, D_opt = G^-1 (C/6)^b.
        x = C / FLOP_PER_PARAM_TOKEN
        return self.G * x**self.a, x**self.b / self.G

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "kind": self.kind,
            "title": self.title,
            "formula": "L(N, D) = E + A/N^alpha + B/D^beta",
            "E": self.E,
            "A": self.A,
            "B": self.B,
            "alpha": self.alpha,
            "beta": self.beta,
            "a": self.a,
            "b": self.b,
            "G": self.G,
            "standard_errors": dict(self.standard_errors) or None,
            "citation": self.citation.to_dict(),
            "parameter_count": self.parameter_count,
            "fitted_compute": list(self.fitted_compute) if self.fitted_compute else None,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class PowerLaw:
    """N_opt = n_coef (C/unit)^n_exp and/or D_opt = d_coef (C/unit)^d_exp.

    A missing side follows from C = kappa N D (kappa = 6, or what a stated anchor implies).
    When ``n_is_flops_per_token`` the N side is DeepSeek's M (FLOPs per token) and N = M/6.
    """

    name: str
    title: str
    citation: Citation
    parameter_count: str
    n_coef: float | None
    n_exp: float | None
    d_coef: float | None
    d_exp: float | None
    compute_unit: float = 1.0
    kappa: float = FLOP_PER_PARAM_TOKEN
    n_is_flops_per_token: bool = False
    anchor: tuple[float, float | None, float | None] | None = None
    fitted_compute: tuple[float, float] | None = None
    notes: str = ""
    kind: Literal["power"] = "power"

    def dense_optimum(self, C: float) -> tuple[float, float, float | None]:
        """(N_opt, D_opt, M_opt or None) at compute C."""
        x = C / self.compute_unit
        n = None if self.n_coef is None or self.n_exp is None else self.n_coef * x**self.n_exp
        d = None if self.d_coef is None or self.d_exp is None else self.d_coef * x**self.d_exp
        m = None
        if self.n_is_flops_per_token and n is not None:
            # DeepSeek LLM sec. 3.2: C = M D, so the parameter equivalent is N = M/6.
            m, n = n, n / FLOP_PER_PARAM_TOKEN
        if n is None and d is not None:
            n = C / (self.kappa * d)
        if d is None and n is not None:
            d = C / (self.kappa * n)
        assert n is not None and d is not None  # the schema guarantees one side
        return n, d, m

    def to_dict(self) -> dict[str, object]:
        side_n = "M_opt" if self.n_is_flops_per_token else "N_opt"
        formula = []
        if self.n_coef is not None:
            formula.append(f"{side_n} = {self.n_coef:.6g} (C/{self.compute_unit:g})^{self.n_exp}")
        if self.d_coef is not None:
            formula.append(f"D_opt = {self.d_coef:.6g} (C/{self.compute_unit:g})^{self.d_exp}")
        if self.n_coef is None or self.d_coef is None:
            formula.append(f"C = {self.kappa:.4g} N D")
        return {
            "name": self.name,
            "kind": self.kind,
            "title": self.title,
            "formula": "; ".join(formula),
            "n_coef": self.n_coef,
            "n_exp": self.n_exp,
            "d_coef": self.d_coef,
            "d_exp": self.d_exp,
            "compute_unit": self.compute_unit,
            "kappa": self.kappa,
            "n_is_flops_per_token": self.n_is_flops_per_token,
            "anchor": None
            if self.anchor is None
            else {"compute": self.anchor[0], "N": self.anchor[1], "D": self.anchor[2]},
            "citation": self.citation.to_dict(),
            "parameter_count": self.parameter_count,
            "fitted_compute": list(self.fitted_compute) if self.fitted_compute else None,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class FixedRatioLaw:
    """A constant R tokens per parameter: N = sqrt(C / (6R)), D = R N."""

    name: str
    ratio: float
    kind: Literal["fixed"] = "fixed"

    @property
    def title(self) -> str:
        return f"constant {self.ratio:g} tokens per parameter"

    @property
    def citation(self) -> Citation:
        return Citation("a ratio stated by the user", self.name, "")

    @property
    def fitted_compute(self) -> None:
        return None

    def dense_optimum(self, C: float) -> tuple[float, float]:
        n = _sqrt(C / (FLOP_PER_PARAM_TOKEN * self.ratio))
        return n, self.ratio * n

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "kind": self.kind,
            "title": self.title,
            "formula": f"D = {self.ratio:g} N, C = 6 N D",
            "ratio": self.ratio,
            "citation": self.citation.to_dict(),
            "fitted_compute": None,
        }


Law = ParametricLaw | PowerLaw | FixedRatioLaw


def _law_from_model(name: str, model: LawModel) -> ParametricLaw | PowerLaw:
    """A law dataclass from its validated TOML/JSON model (anchors turned into coefficients)."""
    from flopcast.scaling._schema import ParametricModel

    cite = Citation(model.citation.paper, model.citation.where, model.citation.url)
    if isinstance(model, ParametricModel):
        return ParametricLaw(
            name=name,
            title=model.title,
            E=model.E,
            A=model.A,
            B=model.B,
            alpha=model.alpha,
            beta=model.beta,
            citation=cite,
            parameter_count=model.parameter_count,
            fitted_compute=model.fitted_compute,
            standard_errors=tuple((model.standard_errors or {}).items()),
            notes=model.notes,
        )
    unit = model.compute_unit
    n_coef, n_exp = model.n_coef, model.n_exp
    d_coef, d_exp = model.d_coef, model.d_exp
    is_m = model.m_exp is not None
    if is_m:
        n_coef, n_exp = model.m_coef, model.m_exp
    kappa: float = FLOP_PER_PARAM_TOKEN
    anchor = None
    if model.anchor is not None:
        an = model.anchor
        anchor = (an.compute, an.N, an.D)
        x = an.compute / unit
        if an.N is not None and an.D is not None:
            # Both stated: keep the point exactly, with the C/(N D) it implies.
            kappa = an.compute / (an.N * an.D)
            if n_exp is None and d_exp is not None:
                n_exp = 1.0 - d_exp
            if d_exp is None and n_exp is not None:
                d_exp = 1.0 - n_exp
        if an.N is not None and n_exp is not None:
            n_coef = an.N / x**n_exp
        if an.D is not None and d_exp is not None:
            d_coef = an.D / x**d_exp
    return PowerLaw(
        name=name,
        title=model.title,
        citation=cite,
        parameter_count=model.parameter_count,
        n_coef=n_coef,
        n_exp=n_exp,
        d_coef=d_coef,
        d_exp=d_exp,
        compute_unit=unit,
        kappa=kappa,
        n_is_flops_per_token=is_m,
        anchor=anchor,
        fitted_compute=model.fitted_compute,
        notes=model.notes,
    )


@cache
def _entries() -> dict[str, tuple[ParametricLaw | PowerLaw, tuple[str, ...]]]:
    """Each shipped law with its aliases, validated on first use (then loaded from the cache,
    without pydantic)."""
    return validated(
        "scaling-laws",
        SOURCES,
        lambda: {
            name: (_law_from_model(name, m), tuple(m.aliases))
            for name, m in scaling_file().laws.items()
        },
    )


@cache
def _catalog() -> dict[str, ParametricLaw | PowerLaw]:
    return {name: law for name, (law, _aliases) in _entries().items()}


@cache
def _index() -> NameIndex[ParametricLaw | PowerLaw]:
    return NameIndex(
        "data/scaling_laws.toml",
        "scaling law",
        ((name, aliases, law) for name, (law, aliases) in _entries().items()),
        hint=lambda: f"{listing('laws')}; or fixed:R, or a saved fit .json",
    )


def law_names() -> tuple[str, ...]:
    """The names of the shipped laws (besides ``fixed:R`` and saved fits)."""
    return tuple(_catalog())


def laws() -> tuple[ParametricLaw | PowerLaw, ...]:
    """The scaling laws flopcast ships (``flopcast laws``), each with its citation.

    >>> [lw.name for lw in laws()][:2]
    ['hoffmann2022', 'hoffmann2022-unrounded']
    """
    return tuple(_catalog().values())


def _fixed(spec: str) -> FixedRatioLaw:
    text = spec.split(":", 1)[1].strip()
    try:
        r = float(text)
    except ValueError:
        raise FlopcastError(
            f"fixed:R needs a number of tokens per parameter, got {spec!r}"
        ) from None
    if not math.isfinite(r) or r <= 0:
        raise FlopcastError(
            f"fixed:R needs a positive number of tokens per parameter, got {spec!r}"
        )
    return FixedRatioLaw(f"fixed:{r:g}", r)


#: The largest saved fit read (one is ~20 KB).
MAX_SAVED_FIT_BYTES = 4 * 1024 * 1024


def load_saved_law(path: str | Path) -> ParametricLaw | PowerLaw:
    """The law in a fit file written by :func:`flopcast.scaling.fit.save_fit`."""
    from pydantic import ValidationError

    from flopcast.scaling._schema import SavedFitFile

    if not isinstance(path, str | Path):
        raise FlopcastTypeError(f"a saved fit is a file path, not {type(path).__name__}")
    p = Path(path)
    raw = read_json(p, "saved fit", max_bytes=MAX_SAVED_FIT_BYTES)
    if not isinstance(raw, dict) or raw.get("format") != SAVED_FIT_FORMAT:
        raise FlopcastError(
            f"{p} is not a flopcast fit file (write one with `flopcast fit --save`)"
        )
    try:
        saved = SavedFitFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise FlopcastError(f"invalid fit file {p} at {where}: {first['msg']}") from exc
    return _law_from_model(saved.name, saved.law)


def get_law(spec: str | Law) -> Law:
    """A law by name or alias (case, spaces, dashes, dots and underscores ignored), ``fixed:R``,
    or the path of a saved fit (``.json``)."""
    if isinstance(spec, ParametricLaw | PowerLaw | FixedRatioLaw):
        return spec
    if not isinstance(spec, str):
        raise FlopcastTypeError(f"a scaling law is a name or a law, not {type(spec).__name__}")
    text = spec.strip()
    if text.lower().startswith("fixed:"):
        return _fixed(text)
    found = _index().find(text)
    if found is not None:
        return found
    if text.lower().endswith(".json") or kind_of(text) != "missing":
        return load_saved_law(text)
    raise _index().unknown(text)


def dense_optimum(law: Law, C: Real) -> tuple[Real, Real, Real | None]:
    """(N_opt, D_opt, M_opt or None) of a dense model at compute C under ``law``."""
    if isinstance(law, PowerLaw):
        return law.dense_optimum(C)
    n, d = law.dense_optimum(C)
    return n, d, None


def compute_optimal_nd(law: Law, C: Real, m: Real = 1.0) -> tuple[Real, Real]:
    """The compute-optimal (N, D) at compute C, N active for a sparse model with
    data-efficiency multiplier m; on floats or numpy arrays alike (C and m may be samples).

    A sparse model's tokens per active parameter are m times the dense law's at the same
    compute, and N, D keep the law's C = kappa N D (kappa = 6 for all but the stated Llama 3
    point)."""
    n0, d0, _ = dense_optimum(law, C)
    if isinstance(m, int | float) and m == 1.0:
        return n0, d0
    kappa = C / (n0 * d0)
    tpp = m * (d0 / n0)
    n = _sqrt(C / (kappa * tpp))
    return n, tpp * n


def law_loss(law: Law, N: float, D: float) -> float | None:
    """Predicted loss L(N, D) where the law has one (parametric laws), else None."""
    return law.loss(N, D) if isinstance(law, ParametricLaw) else None


def outside_fitted_range(law: Law, C: float) -> bool:
    """True when C lies outside the compute range the law was fitted on (if that is known)."""
    r = law.fitted_compute
    return r is not None and not (r[0] <= C <= r[1])


@dataclass(frozen=True)
class OptimalPoint:
    """The compute-optimal model for a budget: N (active, for a sparse model) and D tokens."""

    law: str
    law_title: str
    compute: float
    N: float
    D: float
    tokens_per_param: float
    loss: float | None
    dense_tokens_per_param: float
    sparsity: Sparsity | None
    multiplier: Multiplier
    flops_per_token: float | None
    fitted_compute: tuple[float, float] | None
    extrapolated: bool
    citation: Citation
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "law": self.law,
            "law_title": self.law_title,
            "compute": self.compute,
            "N": self.N,
            "D": self.D,
            "tokens_per_param": self.tokens_per_param,
            "loss": self.loss,
            "dense_tokens_per_param": self.dense_tokens_per_param,
            "sparsity": None if self.sparsity is None else self.sparsity.to_dict(),
            "multiplier": self.multiplier.to_dict(),
            "flops_per_token": self.flops_per_token,
            "fitted_compute": list(self.fitted_compute) if self.fitted_compute else None,
            "extrapolated": self.extrapolated,
            "citation": self.citation.to_dict(),
            "notes": list(self.notes),
        }


def optimal(
    law: str | Law,
    compute: float,
    *,
    sparsity: Sparsity | float | None = None,
    moe: MoeSpec = "default",
) -> OptimalPoint:
    """The compute-optimal N (active parameters) and D at ``compute`` FLOP under ``law``.

    For a sparse model, tokens per active parameter are m(S) times the dense law's at the same
    compute, and N, D keep the law's C = kappa N D (kappa = 6 for all but the stated Llama 3
    point). The loss is given only for a dense model under a parametric law.
    """
    lw = get_law(law)
    c = positive("compute", compute)
    sp = as_sparsity(sparsity)
    mult = multiplier(moe, sp, compute=c)
    try:
        n0, d0, m0 = dense_optimum(lw, c)
        tpp0 = d0 / n0
        n, d = compute_optimal_nd(lw, c, mult.value)
        m = m0 if mult.value == 1.0 else None
    except (OverflowError, ZeroDivisionError):
        n = d = math.inf
    for what, x in (("parameters N", n), ("tokens D", d)):
        finite(f"the compute-optimal {what} at {c:.3g} FLOP under {lw.name}", x)
    notes: list[str] = []
    dense = sp is None or sp.value == 1
    loss = law_loss(lw, n, d) if dense else None
    if not dense and isinstance(lw, ParametricLaw):
        notes.append("no loss for a sparse model: the dense law's L(N, D) does not apply to it")
    extrapolated = outside_fitted_range(lw, c)
    if extrapolated and lw.fitted_compute is not None:
        lo, hi = lw.fitted_compute
        from flopcast.quantity import fmt_sci  # 5.2e25, as every command writes FLOP

        notes.append(
            f"{fmt_sci(c)} FLOP is outside the {fmt_sci(lo, 2)}–{fmt_sci(hi, 2)} FLOP this law "
            "was fitted on"
        )
    if isinstance(lw, PowerLaw) and lw.kappa != FLOP_PER_PARAM_TOKEN:
        notes.append(f"this law keeps C = {lw.kappa:.3g} N D (implied by its stated point)")
    if isinstance(lw, PowerLaw) and lw.n_coef is not None and lw.d_coef is not None:
        ratio = FLOP_PER_PARAM_TOKEN * n0 * d0 / c
        if abs(ratio - 1) > 0.01 and lw.kappa == FLOP_PER_PARAM_TOKEN:
            notes.append(f"the published N and D prefactors give 6ND/C = {ratio:.3g}, not 1")
    return OptimalPoint(
        law=lw.name,
        law_title=lw.title,
        compute=c,
        N=n,
        D=d,
        tokens_per_param=d / n,
        loss=loss,
        dense_tokens_per_param=tpp0,
        sparsity=sp,
        multiplier=mult,
        flops_per_token=m,
        fitted_compute=lw.fitted_compute,
        extrapolated=extrapolated,
        citation=lw.citation,
        notes=tuple(notes),
    )


def cost_law() -> ParametricLaw:
    """The parametric law whose exponents price over-training when the chosen law has none."""
    law = _catalog()[scaling_settings().cost_law]
    assert isinstance(law, ParametricLaw)  # the schema checks this
    return law
