"""The report's "In context" section: the predecessor, peers, the frontier, thresholds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flopcast.accounting import ModelCompute, headline, model_compute
from flopcast.catalog import model
from flopcast.comparison import ratio_words
from flopcast.figures import Model
from flopcast.frontiers import candidates
from flopcast.quantity import fmt_sci
from flopcast.regulation import threshold_verdicts
from flopcast.reporting.document import Section, Sources, Table
from flopcast.reporting.given import is_unreleased
from flopcast.reporting.prose import REPORT_SAMPLING, _join, cite, flop, settings
from flopcast.reporting.sections.trend import trend_context


def context_section(m: Model, mc: ModelCompute, sources: Sources) -> Section:
    """Ratios to the predecessor, peers of the same period, the frontier; thresholds."""
    cfg = settings()
    c = mc.headline.value
    s: list[str] = []
    data: dict[str, Any] = {}
    rows: list[tuple[str, ...]] = []
    pred = model(m.predecessor) if m.predecessor else None
    if pred is not None and headline(pred).compute is None:
        s.append(f"Its predecessor {pred.name}'s training compute is not disclosed.")
        pred = None
    if pred is not None:
        pc = model_compute(pred, sampling=REPORT_SAMPLING)
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
        when = "so far" if is_unreleased(m) else "before its release"
        s.append(f"The largest known training runs {when} were {_join(bits)}.")
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
    sentence, data["frontier_trend"], row = trend_context(
        m.name, m.released, c, sources.cite, unreleased=is_unreleased(m)
    )
    s.append(sentence)
    rows.append(row)
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
