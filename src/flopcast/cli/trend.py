"""``flopcast trend``: how fast training compute grows, when a level is reached, how many models
will be above a threshold; and the frontier-trend rows of ``flopcast compute MODEL``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from flopcast.cli.common import JsonOpt, Section, SigOpt

if TYPE_CHECKING:
    from flopcast.trends import Selection, Trend
    from flopcast.trends.count import CountForecast
    from flopcast.trends.forecast import AtDate, Crossing
    from flopcast.trends.systems import SystemsSelection, SystemsTrends

SelectOpt = Annotated[
    str | None,
    typer.Option(
        "--select",
        metavar="WHICH",
        help="notable (every domain), language, frontier (running top 10 by compute), open, "
        "or a developer: OpenAI, 'Google DeepMind', 'Meta AI'. With --systems: leading "
        "(top 10 when first operational, Pilz et al.) or all.",
    ),
]
FromOpt = Annotated[
    str | None,
    typer.Option("--from", metavar="DATE", help="First date: 2010, 2018-06, 2018-06-01."),
]
ToOpt = Annotated[
    str | None, typer.Option("--to", metavar="DATE", help="Last date (inclusive): 2024-05.")
]
SpeculativeOpt = Annotated[
    str | None,
    typer.Option(
        "--speculative",
        metavar="HOW",
        help="Epoch AI's confidence labels: include every row, exclude Speculative ones, or "
        "weight each row by its label's band (include, exclude, weight).",
    ),
]
TopOpt = Annotated[
    int | None,
    typer.Option("--top", metavar="N", help="Frontier: the running top N (default 10, Epoch AI)."),
]
DataOpt = Annotated[
    str | None,
    typer.Option("--data", metavar="FILE", help="An Epoch AI models CSV instead of the snapshot."),
]


def register(app: typer.Typer) -> None:
    app.command(
        "trend",
        help=(
            "How fast training compute grows: a least-squares trend of log10(FLOP) against "
            "date over Epoch AI's Notable AI Models (shipped snapshot, every domain), growth per "
            "year and doubling time with bootstrap intervals, an optional change of slope with "
            "its test; the trend at a date (--at), the date it reaches a level (--when), and "
            "the number of models above a threshold by year (--count-above). --systems: the "
            "growth of the largest AI supercomputers (Epoch AI's GPU Clusters data) beside Pilz "
            "et al. 2025's figures.\n\n"
            "Examples: flopcast trend --from 2010 --to 2024-05;  "
            "flopcast trend --select frontier --from 2018 --at 2027-06 --when 1e27;  "
            "flopcast trend --systems"
        ),
    )(trend_command)


def trend_command(
    select: SelectOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    speculative: SpeculativeOpt = None,
    top: TopOpt = None,
    breakpoint: Annotated[
        bool, typer.Option("--breakpoint", help="Fit one change of slope and test it.")
    ] = False,
    break_at: Annotated[
        str | None,
        typer.Option("--break-at", metavar="DATE", help="Test a change of slope at this date."),
    ] = None,
    at_dates: Annotated[
        list[str] | None,
        typer.Option("--at", metavar="DATE", help="The trend at a date: 2027-06 (repeatable)."),
    ] = None,
    levels: Annotated[
        list[str] | None,
        typer.Option("--when", metavar="FLOP", help="When the trend reaches 1e27 (repeatable)."),
    ] = None,
    count_levels: Annotated[
        list[str] | None,
        typer.Option(
            "--count-above", metavar="FLOP", help="Models above 1e25 by year (repeatable)."
        ),
    ] = None,
    until: Annotated[
        int, typer.Option("--until", metavar="YEAR", help="Last year of --count-above.")
    ] = 2028,
    simulations: Annotated[
        int | None,
        typer.Option(
            "--simulations", metavar="N", help="Simulated futures of --count-above (4,000)."
        ),
    ] = None,
    resamples: Annotated[
        int, typer.Option("--resamples", metavar="N", help="Bootstrap resamples (default 1,000).")
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the bootstrap.")] = 20250405,
    data: DataOpt = None,
    systems: Annotated[
        bool,
        typer.Option(
            "--systems",
            help="The growth of the largest AI supercomputers' performance, chips, power and "
            "cost (--data: a GPU Clusters CSV).",
        ),
    ] = False,
    metrics: Annotated[
        list[str] | None,
        typer.Option(
            "--metric",
            metavar="METRIC",
            help="With --systems: performance, h100e, chips, power or cost (repeatable; "
            "default all).",
        ),
    ] = None,
    json_output: JsonOpt = False,
    sig: SigOpt = 3,
) -> None:
    from flopcast.answers.trend import TrendAnswer, trend_answer
    from flopcast.cli.common import print_json, render
    from flopcast.trends import settings

    answer = trend_answer(
        select=select, start=start, end=end, speculative=speculative, top=top,
        breakpoint=breakpoint, break_at=break_at, at=at_dates, when=levels,
        count_above=count_levels, until=until, simulations=simulations, resamples=resamples,
        seed=seed, data=data, systems=systems, metric=metrics,
    )  # fmt: skip
    if json_output:
        print_json(answer)
        return
    if not isinstance(answer, TrendAnswer):
        sections, footer = systems_sections(answer, sig)
        render(systems_headline(answer.selection), sections, footer=footer)
        return
    trend, sel = answer.trend, answer.selection
    at_rows, when_rows, count_rows = list(answer.at), list(answer.when), list(answer.count_above)
    sections, notes = trend_sections(trend, sig)
    if at_rows or when_rows:
        sections.append(forecast_section(trend, at_rows, when_rows, sig))
    sections += [count_section(c) for c in count_rows]
    warnings = list(trend.warnings)
    if (at_rows or when_rows) and sel.select != "frontier":
        warnings.append(
            f"forecasts follow the trend of {sel.label()}, not the largest runs: "
            "--select frontier for those"
        )
    footer = [f"[{i}] {n}" for i, n in enumerate(notes, 1)]
    footer += [f"Counts: {c.method}." for c in count_rows[:1]]
    if sel.start is None and sel.first_date is not None:
        era = settings()["era"]
        footer.append(
            f"From {sel.first_date.isoformat()} (--from 1950 takes every model): the "
            f"deep-learning era, Sevilla et al. 2022, {era['source']}"
        )
    footer.append(f"Data: {trend.credit}.")
    render(headline(trend, sig), sections, warnings, footer)


def growth_text(oom: float, sig: int = 3) -> str:
    """``3.81x/yr (0.58 OOM/yr)``."""
    from flopcast.quantity import fmt_plain

    return f"{fmt_plain(10**oom, sig)}x/yr ({oom:.2f} OOM/yr)"


def headline(trend: Trend, sig: int = 3) -> str:
    return f"Training compute of {trend.selection.label()}: {growth_text(trend.oom_per_year, sig)}"


LOG2 = 0.3010299956639812  # log10(2): doubling time = 12·log10(2) / (OOM per year) months


def _range(lo: float, hi: float, fmt: Any, unit: str = "") -> str:
    return f"90%: {fmt(lo)}–{fmt(hi)}{unit}"


def trend_sections(trend: Trend, sig: int = 3) -> tuple[list[Section], list[str]]:
    """The trend's sections and the sources they cite (numbered in order)."""
    from flopcast.quantity import fmt_plain
    from flopcast.trends import month, settings

    sel = trend.selection
    lo, hi = trend.slope_interval()
    sec = Section(
        "Trend", subtitle=f"OLS of log10(FLOP) on date; 90%: {trend.resamples:,} bootstraps"
    )
    sec.add("models", str(trend.n), sel.window(trend.points))
    sec.add(
        "growth",
        growth_text(trend.oom_per_year, sig),
        _range(10**lo, 10**hi, lambda x: fmt_plain(x, sig), "x/yr"),
    )
    if lo > 0:
        doubling = _range(12 * LOG2 / hi, 12 * LOG2 / lo, lambda x: fmt_plain(x, 2), " months")
    else:
        doubling = "the interval includes no growth"
    sec.add("doubling time", f"{fmt_plain(trend.doubling_months, 2)} months", doubling)
    sec.add("fit", f"R² {trend.r2:.2f}", f"scatter: {trend.resid_sd:.2f} OOM (sd)")
    policy = {"include": "all included", "exclude": "no Speculative", "weight": "weighted"}
    sec.add("confidence labels", policy[sel.speculative], "growth if handled otherwise:")
    names = {"exclude": "no Speculative", "include": "all labels", "weight": "label-weighted"}
    for k, v in trend.alternatives.items():
        if k != sel.speculative:
            sec.add(f"  {names[k]}", f"{fmt_plain(v, sig)}x/yr")
    pub = settings()["published"]
    notes = [str(pub["source"])]
    verdict = ""
    if sel.select == "notable" and _same_window(sel, pub):
        g = trend.growth
        side = (
            "inside" if pub["low"] <= g <= pub["high"] else ("below" if g < pub["low"] else "above")
        )
        verdict = f"; this fit: {side}"
    sec.add(
        "Epoch AI [1]",
        f"{fmt_plain(pub['low'])}–{fmt_plain(pub['high'])}x/yr",
        pub["span"] + verdict,
    )
    sections = [sec]
    if trend.test is not None:
        t = trend.test
        how = "fitted" if t.estimated else "given"
        b = Section("Change of slope", subtitle=f"one hinge, its date {how}; F-test and BIC")
        b.add("at", month(t.at))
        b.add("growth before", growth_text(t.slope_before, sig))
        b.add("growth after", growth_text(t.slope_after, sig))
        p = f"p = {t.p:.2g}" if t.p >= 1e-6 else "p < 1e-6"
        b.add("F-test", f"F = {t.f:.3g}, {p}", "optimistic: date fitted" if t.estimated else "")
        d = t.delta_bic
        b.add(
            "BIC",
            f"hinge {abs(d):.1f} {'lower' if d > 0 else 'higher'}",
            f"{'warranted' if t.warranted else 'not warranted'}: needs > {t.margin:g} lower [2]",
        )
        notes.append(str(settings()["breakpoint"]["source"]))
        sections.append(b)
    return sections, notes


def _same_window(sel: Selection, pub: dict[str, Any]) -> bool:
    return (
        sel.first_date is not None
        and sel.end is not None
        and sel.first_date.isoformat() == pub["from"]
        and sel.end.isoformat() == pub["to"]
    )


def forecast_section(
    trend: Trend, at_rows: list[AtDate], when_rows: list[Crossing], sig: int = 3
) -> Section:
    from flopcast.quantity import fmt_sci
    from flopcast.trends import month

    kink = trend.forecast_line.tau is not None
    sec = Section("Forecast", subtitle="the trend" + (" after its change of slope" if kink else ""))
    for a in at_rows:
        sec.add(
            f"at {a.at:%Y-%m}",
            f"{fmt_sci(a.flop, sig)} FLOP",
            _range(10**a.low, 10**a.high, lambda x: fmt_sci(x, 2), " FLOP"),
        )
    for w in when_rows:
        label = f"{fmt_sci(w.level, sig)} FLOP"
        if w.reached_by is not None:
            p = w.reached_by
            sec.add(label, f"reached {p.published:%Y-%m}", f"first: {p.name}, {fmt_sci(p.flop, 2)}")
            continue

        def m(t: float | None) -> str:
            return month(t) if t is not None else "after 2200"

        note = f"90%: {m(w.low)} to {m(w.high)}"
        if w.never:
            note += f"; {w.never:.0%} of resamples never reach it"
        sec.add(label, m(w.t), note)
    return sec


def count_section(c: CountForecast) -> Section:
    from flopcast.quantity import fmt_sci
    from flopcast.trends import settings as trend_settings

    lo, hi = c.history
    sec = Section(
        f"Models above {fmt_sci(c.threshold)} FLOP",
        subtitle=f"by each year's end; yearly totals and shares of {lo}–{hi}",
    )
    for year, count in c.observed:
        sec.add(f"observed {year}", str(count))
    if c.observed and c.observed_to_date != c.observed[-1][1]:
        sec.add("observed to date", str(c.observed_to_date), "in the data so far")
    for f in c.forecast:
        sec.add(
            str(f.year),
            f"{f.median:.0f}",
            f"90%: {f.low:.0f}–{f.high:.0f}; {f.new_median:.0f} new",
        )
    paper = trend_settings()["count"].get(f"paper_2028_above_{fmt_sci(c.threshold)}")
    if paper and any(f.year == 2028 for f in c.forecast):
        sec.add("paper, 2028", str(paper[0]), f"90%: {paper[1]}–{paper[2]}; Kumar & Manning")
    return sec


# -- flopcast trend --systems ----------------------------------------------------------------


def systems_headline(sel: SystemsSelection) -> str:
    which = "leading AI supercomputers" if sel.select == "leading" else "AI supercomputers"
    return f"Growth of {which}, first operational {sel.window()}"


def systems_sections(res: SystemsTrends, sig: int = 3) -> tuple[list[Section], list[str]]:
    """A section per metric (growth, doubling time, the published figure and the ratio) and
    the footer: the sources, the selections compared, the data's credit."""
    from flopcast.cli.common import Footnotes
    from flopcast.quantity import fmt_plain
    from flopcast.trends.systems import METRICS

    notes = Footnotes()
    sections = []
    for tr in res:
        lo, hi = tr.slope_interval()
        sec = Section(
            METRICS[tr.metric].label,
            subtitle=f"{tr.n} systems, {tr.first.isoformat()} to {tr.last.isoformat()}",
        )
        sec.add(
            "growth",
            growth_text(tr.oom_per_year, sig),
            _range(10**lo, 10**hi, lambda x: fmt_plain(x, sig), "x/yr"),
        )
        if lo > 0:
            doubling = _range(12 * LOG2 / hi, 12 * LOG2 / lo, lambda x: fmt_plain(x, 2), " months")
        else:
            doubling = "the interval includes no growth"
        sec.add("doubling time", f"{fmt_plain(tr.doubling_months, 2)} months", doubling)
        pub = tr.published
        if pub is not None and tr.ratio is not None:
            if tr.selection.select == "leading":
                where = "inside" if tr.published_inside else "outside"
                note = f"ratio {tr.ratio:.2f} ({where} the 90%)"
            else:
                note = f"of leading systems; ratio {tr.ratio:.2f}"
            sec.add(notes.mark(pub.paper, pub.source), f"{pub.growth:.1f}x/yr", note)
        sections.append(sec)
    first = res.trends[0]
    footer = notes.lines()
    footer.append(
        f"OLS of log10(metric) on the date first operational; 90%: {first.resamples:,} "
        f"bootstraps over systems (seed {first.seed})."
    )
    top = f"top {res.selection.n_top} by 16-bit FLOP/s"
    if res.selection.select == "leading":
        footer.append(
            f"Leading: in the {top} among the systems of {first.pool} first operational by its "
            f"date, as {res.paper} select ({res.paper_count} in their data), {res.paper_source}."
        )
    else:
        footer.append(
            f"Systems: every one of {first.pool}; {res.paper}'s figures are for the leading "
            f"ones (top {res.paper_top} when first operational), {res.paper_source}."
        )
    footer.append(f"Data: {res.credit}.")
    return sections, footer
