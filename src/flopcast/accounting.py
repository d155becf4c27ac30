"""A catalog model's training compute: both methods from its cited figures, reconciled, and
the one headline figure every command, table, plot and report shows for it.

The headline rule (:func:`choose_headline`; docs/conventions.md says why): the figure the
developer reported; else 6·N·D from the catalog's parameters and tokens; else a third party's
estimate (e.g. Epoch AI's); else the hardware method from the catalog's accelerator figures;
else "not disclosed". The figures not chosen are kept as alternatives beside it. Overriding a
figure (``tokens=...``) makes the result a what-if on 6·N·D.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from flopcast.catalog import catalog, catalog_files
from flopcast.catalog import model as find_model
from flopcast.errors import FlopcastError, FlopcastTypeError
from flopcast.exact import ExactCounts, exact_counts
from flopcast.figures import Figure, Model
from flopcast.hardware import accelerator
from flopcast.quantity import Quantity, QuantityLike
from flopcast.training import ComputeEstimate, Input, estimate
from flopcast.uncertainty import Sampling

#: The order in which figures lead, best first (see the module docstring).
HEADLINE_RULE: tuple[str, ...] = ("reported", "operation_count", "estimated", "hardware")
#: The basis of a model whose training compute nobody has disclosed or estimated.
NOT_DISCLOSED = "not disclosed"


@dataclass(frozen=True)
class Alternative:
    """A training-compute figure of a model that is not its headline, and how it was made."""

    basis: str  # one of HEADLINE_RULE
    label: str  # in words: "estimated by Epoch AI (Likely)"
    compute: Quantity
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        out = {"basis": self.basis, "label": self.label, **self.compute.to_dict()}
        if self.source:
            out["source"] = self.source
        return out


@dataclass(frozen=True)
class Headline:
    """A model's headline training compute, its basis, and the other figures beside it.

    ``compute`` is ``None`` (basis ``"not disclosed"``) when nobody has disclosed or estimated
    it and the catalog lacks the figures to work it out.
    """

    compute: Quantity | None
    basis: str  # one of HEADLINE_RULE, "given" (a what-if) or NOT_DISCLOSED
    label: str  # in words: "reported by Meta", "6·N·D from the catalog's parameters and tokens"
    source: str = ""
    alternatives: tuple[Alternative, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "training_compute_flop": None if self.compute is None else self.compute.to_dict(),
            "basis": self.label,
            "basis_kind": self.basis,
            "source": self.source or None,
            "alternatives": [a.to_dict() for a in self.alternatives],
        }


@dataclass(frozen=True)
class ModelCompute:
    """A model's training compute, the figure chosen as headline, and why."""

    model: Model
    estimate: ComputeEstimate | None
    stated: Figure | None  # the catalog's training_compute figure, if any
    headline: Quantity
    basis: str  # how the headline was obtained, in words
    exact: ExactCounts | None = None
    basis_kind: str = "operation_count"  # one of HEADLINE_RULE, or "given"
    alternatives: tuple[Alternative, ...] = ()

    @property
    def operation_count_exact(self) -> float | None:
        """6·N·D with the exact active parameters of the shipped config.json (central)."""
        est = self.estimate
        if self.exact is None or self.exact.active_params is None or est is None:
            return None
        tokens = est.inputs.get("tokens")
        if tokens is None or est.operation_count is None:
            return None
        return est.flop_per_param_token * self.exact.active_params * tokens.quantity.value

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model.id,
            "name": self.model.name,
            "training_compute_flop": self.headline.to_dict(),
            "basis": self.basis,
            "basis_kind": self.basis_kind,
            "alternatives": [a.to_dict() for a in self.alternatives],
            "exact_counts": None if self.exact is None else self.exact.to_dict(),
            "operation_count_exact_flop": self.operation_count_exact,
            "stated_compute": None if self.stated is None else self.stated.to_dict(),
            "estimate": None if self.estimate is None else self.estimate.to_dict(),
        }


def _stated_label(stated: Figure) -> str:
    return stated.provenance


def choose_headline(
    stated: Figure | None,
    est: ComputeEstimate | None,
    *,
    overridden: bool = False,
    recompute: bool = False,
) -> Headline | None:
    """The headline rule: which of a model's training-compute figures leads (None: none).

    ``stated`` is the catalog's training_compute figure; ``est`` both methods from the
    catalog's other figures. With ``overridden`` (the caller changed a figure), 6·N·D leads.
    """
    candidates: dict[str, Alternative] = {}
    if stated is not None and stated.quantity is not None:
        kind = "reported" if stated.basis == "reported" else "estimated"
        q = stated.quantity.with_unit("FLOP")
        candidates[kind] = Alternative(kind, _stated_label(stated), q, stated.source)
    if est is not None and est.operation_count is not None:
        label = f"{est.flop_per_param_token}·N·D from the catalog's parameters and tokens"
        if overridden:
            label = f"{est.flop_per_param_token}·N·D with the figures you gave"
            if recompute:
                label += ", counting full activation recomputation"
        candidates["operation_count"] = Alternative(
            "operation_count", label, est.operation_count.with_unit("FLOP")
        )
    if est is not None and est.hardware is not None:
        candidates["hardware"] = Alternative(
            "hardware", "hardware method from the catalog's figures", est.hardware.with_unit("FLOP")
        )
    if not candidates:
        return None
    first: tuple[str, ...] = ("operation_count",) if overridden else ()
    order = first + HEADLINE_RULE
    lead = next(candidates[k] for k in order if k in candidates)
    basis = "given" if overridden and lead.basis == "operation_count" else lead.basis
    others = tuple(a for k, a in candidates.items() if a is not lead)
    return Headline(lead.compute, basis, lead.label, lead.source, others)


def _headline_of(m: Model) -> Headline:
    if m.family == "epoch":  # a row of Epoch AI's dataset: its own estimate, if any
        return choose_headline(m.figure("training_compute"), None) or Headline(
            None, NOT_DISCLOSED, NOT_DISCLOSED
        )
    try:
        mc = model_compute(m, _canonical=True)
    except FlopcastError:
        return Headline(None, NOT_DISCLOSED, NOT_DISCLOSED)
    return Headline(mc.headline, mc.basis_kind, mc.basis, _lead_source(mc), mc.alternatives)


def _lead_source(mc: ModelCompute) -> str:
    if mc.basis_kind in ("reported", "estimated") and mc.stated is not None:
        return mc.stated.source
    return ""


@cache
def headlines() -> dict[str, Headline]:
    """The headline of every curated model, by id (computed once with the default sampling,
    then cached on disk with the data files and code it depends on)."""
    import flopcast.catalog
    import flopcast.hardware
    import flopcast.quantity
    import flopcast.settings
    import flopcast.training
    import flopcast.uncertainty
    from flopcast.datafiles import DATA_DIR, validated

    code = [flopcast.catalog, flopcast.hardware, flopcast.quantity, flopcast.settings]
    code += [flopcast.training, flopcast.uncertainty]
    sources = (
        *catalog_files(),
        *sorted(DATA_DIR.glob("*.toml")),
        Path(__file__),
        *(Path(str(mod.__file__)) for mod in code),
    )
    return validated("headlines", sources, lambda: {m.id: _headline_of(m) for m in catalog()})


def _resolve(m: Model | str) -> Model:
    """A Model, or a model name looked up in the catalog; anything else is a one-line error."""
    if isinstance(m, Model):
        return m
    if isinstance(m, str):
        return find_model(m)
    raise FlopcastTypeError(f"a Model or a model name is needed, not {type(m).__name__}")


def headline(m: Model | str) -> Headline:
    """A model's headline training compute: the one figure flopcast shows for it everywhere.

    >>> import flopcast
    >>> h = flopcast.headline(flopcast.model("llama-3.1-405b"))
    >>> h.label, h.compute
    ('reported by Meta', Quantity(value=3.8e+25, low=None, high=None, unit='FLOP'))
    """
    m = _resolve(m)
    if m.family != "epoch":
        found = headlines().get(m.id)
        if found is not None:
            return found
    return _headline_of(m)


def _catalog_input(est: ComputeEstimate, key: str, fig: Figure | None) -> ComputeEstimate:
    item = est.inputs.get(key)
    if fig is None or item is None or item.origin != "given":
        return est
    inputs = dict(est.inputs)
    inputs[key] = Input(key, item.quantity, item.kind, f"catalog: {fig.provenance}", fig.source)
    return dataclasses.replace(est, inputs=inputs)


def model_compute(
    m: Model | str,
    *,
    active_params: QuantityLike | None = None,
    tokens: QuantityLike | None = None,
    accelerators: QuantityLike | None = None,
    accelerator_name: str | None = None,
    precision: str | None = None,
    peak: QuantityLike | None = None,
    utilization: QuantityLike | None = None,
    achieved: QuantityLike | None = None,
    duration: QuantityLike | None = None,
    accelerator_hours: QuantityLike | None = None,
    recompute: bool = False,
    sampling: Sampling | None = None,
    _canonical: bool = False,
) -> ModelCompute:
    """Training compute of a catalog model; keyword arguments override its figures.

    Without overrides its ``headline`` is the model's :func:`headline`, whatever the sampling.
    """
    m = _resolve(m)
    overridden = recompute or any(v is not None for v in (active_params, tokens))
    n_fig = m.figure("active_params") or (
        m.figure("total_params") if m.architecture == "dense" else None
    )
    d_fig = m.figure("training_tokens")
    hours_fig = None if (accelerators or duration) else m.figure("accelerator_hours")
    hw_fig = m.figure("training_hardware")
    n = active_params if active_params is not None else (n_fig.quantity if n_fig else None)
    d = tokens if tokens is not None else (d_fig.quantity if d_fig else None)
    hours = (
        accelerator_hours
        if accelerator_hours is not None
        else (hours_fig.quantity if hours_fig else None)
    )
    count_fig = None if (accelerators or accelerator_hours) else m.figure("accelerator_count")
    days_fig = (
        None
        if (duration or accelerator_hours or hours_fig is not None)
        else m.figure("training_duration")
    )
    rate_fig = None if (peak or utilization) else m.figure("achieved_flops")
    if accelerators is None and count_fig is not None:
        accelerators = count_fig.quantity
    if duration is None and days_fig is not None:
        duration = days_fig.quantity
    if achieved is None and rate_fig is not None:
        achieved = rate_fig.quantity
    acc_name = accelerator_name
    if acc_name is None and hw_fig is not None and peak is None and achieved is None:
        try:
            acc_name = accelerator(hw_fig.text).id
        except FlopcastError:
            acc_name = None  # hardware not in the table: the hardware method is skipped
    has_counting = n is not None and d is not None
    has_hardware = (
        hours is not None
        or (accelerators is not None and duration is not None)
        or (accelerators is not None and has_counting)
    )
    if has_hardware and acc_name is None and peak is None and achieved is None:
        has_hardware = False
    est = None
    if has_counting or has_hardware:
        est = estimate(
            active_params=n if has_counting else None,
            tokens=d if has_counting else None,
            accelerators=accelerators if has_hardware else None,
            accelerator_name=acc_name if has_hardware else None,
            precision=precision,
            peak=peak if has_hardware else None,
            utilization=utilization if has_hardware else None,
            achieved=achieved if has_hardware else None,
            duration=duration if has_hardware else None,
            accelerator_hours=hours if has_hardware else None,
            recompute=recompute,
            sampling=sampling,
        )
        if active_params is None:
            est = _catalog_input(est, "active_params", n_fig)
        if tokens is None:
            est = _catalog_input(est, "tokens", d_fig)
        if accelerator_hours is None:
            est = _catalog_input(est, "accelerator_hours", hours_fig)
        est = _catalog_input(est, "accelerators", count_fig)
        est = _catalog_input(est, "duration", days_fig)
        est = _catalog_input(est, "achieved", rate_fig)
    stated = m.figure("training_compute")
    choice = choose_headline(stated, est, overridden=overridden, recompute=recompute)
    if choice is None:
        raise FlopcastError(
            f"{m.name}: training compute not disclosed, and the catalog has no parameters and "
            "tokens or accelerator-hours to estimate it from; give the active parameters and "
            "the tokens to compute it"
        )
    if not overridden and not _canonical and m.family != "epoch":
        canonical = headline(m)  # the one figure every command shows for this model
        if canonical.compute is not None:
            choice = canonical
    exact = exact_counts(m) if active_params is None else None
    assert choice.compute is not None
    return ModelCompute(
        m, est, stated, choice.compute, choice.label, exact, choice.basis, choice.alternatives
    )


def compute(
    model: str | Model | None = None,
    *,
    active_params: QuantityLike | None = None,
    tokens: QuantityLike | None = None,
    accelerators: QuantityLike | None = None,
    accelerator_name: str | None = None,
    precision: str | None = None,
    peak: QuantityLike | None = None,
    utilization: QuantityLike | None = None,
    achieved: QuantityLike | None = None,
    duration: QuantityLike | None = None,
    accelerator_hours: QuantityLike | None = None,
    recompute: bool = False,
    sampling: Sampling | None = None,
) -> ModelCompute | ComputeEstimate:
    """Training compute, as ``flopcast compute`` works it out: of a catalog model (its figures,
    overridden by any given), or from figures alone (operation counting and/or hardware).

    >>> compute("llama-3.1-405b").basis
    'reported by Meta'
    >>> compute(active_params="288B", tokens="30T").best.value
    5.184e+25
    """
    kw: dict[str, Any] = dict(
        active_params=active_params, tokens=tokens, accelerators=accelerators,
        accelerator_name=accelerator_name, precision=precision, peak=peak,
        utilization=utilization, achieved=achieved, duration=duration,
        accelerator_hours=accelerator_hours, recompute=recompute, sampling=sampling,
    )  # fmt: skip
    if model is None:
        return estimate(**kw)
    return model_compute(model if isinstance(model, Model) else find_model(model), **kw)
