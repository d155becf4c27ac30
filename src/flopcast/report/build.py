"""Gathering a report: every number from the public API, every sentence generated from them.

Pure: no printing, no files. The sentences are templates about *any* model, filled with the
numbers and names; nothing here knows about a particular model. Each input figure becomes a
numbered source, so the renderers can footnote every number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from flopcast import __version__
from flopcast.accounting import ModelCompute, model_compute
from flopcast.catalog import family_members, model
from flopcast.clusters import cluster
from flopcast.comparison import ratio_words
from flopcast.datafiles import load_toml
from flopcast.errors import FlopcastError
from flopcast.figures import Figure, Model
from flopcast.frontiers import candidates
from flopcast.quantity import Kind, Quantity, QuantityLike, fmt_duration, fmt_plain, fmt_sci, parse
from flopcast.regulation import threshold_verdicts
from flopcast.training import Input
from flopcast.uncertainty import Sampling

if TYPE_CHECKING:
    from flopcast.optimality import Optimality

#: Samples for the per-law over-training intervals in a report (a Python loop per sample).
REPORT_LOOP_SAMPLING = Sampling(samples=500)

#: Significant figures in prose ("5.2e25 FLOP", as analysts write it); tables use more.
PROSE_SIG = 2


def settings() -> dict[str, Any]:
    return dict(load_toml("defaults.toml")["report"])


# --------------------------------------------------------------------------------------
# Plain values a renderer needs


@dataclass
class Sources:
    """Numbered sources: ``cite(text, url)`` returns the footnote number (deduplicated)."""

    items: list[tuple[str, str]] = field(default_factory=list)

    def cite(self, text: str, url: str) -> int:
        key = (text, url)
        if key not in self.items:
            self.items.append(key)
        return self.items.index(key) + 1

    def to_list(self) -> list[dict[str, Any]]:
        return [{"n": i, "text": t, "url": u} for i, (t, u) in enumerate(self.items, 1)]


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "columns": list(self.columns),
            "rows": [list(r) for r in self.rows],
        }


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    sentences: tuple[str, ...]
    tables: tuple[Table, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "sentences": list(self.sentences),
            "tables": [t.to_dict() for t in self.tables],
            "data": self.data,
        }


@dataclass(frozen=True)
class ModelReport:
    model: str
    name: str
    released: str
    sections: tuple[Section, ...]

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "name": self.name,
            "released": self.released,
            "sections": [s.to_dict() for s in self.sections],
        }


@dataclass(frozen=True)
class Report:
    """A whole report: a summary, one part per model, and numbered sources."""

    title: str
    summary: tuple[str, ...]
    models: tuple[ModelReport, ...]
    sources: tuple[dict[str, Any], ...]
    highlight: tuple[str, ...]
    settings: dict[str, Any]
    generated_with: str = f"flopcast {__version__}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "summary": list(self.summary),
            "models": [m.to_dict() for m in self.models],
            "sources": list(self.sources),
            "settings": self.settings,
            "generated_with": self.generated_with,
        }


# --------------------------------------------------------------------------------------
# Formatting helpers for prose


def flop(x: float) -> str:
    return f"{fmt_sci(x, PROSE_SIG)} FLOP"


def flop_q(q: Quantity) -> str:
    """``5.2e25 FLOP`` or ``5.2e25 FLOP (90%: 5.2e25–6.9e25)``."""
    if q.uncertain and q.low is not None and q.high is not None:
        return f"{flop(q.value)} (90%: {fmt_sci(q.low, PROSE_SIG)}–{fmt_sci(q.high, PROSE_SIG)})"
    return flop(q.value)


def si(x: float) -> str:
    from flopcast.quantity import fmt_si

    return fmt_si(x, 3)


def cite(sources: Sources, item: Input | Figure | None) -> str:
    """`` [n]`` for an input with a source, else an empty string."""
    if item is None:
        return ""
    if isinstance(item, Figure):
        if not item.source:
            return ""
        return f" [{sources.cite(item.provenance, item.source)}]"
    if not item.source:
        return ""
    return f" [{sources.cite(item.origin, item.source)}]"


# --------------------------------------------------------------------------------------
# Sections


def compute_section(m: Model, mc: ModelCompute, sources: Sources) -> Section:
    """Training compute by both methods, reconciled, with the inputs and their sources."""
    s: list[str] = []
    est = mc.estimate
    s.append(f"{m.name} took about {flop_q(mc.headline)} to train ({mc.basis}).")
    rows: list[tuple[str, ...]] = []
    if est is not None and est.operation_count is not None:
        n, d = est.inputs["active_params"], est.inputs["tokens"]
        s.append(
            f"By operation counting, 6 × {si(n.quantity.value)} active parameters{cite(sources, n)}"
            f" × {si(d.quantity.value)} tokens{cite(sources, d)} = "
            f"{flop_q(est.operation_count)}."
        )
    if est is not None and est.hardware is not None:
        parts = []
        for key in ("accelerators", "accelerator_hours", "duration"):
            item = est.inputs.get(key)
            if item is None:
                continue
            label = {"accelerators": "accelerators", "accelerator_hours": "accelerator-hours"}.get(
                key, ""
            )
            value = (
                fmt_duration(item.quantity.value)
                if key == "duration"
                else f"{si(item.quantity.value)} {label}"
            )
            parts.append(value + cite(sources, item))
        acc = est.accelerator.name if est.accelerator is not None else "the accelerators"
        util = est.inputs.get("utilization")
        util_text = ""
        if util is not None:
            how = "assumed" if util.origin == "assumed" else "given"
            pct = fmt_plain(util.quantity.value * 100, 3)
            util_text = f" at {pct}% utilization ({how}{cite(sources, util)})"
        s.append(
            f"By hardware, {' over '.join(parts)} of {acc} at their dense {est.precision} peak"
            f"{util_text} give {flop_q(est.hardware)}."
        )
    if est is not None and est.implied_utilization is not None:
        s.append(
            f"The two reconcile at an implied utilization of "
            f"{fmt_plain(est.implied_utilization.value * 100, 3)}% of the dense "
            f"{est.precision} peak."
        )
    if est is not None and est.implied_duration is not None:
        rate = est.inputs.get("achieved")
        rate_text = (
            f" at the reported {fmt_plain(rate.quantity.value / 1e12, 3)} TFLOP/s per accelerator"
            f"{cite(sources, rate)}"
            if rate is not None
            else ""
        )
        s.append(
            f"On {si(est.inputs['accelerators'].quantity.value)} accelerators"
            f"{cite(sources, est.inputs['accelerators'])}{rate_text}, that is "
            f"{fmt_duration(est.implied_duration.value)} of training."
        )
    stated = mc.stated
    if stated is not None and stated.quantity is not None and mc.basis.startswith("6·N·D"):
        s.append(
            f"For comparison, {stated.by} puts it at {flop_q(stated.quantity)}"
            f"{cite(sources, stated)}."
        )
    if est is not None:
        for key, item in est.inputs.items():
            rows.append((key.replace("_", " "), _fmt_input(item), item.origin))
    if mc.exact is not None and mc.operation_count_exact is not None and est is not None:
        c_exact = mc.operation_count_exact
        assert est.operation_count is not None
        diff = c_exact / est.operation_count.value - 1
        s.append(
            f"With the exact {si(mc.exact.active_params or 0)} active parameters counted from "
            f"its config.json, 6·N·D is {flop(c_exact)} ({diff:+.1%})."
        )
    data = {
        "training_compute_flop": mc.headline.to_dict(),
        "basis": mc.basis,
        "estimate": None if est is None else est.to_dict(),
        "stated": None if stated is None else stated.to_dict(),
    }
    tables = (Table("Inputs", ("input", "value", "origin"), tuple(rows)),) if rows else ()
    warnings = () if est is None else est.warnings
    return Section("compute", "Training compute", (*s, *warnings), tables, data)


def _fmt_input(item: Input) -> str:
    from flopcast.quantity import fmt

    return fmt(item.quantity, item.kind, 3)


def context_section(m: Model, mc: ModelCompute, sources: Sources) -> Section:
    """Ratios to the predecessor, peers of the same period, the frontier; thresholds."""
    cfg = settings()
    c = mc.headline.value
    s: list[str] = []
    data: dict[str, Any] = {}
    rows: list[tuple[str, ...]] = []
    if m.predecessor:
        pred = model(m.predecessor)
        pc = model_compute(pred, sampling=REPORT_LOOP_SAMPLING)
        words = ratio_words(c / pc.headline.value)
        s.append(
            f"That is {words} than its predecessor {pred.name} "
            f"({flop(pc.headline.value)}, {pc.basis}{_fig_cite(sources, pc)})."
        )
        data["predecessor"] = {
            "model": pred.id,
            "name": pred.name,
            "compute": pc.headline.value,
            "ratio": c / pc.headline.value,
            "words": words,
        }
        rows.append(
            (
                pred.name,
                "predecessor",
                flop(pc.headline.value),
                f"{c / pc.headline.value:.3g}x",
                words,
            )
        )
    window = timedelta(days=int(cfg["peer_window_days"]))
    peers = [
        e
        for e in candidates()
        if e.origin == "catalog"
        and e.model.family != m.family
        and e.model.id != m.id
        and abs(e.model.released - m.released) <= window
        and m.released >= e.model.released  # peers released before it: what it competed with
    ]
    peers.sort(key=lambda e: abs(e.compute.value / c - 1))
    peer_bits = []
    for e in peers[:3]:
        words = ratio_words(c / e.compute.value)
        peer_bits.append(f"{words} than {e.model.name} ({flop(e.compute.value)})")
        rows.append((e.model.name, f"peer, {e.model.released.isoformat()}", flop(e.compute.value),
                     f"{c / e.compute.value:.3g}x", words))  # fmt: skip
    if peer_bits:
        s.append(
            f"Against open and closed models released in the {cfg['peer_window_days'] // 30} "
            f"months before it, it used {_join(peer_bits)}."
        )
    data["peers"] = [
        {"model": e.model.id, "name": e.model.name, "compute": e.compute.value,
         "ratio": c / e.compute.value, "words": ratio_words(c / e.compute.value)}
        for e in peers[:3]
    ]  # fmt: skip
    before = m.released - timedelta(days=1)
    front = [e for e in candidates() if e.model.released <= before and e.model.id != m.id][
        : int(cfg["frontier_top"])
    ]
    if front:
        bits = [
            f"{e.model.name} ({flop(e.compute.value)}, {e.basis}; "
            f"{ratio_words(c / e.compute.value)})"
            for e in front
        ]
        s.append(f"The largest known training runs before its release were {_join(bits)}.")
        for e in front:
            rows.append((e.model.name, f"frontier, {e.model.released.isoformat()}",
                         flop(e.compute.value), f"{c / e.compute.value:.3g}x",
                         ratio_words(c / e.compute.value)))  # fmt: skip
    data["frontier"] = [
        {"model": e.model.id, "name": e.model.name, "compute": e.compute.value,
         "ratio": c / e.compute.value, "words": ratio_words(c / e.compute.value),
         "basis": e.basis}
        for e in front
    ]  # fmt: skip
    verdicts = threshold_verdicts(mc.headline)
    over = [v for v in verdicts if v.verdict != "below"]
    if over:
        names = [
            f"{v.verdict} {v.threshold.label} ({fmt_sci(v.threshold.flop)} FLOP)"
            f"{_t_cite(sources, v.threshold)}"
            for v in over
        ]
        s.append(f"Against the regulatory thresholds it is {_join(names)}.")
    under = [v for v in verdicts if v.verdict == "below"]
    if under:
        lowest = under[0]  # verdicts come lowest threshold first
        every = "every regulatory compute threshold flopcast tracks" if not over else "the others"
        s.append(
            f"It is below {every}; the lowest of them, {lowest.threshold.label} at "
            f"{fmt_sci(lowest.threshold.flop)} FLOP{_t_cite(sources, lowest.threshold)}, is "
            f"{ratio_words(1 / lowest.ratio).replace(' more', ' higher')}."
        )
    data["thresholds"] = [v.to_dict() for v in verdicts]
    table = Table("Compared with", ("model", "relation", "training compute", "ratio", "in words"),
                  tuple(rows))  # fmt: skip
    return Section("context", "In context", tuple(s), (table,) if rows else (), data)


def _fig_cite(sources: Sources, mc: ModelCompute) -> str:
    if mc.stated is not None and mc.basis.startswith(("reported", "estimated")):
        return cite(sources, mc.stated)
    return ""


def _t_cite(sources: Sources, t: Any) -> str:
    return f" [{sources.cite(t.label + ': ' + t.rule, t.source)}]"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def optimality_section(o: Optimality | None, m: Model, sources: Sources) -> Section:
    """Tokens per active parameter, the law and sparsity adjustment, k, its cost, other laws."""
    if o is None:
        return Section(
            "optimality",
            "Compute-optimality",
            (f"The catalog has no public active-parameter and token counts for {m.name}.",),
        )
    r = o.report
    c = r.law_title
    law_cite = _law_cite(sources, r.law, c)
    s = [
        f"{m.name} saw {fmt_plain(r.tokens_per_param, 3)} tokens per active parameter.",
    ]
    if r.sparsity is not None:
        mult = r.multiplier
        s.append(
            f"Under {r.law} ({c}){law_cite}, the dense compute-optimum at its compute is "
            f"{fmt_plain(r.dense_optimal_tokens_per_param, 3)} tokens per parameter; with "
            f"sparsity {r.sparsity.label} ({r.sparsity.definition}) and the data-efficiency "
            f"multiplier m(S) = {fmt_plain(mult.value, 2)} ({mult.name}), the optimum is "
            f"{fmt_plain(r.optimal_tokens_per_param, 3)}."
        )
    else:
        s.append(
            f"Under {r.law} ({c}){law_cite}, the compute-optimum at its compute is "
            f"{fmt_plain(r.optimal_tokens_per_param, 3)} tokens per parameter."
        )
    k_text = fmt_plain(o.k.value, 2)
    if o.k.uncertain and o.k.low is not None and o.k.high is not None:
        k_text += f" (90%: {fmt_plain(o.k.low, 2)}–{fmt_plain(o.k.high, 2)})"
    s.append(f"The overtraining factor is k = {k_text}: {r.verdict}.")
    if r.cost > 1.005:
        s.append(
            f"A compute-optimal run would reach the same loss with {fmt_plain(r.cost, 3)}x less "
            f"compute (exponents of {r.cost_law}); for the same compute it would have "
            f"{si(r.compute_optimal.N)} active parameters and {si(r.compute_optimal.D)} tokens."
        )
    if o.others:
        lo = min(o.others, key=lambda x: x.k)
        hi = max(o.others, key=lambda x: x.k)
        kinds: dict[str, int] = {}
        for other in o.others:
            kinds[other.verdict.split(" ")[0]] = kinds.get(other.verdict.split(" ")[0], 0) + 1
        tally = (
            f"{next(iter(kinds))} under all of them"
            if len(kinds) == 1
            else ", ".join(f"{word} under {n}" for word, n in kinds.items())
        )
        s.append(
            f"Under the {len(o.others)} other shipped laws, k ranges from {fmt_plain(lo.k, 2)} "
            f"({lo.law}) to {fmt_plain(hi.k, 2)} ({hi.law}): {tally}."
        )
    rows = tuple(
        (
            x.law + _law_cite(sources, x.law, x.law_title),
            fmt_plain(x.optimal_tokens_per_param, 3),
            fmt_plain(x.k, 2),
            x.verdict,
        )
        for x in (r, *o.others)
    )
    table = Table(
        "The verdict under each law", ("law", "optimal tokens/param", "k", "verdict"), rows
    )
    return Section("optimality", "Compute-optimality", tuple(s), (table,), o.to_dict())


def _law_cite(sources: Sources, name: str, title: str) -> str:
    url = _law_url(name)
    return f" [{sources.cite(f'{name}: {title}', url)}]" if url else ""


def _law_url(name: str) -> str:
    if name.startswith("fixed:"):
        return ""
    from flopcast.scaling import get_law

    return get_law(name).citation.url


def cluster_section(
    m: Model, mc: ModelCompute, o: Optimality | None, law: str, moe: str, sources: Sources
) -> Section:
    """What a typical frontier cluster produces, against what the model used."""
    from flopcast.scaling import optimal

    tc = load_toml("defaults.toml")["typical_cluster"]
    res = cluster(
        accelerators=tc["accelerators"],
        accelerator_name=tc["accelerator"],
        duration=tc["days"],
        utilization=tc["utilization"],
    )
    assert res.total is not None
    total = res.total.value
    acc = res.accelerator.name if res.accelerator is not None else tc["accelerator"]
    ref = sources.cite(f"Typical cluster: {tc['note']}", tc["source"])
    s = [
        f"A cluster of {tc['accelerators']} {acc} running {tc['days']} days at "
        f"{float(tc['utilization']):.0%} utilization [{ref}] produces {flop(total)}: "
        f"{ratio_words(total / mc.headline.value)} than {m.name} used."
    ]
    sp = None if o is None else o.report.sparsity
    p = optimal(law, total, sparsity=sp, moe=moe)
    s.append(
        f"The compute-optimal model for that budget under {law}"
        + (f" at sparsity {sp.label}" if sp is not None else "")
        + f" has {si(p.N)} active parameters trained on {si(p.D)} tokens."
    )
    data = {"cluster": res.to_dict(), "compute_optimal": p.to_dict()}
    return Section("cluster", "What a frontier cluster could have done", tuple(s), (), data)


def build_model_report(
    m: Model, *, law: str, moe: str, sources: Sources, sampling: Sampling | None = None
) -> ModelReport:
    from flopcast.optimality import optimality

    mc = model_compute(m, sampling=sampling)
    try:
        o: Optimality | None = optimality(m, law=law, moe=moe, sampling=REPORT_LOOP_SAMPLING)
    except FlopcastError:
        o = None
    sections = [
        compute_section(m, mc, sources),
        context_section(m, mc, sources),
        optimality_section(o, m, sources),
        cluster_section(m, mc, o, law, moe, sources),
    ]
    local = local_section(m, sources)
    if local is not None:
        sections.append(local)
    return ModelReport(m.id, m.name, m.released.isoformat(), tuple(sections))


def local_section(m: Model, sources: Sources) -> Section | None:
    """Running it locally (filled in by the memory module when it is available)."""
    import importlib

    try:
        module: Any = importlib.import_module("flopcast.report.local")
    except ImportError:
        return None
    section: Section | None = module.local_section(m, sources)
    return section


# --------------------------------------------------------------------------------------
# Which models


def resolve(names: list[str]) -> tuple[str, list[Model]]:
    """Names → (title, models): a family name (``llama-4``) or model names; none → default."""
    if not names:
        names = [str(settings()["default_family"])]
    out: list[Model] = []
    titles = []
    for name in names:
        members = family_members(name)
        if members:
            out += [x for x in members if x not in out]
            titles.append(f"the {_family_title(members)} family")
        else:
            mm = model(name)
            if mm not in out:
                out.append(mm)
            titles.append(mm.name)
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


def custom_model(
    *,
    name: str,
    active: QuantityLike,
    tokens: QuantityLike,
    total: QuantityLike | None = None,
    gpus: QuantityLike | None = None,
    gpu: str | None = None,
    released: date | None = None,
) -> Model:
    """A model that is not in the catalog, from numbers typed by the user."""

    def fig(key: str, value: QuantityLike, kind: Kind, unit: str) -> Figure:
        q = parse(value, kind, what=f"--{key}", unit=unit)
        return Figure(key, str(value), "", "you", "given", q, kind)

    figures = {
        "active_params": fig("active_params", active, Kind.COUNT, "params"),
        "training_tokens": fig("training_tokens", tokens, Kind.COUNT, "tokens"),
    }
    if total is not None:
        figures["total_params"] = fig("total_params", total, Kind.COUNT, "params")
    if gpus is not None:
        figures["accelerator_count"] = fig("accelerator_count", gpus, Kind.COUNT, "accelerators")
    if gpu is not None:
        figures["training_hardware"] = Figure("training_hardware", gpu, "", "you", "given")
    n_active = parse(active, Kind.COUNT, what="--active").value
    moe = total is not None and parse(total, Kind.COUNT, what="--total").value > n_active
    return Model(
        id="custom",
        name=name,
        aliases=(),
        developer="(given)",
        family="custom",
        released=released or date.today(),
        open_weights=False,
        architecture="moe" if moe else "dense",
        figures=figures,
    )


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
