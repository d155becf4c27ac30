"""Gathering a report: every number from the public API, every sentence generated from them.

Pure: no printing, no files. The sentences are templates about *any* model, filled with the
numbers and names; nothing here knows about a particular model. Each input figure becomes a
numbered source, so the renderers can footnote every number.

This module resolves the models and orchestrates; the values live in
:mod:`flopcast.reporting.document`, the prose helpers in :mod:`flopcast.reporting.prose`, and each
section in :mod:`flopcast.reporting.sections` (compute, context, optimality, cluster, local).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flopcast.accounting import ModelCompute, headline, model_compute
from flopcast.errors import FlopcastError
from flopcast.figures import Model
from flopcast.quantity import Quantity
from flopcast.reporting.document import ModelReport, Report, Section, Sources
from flopcast.reporting.given import is_given, is_unreleased
from flopcast.reporting.prose import REPORT_SAMPLING, _join, flop, settings
from flopcast.reporting.sections.cluster import cluster_section
from flopcast.reporting.sections.compute import compute_section
from flopcast.reporting.sections.context import context_section
from flopcast.reporting.sections.local import local_section
from flopcast.reporting.sections.optimality import optimality_section
from flopcast.reporting.sections.plan import plan_section
from flopcast.uncertainty import Sampling

if TYPE_CHECKING:
    from flopcast.model_optimality import Optimality


def build_model_report(
    m: Model, *, law: str, moe: str, sources: Sources, sampling: Sampling | None = None
) -> ModelReport:
    from flopcast.model_optimality import optimality

    if not is_given(m) and headline(m).compute is None:
        return _undisclosed_report(m, sources)
    mc = _compute(m, sampling)
    try:
        o: Optimality | None = optimality(m, law=law, moe=moe, sampling=REPORT_SAMPLING)
    except FlopcastError:
        o = None
    sections = [
        compute_section(m, mc, sources),
        context_section(m, mc, sources),
        optimality_section(o, m, sources),
        cluster_section(m, mc, o, law, moe, sources),
    ]
    sections += [x for x in (plan_section(m, sources),) if x is not None]
    local = local_section(m, sources)
    if local is not None:
        sections.append(local)
    return ModelReport(m.id, m.name, m.released.isoformat(), tuple(sections), is_unreleased(m))


def _compute(m: Model, sampling: Sampling | None) -> ModelCompute:
    """The model's compute; for a model given by numbers, from the figures as given."""
    if not is_given(m):
        return model_compute(m, sampling=sampling)

    def given(key: str) -> Quantity | None:
        f = m.figure(key)
        return None if f is None else f.quantity

    return model_compute(
        m,
        active_params=given("active_params"),
        tokens=given("training_tokens"),
        accelerators=given("accelerator_count"),
        sampling=sampling,
    )


def _undisclosed_report(m: Model, sources: Sources) -> ModelReport:
    """A model whose training compute nobody has disclosed or estimated: what is known."""
    known = [f.name.replace("_", " ") for f in m.figures.values()]
    sentences = [
        f"{m.name}'s training compute is not disclosed, and the catalog lacks the figures to "
        "work it out (active parameters and tokens, or accelerator-hours)."
    ]
    if known:
        sentences.append(f"The catalog knows its {_join(known)} (flopcast show {m.id}).")
    sections = [
        Section("compute", "Training compute", tuple(sentences), (), {"basis": "not disclosed"})
    ]
    local = local_section(m, sources)
    if local is not None:
        sections.append(local)
    return ModelReport(m.id, m.name, m.released.isoformat(), tuple(sections))


def resolve(names: list[str]) -> tuple[str, list[Model]]:
    """Names → (title, models): model names, or a family name that names no model
    (``llama-4``); none → the default family."""
    if not names:
        names = [str(settings()["default_family"])]
    from flopcast.reporting.names import resolve_name

    out: list[Model] = []
    titles = []
    for name in names:
        members, family = resolve_name(name)
        out += [x for x in members if x not in out]
        titles.append(f"the {_family_title(members)} family" if family else members[0].name)
    return _join(titles), out


def _family_title(members: list[Model]) -> str:
    """A family's title: the leading words its members' names share."""
    words = [m.name.split() for m in members]
    common = []
    for group in zip(*words, strict=False):
        if len(set(group)) != 1:
            break
        common.append(group[0])
    return " ".join(common) or members[0].family


def build(
    names: list[str] | None = None,
    *,
    models: list[Model] | None = None,
    title: str | None = None,
    law: str | None = None,
    moe: str | None = None,
    sampling: Sampling | None = None,
) -> Report:
    """The report for model or family names (default: ``report.default_family`` in
    ``data/defaults.toml``), or for given models."""
    cfg = settings()
    law = law or str(cfg["law"])
    moe = moe or str(cfg["moe"])
    if models is None:
        auto_title, models = resolve(list(names or []))
        title = title or f"Compute accounting: {auto_title}"
    sources = Sources()
    parts = tuple(
        build_model_report(m, law=law, moe=moe, sources=sources, sampling=sampling) for m in models
    )
    summary = _summary(parts)
    from flopcast.epoch import credit

    sources.cite(
        f"Frontier and estimates of closed models: {credit()}",
        "https://epoch.ai/data/notable-ai-models",
    )
    return Report(
        title=title or "Compute accounting",
        summary=tuple(summary),
        models=parts,
        sources=tuple(sources.to_list()),
        highlight=tuple(m.id for m in models),
        given=tuple(m for m in models if is_given(m)),
        settings={
            "law": law,
            "moe": moe,
            "sampling": None if sampling is None else sampling.samples,
        },
    )


def _summary(parts: tuple[ModelReport, ...]) -> list[str]:
    """One generated sentence per model: its compute, its context and its verdict."""
    out = []
    for p in parts:
        comp = p.section("compute")
        ctx = p.section("context")
        opt = p.section("optimality")
        if comp is None:
            continue
        if "training_compute_flop" not in comp.data:
            out.append(f"{p.name}: training compute not disclosed.")
            continue
        c = comp.data["training_compute_flop"]["value"]
        bits = [f"{p.name}: {flop(c)}"]
        if ctx is not None and ctx.data.get("predecessor"):
            pred = ctx.data["predecessor"]
            bits.append(f"{pred['words']} than {pred['name']}")
        if ctx is not None and ctx.data.get("frontier"):
            top = ctx.data["frontier"][0]
            bits.append(f"{top['words']} than {top['name']}")
        if opt is not None and "verdict" in opt.data:
            bits.append(f"{opt.data['verdict']} under {opt.data['law']}")
        out.append(", ".join(bits) + ".")
    return out


def report(
    *names: str,
    law: str | None = None,
    moe: str | None = None,
    sampling: Sampling | None = None,
) -> Report:
    """The whole analysis of models or a family (``flopcast report``); by default the family
    ``report.default_family`` of ``data/defaults.toml`` names.
    ``.to_dict()`` is its JSON; :mod:`flopcast.reporting.markdown` and ``.html`` render it.

    >>> [m.model for m in report("llama-4").models]
    ['llama-4-scout', 'llama-4-maverick', 'llama-4-behemoth']
    """
    return build(list(names), law=law, moe=moe, sampling=sampling)
