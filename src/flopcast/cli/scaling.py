"""``flopcast optimal``, ``overtrain``, ``fit`` and ``laws``: compute-optimality, explicit."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from flopcast.cli.common import JsonOpt, SamplesOpt, Section, SeedOpt, SigOpt
from flopcast.settings import DEFAULT_SAMPLES, DEFAULT_SEED

if TYPE_CHECKING:
    from flopcast.scaling import Multiplier, OptimalPoint, Sparsity

LawOpt = Annotated[
    str | None,
    typer.Option(
        "--law",
        help="Scaling law: hoffmann2022, epoch2024, llama3, llama3-fit, kaplan2020, "
        "deepseek2024, fixed:R (R tokens/param), or a saved fit .json (flopcast laws lists "
        "them). Default: fixed:40.",
    ),
]


def default_law() -> tuple[str, str]:
    """flopcast's default law (``data/defaults.toml``) and a line saying it was the default."""
    from flopcast.answers.scaling import default_law as law_name

    law = law_name()
    return law, (
        f"{law} is flopcast's default law (the essay's: Llama 3's ~40 tokens per parameter "
        "at its compute); --law names another (flopcast laws lists them)"
    )


MoeOpt = Annotated[
    str,
    typer.Option(
        "--moe",
        help="MoE data-efficiency multiplier m(S): default (3·(S/8)^0.5), ludziejewski2025, "
        "none, or a number.",
    ),
]
SparsityOpt = Annotated[
    str | None,
    typer.Option(
        "--sparsity",
        metavar="S",
        help="State the sparsity S of a 1:S mixture-of-experts model: 8 or 1:8.",
    ),
]


def _sparsity(text: str | None) -> float | None:
    """``--sparsity 8`` or ``--sparsity 1:8`` (the 1:S the output writes) as S."""
    import math

    from flopcast.errors import FlopcastError

    if text is None:
        return None
    value = text.strip().removeprefix("1:").strip()
    try:
        s = float(value)
    except ValueError:
        s = math.nan
    if not math.isfinite(s):
        raise FlopcastError(f"--sparsity {text[:40]!r}: write S or 1:S, e.g. 8 or 1:8 (1 = dense)")
    return s


SparsityFromOpt = Annotated[
    str,
    typer.Option(
        "--sparsity-from",
        help="For a catalog MoE model: 'params' (total/active) or 'experts' (routed/active).",
    ),
]


def register(app: typer.Typer) -> None:
    app.command(
        "optimal",
        help=(
            "The compute-optimal model for a budget under a named scaling law, adjusted for "
            "MoE sparsity.\n\nExample: flopcast optimal --compute 5.2e25 --sparsity 8 --law llama3"
        ),
    )(optimal_command)
    app.command(
        "overtrain",
        help=(
            "Tokens per active parameter against the law's compute-optimum: the overtraining "
            "factor k, what it costs, and the verdict under every shipped law.\n\n"
            "Example: flopcast overtrain llama-4-maverick --law fixed:40"
        ),
    )(overtrain_command)
    app.command(
        "fit",
        help=(
            "Fit L(N, D) = E + A/N^α + B/D^β to your own runs (CSV with N, D or C, and loss) as "
            "Hoffmann et al. and Besiroglu et al. did, with bootstrap intervals; --save writes "
            "a law usable as --law FILE.json.\n\nExample: flopcast fit runs.csv --save my-fit.json"
        ),
    )(fit_command)
    app.command("laws", help="The scaling laws flopcast ships, with their citations.")(laws_command)


def _mult_text(m: Multiplier) -> str:
    return f"{m.value:.3g} ({m.name}: {m.formula})"


def _sparsity_text(sp: Sparsity | None) -> str:
    if sp is None:
        return "dense"
    if sp.definition == "stated":  # not "1:8 (stated: 1:8 as stated)"
        return f"{sp.label} (stated)"
    return f"{sp.label} ({sp.definition}: {sp.detail})"


def _optimal_rows(sec: Section, p: OptimalPoint, sig: int) -> None:
    from flopcast.quantity import fmt_plain, fmt_sci, fmt_si

    sec.add("compute", f"{fmt_sci(p.compute, sig)} FLOP")
    sec.add("sparsity S", _sparsity_text(p.sparsity))
    sec.add("dense optimum", f"{fmt_plain(p.dense_tokens_per_param, sig)} tokens/param")
    sec.add("data-efficiency m(S)", _mult_text(p.multiplier))
    sec.add("optimal tokens per param", fmt_plain(p.tokens_per_param, sig))
    sec.add("parameters N (active)", fmt_si(p.N, sig))
    sec.add("tokens D", fmt_si(p.D, sig))
    if p.loss is not None:
        sec.add("predicted loss", fmt_plain(p.loss, 4))


def optimal_command(
    name: Annotated[
        str | None, typer.Argument(metavar="[MODEL]", help="Use a catalog model's compute.")
    ] = None,
    compute: Annotated[
        str | None, typer.Option("--compute", "-C", help="Training budget: 5.2e25.")
    ] = None,
    law: LawOpt = None,
    moe: MoeOpt = "default",
    sparsity: SparsityOpt = None,
    sparsity_from: SparsityFromOpt = "params",
    json_output: JsonOpt = False,
    sig: SigOpt = 3,
) -> None:
    from flopcast.answers.scaling import optimal_answer
    from flopcast.cli.common import print_json, render

    p = optimal_answer(
        name, compute=compute, law=law, moe=moe, sparsity=_sparsity(sparsity),
        sparsity_from=sparsity_from,
    )  # fmt: skip
    said = "" if law is not None else default_law()[1]
    if json_output:
        print_json(p)
        return
    sec = Section("Compute-optimal model", subtitle=f"{p.law}: {p.law_title}")
    _optimal_rows(sec, p, sig)
    cite = f"{p.citation.paper}, {p.citation.where} {p.citation.url}".strip()
    footer = [said or cite]
    footer += list(p.notes)
    render("", [sec], footer=footer)


def overtrain_command(
    name: Annotated[str | None, typer.Argument(metavar="[MODEL]", help="A catalog model.")] = None,
    active: Annotated[
        str | None, typer.Option("--active", "-N", help="Active parameters: 17B.")
    ] = None,
    total: Annotated[
        str | None, typer.Option("--total", help="Total parameters (MoE): 400B.")
    ] = None,
    tokens: Annotated[str | None, typer.Option("--tokens", "-D", help="Tokens: 22T.")] = None,
    law: LawOpt = None,
    moe: MoeOpt = "default",
    sparsity: SparsityOpt = None,
    sparsity_from: SparsityFromOpt = "params",
    json_output: JsonOpt = False,
    sig: SigOpt = 3,
    samples: SamplesOpt = DEFAULT_SAMPLES,
    seed: SeedOpt = DEFAULT_SEED,
) -> None:
    from flopcast.answers.scaling import overtrain_answer
    from flopcast.cli.common import Footnotes, print_json, render
    from flopcast.quantity import Kind, fmt, fmt_plain, fmt_sci, fmt_si

    o = overtrain_answer(
        name, active=active, total=total, tokens=tokens, law=law, moe=moe,
        sparsity=_sparsity(sparsity), sparsity_from=sparsity_from, samples=samples, seed=seed,
    )  # fmt: skip
    said = "" if law is not None else default_law()[1]
    if json_output:
        print_json(o)
        return
    r = o.report
    notes = Footnotes()
    inputs = Section("Inputs")
    for key, label in (
        ("active_params", "active parameters"),
        ("total_params", "total parameters"),
        ("tokens", "training tokens"),
    ):
        inputs.add_input(label, o.inputs.get(key), notes, sig)
    inputs.add("compute", f"{fmt_sci(r.compute, sig)} FLOP", r.compute_source)
    sec = Section("Compute-optimality", subtitle=f"{r.law}: {r.law_title}")
    sec.add("tokens per active parameter", fmt(o.tokens_per_param, Kind.NUMBER, sig))
    sec.add("dense optimum", f"{fmt_plain(r.dense_optimal_tokens_per_param, sig)} tokens/param")
    sec.add("sparsity S", _sparsity_text(r.sparsity))
    sec.add("data-efficiency m(S)", _mult_text(r.multiplier))
    sec.add("optimal tokens per param", fmt_plain(r.optimal_tokens_per_param, sig))
    sec.add("overtraining factor k", fmt(o.k, Kind.NUMBER, sig), r.verdict)
    sec.add(
        "cost",
        f"{fmt_plain(r.cost, sig)}x compute",
        f"for the same loss as a compute-optimal run (exponents of {r.cost_law})",
    )
    opt = r.compute_optimal
    sec.add(
        "compute-optimal instead",
        f"N = {fmt_si(opt.N, sig)}, D = {fmt_si(opt.D, sig)}",
        "for the same compute",
    )
    laws = Section("Under the other laws", subtitle="same inputs, sparsity and m(S)")
    for other in o.others:
        laws.add(
            other.law,
            f"optimal {fmt_plain(other.optimal_tokens_per_param, sig)} tok/param, "
            f"k = {fmt_plain(other.k, sig)}",
            other.verdict,
        )
    footer = notes.lines() + ([said] if said else []) + list(r.notes)
    footer.append(
        "m(S) was measured far below frontier compute (Abnar et al. 2025; Ludziejewski et al. "
        "2025): treat it as an assumption."
    )
    headline = f"{o.name}: {r.verdict} under {r.law}"
    render(headline, [inputs, sec, laws], footer=footer)


def fit_command(
    path: Annotated[Path, typer.Argument(help="CSV of runs: columns N, D (or C) and loss.")],
    approach: Annotated[
        int, typer.Option("--approach", help="3: parametric L(N, D); 2: isoFLOP parabolas.")
    ] = 3,
    n_column: Annotated[str, typer.Option("--n-col", help="Column of parameters.")] = "N",
    d_column: Annotated[str, typer.Option("--d-col", help="Column of tokens.")] = "D",
    c_column: Annotated[str, typer.Option("--c-col", help="Column of compute.")] = "C",
    loss_column: Annotated[str, typer.Option("--loss-col", help="Column of loss.")] = "loss",
    bootstrap: Annotated[
        int,
        typer.Option("--bootstrap", min=0, max=100_000, help="Bootstrap resamples (0: none)."),
    ] = 1000,
    drop_top: Annotated[
        int, typer.Option("--drop-top", min=0, help="Drop the K highest-loss runs first.")
    ] = 0,
    budget: Annotated[
        list[str] | None, typer.Option("--budget", help="Compute budgets for allocations.")
    ] = None,
    save: Annotated[Path | None, typer.Option("--save", help="Write the fit as a law.")] = None,
    seed: SeedOpt = 0,
    json_output: JsonOpt = False,
    sig: SigOpt = 3,
) -> None:
    from flopcast.answers.scaling import fit_answer
    from flopcast.cli.common import print_json, progress, render
    from flopcast.quantity import fmt_plain, fmt_sci, fmt_si
    from flopcast.scaling.fit import read_runs

    runs = read_runs(
        path, n_column=n_column, d_column=d_column, c_column=c_column, loss_column=loss_column
    )
    what = "L(N, D)" if approach == 3 else "isoFLOP parabolas"
    doing = f"Fitting {what} to {len(runs):,} runs, with {bootstrap:,} bootstrap refits"
    with progress(doing, enabled=not json_output) as step:
        answer = fit_answer(
            runs, approach=approach, n_col=n_column, d_col=d_column, c_col=c_column,
            loss_col=loss_column, bootstrap=bootstrap, drop_top=drop_top, budget=budget,
            save=save, seed=seed, progress=step,
        )  # fmt: skip
    if json_output:
        print_json(answer)
        return
    res, saved, replaced = answer.result, answer.saved_to, answer.replaced
    from flopcast.scaling.fit import FitResult, IsoFlopFit

    sections = []
    if isinstance(res, FitResult):
        sec = Section(
            "L(N, D) = E + A/N^α + B/D^β",
            subtitle=f"{res.n_runs} runs; Huber δ={res.delta:g}; {res.starts} starts",
        )
        for key in ("E", "A", "B", "alpha", "beta"):
            iv = res.interval(key)
            rng = f"(90%: {fmt_plain(iv.low, sig)}–{fmt_plain(iv.high, sig)})" if iv else ""
            sec.add(key, fmt_plain(getattr(res, key), 4), rng)
        sec.add("N_opt ∝ C^a", f"a = {fmt_plain(res.a_N, 3)}", "a = β/(α+β)")
        sections.append(sec)
    elif isinstance(res, IsoFlopFit):
        sec = Section("N_opt = n · C^a (isoFLOP parabolas)", subtitle=f"{len(res.groups)} groups")
        sec.add("a", fmt_plain(res.a, 4))
        sec.add("n", fmt_sci(res.n_coef, 4))
        sections.append(sec)
    alloc = Section("Compute-optimal allocation", subtitle="bootstrap 90% intervals")
    for a in res.allocations:
        iv = a.tokens_per_param_interval
        rng = f"(90%: {fmt_plain(iv.low, sig)}–{fmt_plain(iv.high, sig)})" if iv else ""
        alloc.add(
            f"at {fmt_sci(a.compute, sig)} FLOP",
            f"N = {fmt_si(a.N, sig)}, D = {fmt_si(a.D, sig)}, "
            f"{fmt_plain(a.tokens_per_param, sig)} tok/param",
            rng,
        )
    sections.append(alloc)
    footer = []
    if saved is not None:
        was = " (replacing the previous file)" if replaced else ""
        footer.append(f"saved to {saved}{was}: use --law {saved}")
    render(f"Fit of {path}", sections, warnings=res.warnings, footer=footer)


def laws_command(json_output: JsonOpt = False) -> None:
    from flopcast.answers.scaling import laws_answer
    from flopcast.cli.common import print_json, render

    answer = laws_answer()
    if json_output:
        print_json(answer)
        return
    laws = answer.laws
    sec = Section("Named scaling laws", subtitle="also fixed:R and saved fits (--law FILE.json)")
    for law in laws:
        c = law.citation
        sec.add(law.name, law.title, f"{c.paper}, {c.where}")
    render("", [sec])
