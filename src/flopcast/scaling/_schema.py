"""Pydantic models validating ``data/scaling_laws.toml`` and saved fit files.

Imported only by :mod:`flopcast.scaling._data` when a law is first needed, so that
``import flopcast`` stays cheap.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, model_validator

from flopcast.datafiles import lenient_key


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CitationModel(_Strict):
    paper: str = Field(min_length=1)
    where: str = Field(min_length=1)
    url: str = Field(pattern=r"^(https?://\S+)?$")  # empty for a user's own fit


class AnchorModel(_Strict):
    compute: PositiveFloat
    N: PositiveFloat | None = None
    D: PositiveFloat | None = None


def _check_range(r: tuple[float, float] | None) -> None:
    if r is not None and not (0 < r[0] < r[1]):
        raise ValueError(f"fitted_compute must be two increasing positive numbers, got {r}")


class ParametricModel(_Strict):
    kind: Literal["parametric"]
    title: str
    aliases: list[str] = []
    E: float = Field(ge=0)
    A: PositiveFloat
    B: PositiveFloat
    alpha: PositiveFloat
    beta: PositiveFloat
    fitted_compute: tuple[PositiveFloat, PositiveFloat] | None = None
    parameter_count: str
    notes: str = ""
    standard_errors: dict[Literal["E", "A", "B", "alpha", "beta"], PositiveFloat] | None = None
    citation: CitationModel

    @model_validator(mode="after")
    def _range(self) -> ParametricModel:
        _check_range(self.fitted_compute)
        return self


class PowerModel(_Strict):
    kind: Literal["power"]
    title: str
    aliases: list[str] = []
    n_coef: PositiveFloat | None = None
    n_exp: float | None = Field(default=None, gt=0, lt=1)
    m_coef: PositiveFloat | None = None
    m_exp: float | None = Field(default=None, gt=0, lt=1)
    d_coef: PositiveFloat | None = None
    d_exp: float | None = Field(default=None, gt=0, lt=1)
    anchor: AnchorModel | None = None
    compute_unit: PositiveFloat = 1.0
    fitted_compute: tuple[PositiveFloat, PositiveFloat] | None = None
    parameter_count: str
    notes: str = ""
    citation: CitationModel

    @model_validator(mode="after")
    def _consistent(self) -> PowerModel:
        _check_range(self.fitted_compute)
        if (self.n_coef is None) != (self.n_exp is None) and self.anchor is None:
            raise ValueError("n_coef and n_exp go together (or give an anchor)")
        if (self.m_coef is None) != (self.m_exp is None):
            raise ValueError("m_coef and m_exp go together")
        if self.n_exp is not None and self.m_exp is not None:
            raise ValueError("give N (n_coef, n_exp) or M (m_coef, m_exp), not both")
        if self.n_exp is None and self.m_exp is None and self.d_exp is None:
            raise ValueError("a power law needs n_exp, m_exp or d_exp")
        if self.anchor is not None:
            if self.n_coef is not None or self.d_coef is not None or self.m_coef is not None:
                raise ValueError("give coefficients or an anchor, not both")
            if self.anchor.N is None and self.anchor.D is None:
                raise ValueError("an anchor needs N, D or both")
            if self.anchor.N is not None and self.anchor.D is None and self.n_exp is None:
                raise ValueError("an anchor on N needs n_exp")
            if self.anchor.D is not None and self.anchor.N is None and self.d_exp is None:
                raise ValueError("an anchor on D needs d_exp")
        elif self.n_coef is None and self.m_coef is None and self.d_coef is None:
            raise ValueError("a power law needs a coefficient or an anchor")
        return self


LawModel = Annotated[ParametricModel | PowerModel, Field(discriminator="kind")]


class DefaultMoeModel(_Strict):
    title: str
    coefficient: PositiveFloat
    reference_sparsity: PositiveFloat
    exponent: PositiveFloat
    notes: str
    citation: CitationModel


class JointMoeModel(_Strict):
    title: str
    a: PositiveFloat
    delta: float
    alpha: PositiveFloat
    gamma: float
    b: PositiveFloat
    omega: float
    beta: PositiveFloat
    zeta: float
    c: float
    E_start: PositiveFloat
    E_max: PositiveFloat
    notes: str
    citation: CitationModel


class MoeModels(_Strict):
    default: DefaultMoeModel
    ludziejewski2025: JointMoeModel


class OvertrainingModel(_Strict):
    cost_law: str
    near_optimal_factor: float = Field(gt=1)


class ScalingLawsFile(_Strict):
    schema_version: Literal[1]
    laws: dict[str, LawModel]
    moe: MoeModels
    overtraining: OvertrainingModel

    @model_validator(mode="after")
    def _names(self) -> ScalingLawsFile:
        seen: dict[str, str] = {}
        for name, law in self.laws.items():
            for key in [name, *law.aliases]:
                folded = lenient_key(key)
                if folded in seen:
                    raise ValueError(f"law name {key!r} is used by both {seen[folded]} and {name}")
                seen[folded] = name
        if self.overtraining.cost_law not in self.laws:
            raise ValueError(f"overtraining.cost_law {self.overtraining.cost_law!r} is not a law")
        if not isinstance(self.laws[self.overtraining.cost_law], ParametricModel):
            raise ValueError("overtraining.cost_law must be a parametric law")
        return self


class SavedFitFile(_Strict):
    """A fit written by ``flopcast fit --save``: the law, plus the fit's report (free-form)."""

    format: Literal["flopcast-scaling-law-fit"]
    version: Literal[1]
    name: str
    law: LawModel
    fit: dict[str, object] = {}
