"""The report's "Compute-optimality" section: tokens per parameter, k and its cost, other laws."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flopcast.figures import Model
from flopcast.quantity import fmt_plain
from flopcast.reporting.document import Section, Sources, Table
from flopcast.reporting.prose import si

if TYPE_CHECKING:
    from flopcast.model_optimality import Optimality


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
