"""``flopcast optimal``, ``overtrain``, ``fit`` and ``laws``: compute-optimality."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flopcast.errors import FlopcastError, opt
from flopcast.settings import DEFAULT_SAMPLES, DEFAULT_SEED

if TYPE_CHECKING:
    from flopcast.figures import Model
    from flopcast.model_optimality import Optimality, SparsityFrom
    from flopcast.scaling import OptimalPoint
    from flopcast.scaling.fit import FitResult, IsoFlopFit, Runs
    from flopcast.scaling.laws import Law


def default_law() -> str:
    """The law used when none is named (``data/defaults.toml``: the essay's fixed:40)."""
    from flopcast.defaults import section

    return str(section("report")["law"])


def moe_multiplier(text: str | float) -> str | float:
    """``--moe``: a name (default, ludziejewski2025, none) or a number."""
    if isinstance(text, float):
        return text
    try:
        return float(text)
    except ValueError:
        return text


def sparsity_source(text: str) -> SparsityFrom:
    """``--sparsity-from``: params (total ÷ active) or experts (routed ÷ per token)."""

    if text not in ("params", "experts"):
        raise FlopcastError(f"{opt('sparsity_from')} {text!r}: use params or experts")
    return "params" if text == "params" else "experts"


def optimal_answer(
    model: str | Model | None = None,
    *,
    compute: str | None = None,
    law: str | None = None,
    moe: str | float = "default",
    sparsity: float | None = None,
    sparsity_from: str = "params",
) -> OptimalPoint:
    """``flopcast optimal [MODEL] [--compute C] [--law L] ...``: the compute-optimal model for a
    budget (a catalog model's headline compute without ``compute``)."""
    from flopcast.quantity import Kind, parse
    from flopcast.scaling import optimal

    sp = None
    if model is not None:
        from flopcast.accounting import model_compute
        from flopcast.answers._common import catalog_model
        from flopcast.model_optimality import optimality

        m = catalog_model(model)
        c: Any = compute if compute is not None else model_compute(m).headline.value
        if sparsity is None and m.is_moe:
            sp = optimality(m, sparsity_from=sparsity_source(sparsity_from)).report.sparsity
    elif compute is None:
        raise FlopcastError(f"give a budget ({opt('compute')} 5.2e25) or a model name")
    else:
        c = compute
    budget = parse(c, Kind.FLOP, what=opt("compute")).value
    chosen = sparsity if sparsity is not None else sp
    used = law if law is not None else default_law()
    return optimal(used, budget, sparsity=chosen, moe=moe_multiplier(moe))


def overtrain_answer(
    model: str | Model | None = None,
    *,
    active: str | None = None,
    total: str | None = None,
    tokens: str | None = None,
    law: str | None = None,
    moe: str | float = "default",
    sparsity: float | None = None,
    sparsity_from: str = "params",
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
) -> Optimality:
    """``flopcast overtrain [MODEL] ...``: the overtraining factor and its cost, every law."""
    from flopcast.answers._common import catalog_model, sampling
    from flopcast.model_optimality import optimality

    return optimality(
        None if model is None else catalog_model(model),
        active_params=active,
        total_params=total,
        tokens=tokens,
        law=law if law is not None else default_law(),
        moe=moe_multiplier(moe),
        sparsity=sparsity,
        sparsity_from=sparsity_source(sparsity_from),
        sampling=sampling(samples, seed),
    )


@dataclass(frozen=True)
class LawsAnswer:
    """The scaling laws flopcast ships, with their citations."""

    laws: tuple[Law, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"laws": [law.to_dict() for law in self.laws]}


def laws_answer() -> LawsAnswer:
    """``flopcast laws``."""
    from flopcast.scaling import get_law, law_names

    return LawsAnswer(tuple(get_law(n) for n in law_names()))


@dataclass(frozen=True)
class FitAnswer:
    """A law fitted to a person's runs, and where it was saved (``--save``)."""

    result: FitResult | IsoFlopFit
    saved_to: Path | None = None
    replaced: bool = False  # the saved file existed before

    def to_dict(self) -> dict[str, Any]:
        data = self.result.to_dict()
        data["saved_to"] = None if self.saved_to is None else str(self.saved_to)
        return data


def fit_answer(
    runs: str | Path | bytes | Runs,
    *,
    approach: int = 3,
    n_col: str = "N",
    d_col: str = "D",
    c_col: str = "C",
    loss_col: str = "loss",
    bootstrap: int = 1000,
    drop_top: int = 0,
    budget: Sequence[str] | None = None,
    save: str | Path | None = None,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> FitAnswer:
    """``flopcast fit RUNS.csv ...``: ``runs`` is the CSV's path, its bytes (an upload, parsed
    in memory) or :class:`~flopcast.scaling.fit.Runs`; ``progress`` hears each stage."""
    from flopcast.quantity import Kind, parse
    from flopcast.scaling.fit import (
        Runs,
        fit_isoflop,
        fit_parametric,
        parse_runs,
        read_runs,
        save_fit,
    )
    from flopcast.store import check_target, decode_text, exists

    if approach not in (2, 3):
        raise FlopcastError(f"{opt('approach')} {approach}: use 3 (parametric) or 2 (isoFLOP)")
    if save is not None:  # a path that cannot be written fails now, not after the fit
        check_target(Path(save), f"{opt('save')} file")
    replaced = save is not None and exists(Path(save))
    budgets = [parse(b, Kind.FLOP, what=opt("budget")).value for b in budget or []]
    if isinstance(runs, Runs):
        data = runs
    elif isinstance(runs, bytes):
        what = "the uploaded CSV"
        data = parse_runs(
            decode_text(runs, what), source=what, n_column=n_col, d_column=d_col,
            c_column=c_col, loss_column=loss_col,
        )  # fmt: skip
    else:
        data = read_runs(runs, n_column=n_col, d_column=d_col, c_column=c_col, loss_column=loss_col)
    step = progress or (lambda _: None)
    if approach == 3:
        what = "L(N, D)"
        res: FitResult | IsoFlopFit = fit_parametric(
            data, bootstrap=bootstrap, seed=seed, drop_top_losses=drop_top, budgets=budgets,
            progress=lambda stage: step(f"Fitting {what}: {stage}"),
        )  # fmt: skip
    else:
        res = fit_isoflop(data, bootstrap=bootstrap, seed=seed, budgets=budgets)
    saved = save_fit(res, save) if save is not None else None
    return FitAnswer(res, saved, replaced)
