"""``flopcast cluster``: what N accelerators (or a site of a given power) produce over T days, how
long a budget takes, and the cluster's power, energy and cost."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from flopcast.cli.common import JsonOpt, SamplesOpt, Section, SeedOpt, SigOpt
from flopcast.cli.compute import AchievedOpt, DaysOpt, GpuOpt, MfuOpt, PeakOpt, PrecisionOpt
from flopcast.settings import DEFAULT_SAMPLES, DEFAULT_SEED

if TYPE_CHECKING:
    from flopcast.cli.common import Footnotes
    from flopcast.clusters import ClusterEstimate
    from flopcast.cost import RunCost
    from flopcast.power import ClusterPower
    from flopcast.scaling import OptimalPoint

_Opt = Annotated[str | None, typer.Option()]


def register(app: typer.Typer) -> None:
    app.command(
        "cluster",
        help=(
            "What a cluster produces: total FLOP over --days, FLOP per day, and with --compute "
            "the days a training run takes; with --gpu, its IT and facility power, energy, and "
            "cost three ways (acquisition, amortized hardware + energy, cloud) priced at --date. "
            "--power instead of --gpus: the accelerators a site of that power holds, and the "
            "compute-optimal model for what they produce.\n\n"
            "Examples: flopcast cluster --gpus 100K --gpu h100 --days 90 --date 2024-10\n\n"
            "flopcast cluster --power 1GW --gpu gb200 --days 120 --mfu 40%"
        ),
    )(cluster_command)


def cluster_command(
    gpus: Annotated[
        str | None, typer.Option("--gpus", metavar="N", help="Number of accelerators: 100K.")
    ] = None,
    power: Annotated[
        str | None,
        typer.Option("--power", metavar="W", help="Instead of --gpus: a site's power, 1GW."),
    ] = None,
    gpu: GpuOpt = None,
    days: DaysOpt = None,
    compute: Annotated[
        str | None,
        typer.Option("--compute", metavar="FLOP", help="A training budget to time: 5.2e25."),
    ] = None,
    mfu: MfuOpt = None,
    achieved: AchievedOpt = None,
    peak: PeakOpt = None,
    precision: PrecisionOpt = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="Price and power at this date (YYYY-MM-DD, YYYY-MM or YYYY); default today.",
        ),
    ] = None,
    dollars: Annotated[
        int | None, typer.Option("--dollars", metavar="YEAR", help="Costs in this year's dollars.")
    ] = None,
    tdp: Annotated[
        str | None, typer.Option("--tdp", metavar="W", help="Chip TDP instead of the table's.")
    ] = None,
    overhead: Annotated[
        str | None,
        typer.Option("--overhead", metavar="X", help="Server and network power ÷ TDP (1.82)."),
    ] = None,
    pue: Annotated[
        str | None, typer.Option("--pue", metavar="X", help="The data centre's PUE (1.1).")
    ] = None,
    gpu_price: Annotated[
        str | None,
        typer.Option(
            "--gpu-price", metavar="PRICE", help="Per accelerator with server: '$30K 2024'."
        ),
    ] = None,
    cloud_price: Annotated[
        str | None,
        typer.Option("--cloud-price", metavar="PRICE", help="Per accelerator-hour: '$2.5/h 2025'."),
    ] = None,
    electricity_price: Annotated[
        str | None,
        typer.Option("--electricity-price", metavar="PRICE", help="'$0.08/kWh 2024'."),
    ] = None,
    cloud_term: Annotated[
        str, typer.Option("--cloud-term", help="on-demand, 1-year or 3-year (committed).")
    ] = "3-year",
    law: Annotated[
        str, typer.Option("--law", help="With --power: the law of the compute-optimal model.")
    ] = "fixed:40",
    json_output: JsonOpt = False,
    sig: SigOpt = 3,
    samples: SamplesOpt = DEFAULT_SAMPLES,
    seed: SeedOpt = DEFAULT_SEED,
) -> None:
    from flopcast.answers.cluster import cluster_answer
    from flopcast.cli.common import Footnotes, print_json, render
    from flopcast.quantity import Kind, fmt

    answer = cluster_answer(
        gpus=gpus, power=power, gpu=gpu, days=days, compute=compute, mfu=mfu,
        achieved=achieved, peak=peak, precision=precision, date=date, dollars=dollars, tdp=tdp,
        overhead=overhead, pue=pue, gpu_price=gpu_price, cloud_price=cloud_price,
        electricity_price=electricity_price, cloud_term=cloud_term, law=law, samples=samples,
        seed=seed,
    )  # fmt: skip
    if json_output:
        print_json(answer)
        return
    res, site, cost, best = answer.cluster, answer.site, answer.cost, answer.compute_optimal
    notes = Footnotes()
    sections = _output_sections(res, site, notes, sig)
    if best is not None:
        sections.append(_optimal_section(best, sig))
    if cost is not None:
        sections += _cost_sections(cost, notes, sig)
    headline = (
        f"Cluster output: {fmt(res.total, Kind.FLOP, sig)}"
        if res.total is not None
        else f"Time to train: {fmt(res.duration_for_compute, Kind.DURATION, sig)}"
        if res.duration_for_compute is not None
        else f"Cluster throughput: {fmt(res.flops, Kind.RATE, sig)}"
    )
    if site is not None and res.total is not None and res.accelerator is not None:
        from flopcast.fleet import short_chip
        from flopcast.power import fmt_watts
        from flopcast.quantity import fmt_sci, fmt_si

        headline = (
            f"{fmt_watts(site.facility_power_w.value, sig)} of {short_chip(res.accelerator)}: "
            f"{fmt_si(site.accelerators.value, sig)} accelerators, "
            f"{fmt_sci(res.total.value, sig)} FLOP"
        )
        if "duration" in res.inputs:
            headline += f" in {fmt(res.inputs['duration'].quantity, Kind.DURATION, sig)}"
    footer = notes.lines() + ([] if cost is None else list(cost.notes))
    if answer.why_no_cost:
        footer.append(f"No power or cost: {answer.why_no_cost}")
    render(headline, sections, footer=footer)


def _output_sections(
    res: ClusterEstimate, site: ClusterPower | None, notes: Footnotes, sig: int
) -> list[Section]:
    from flopcast.power import fmt_range, fmt_watts
    from flopcast.quantity import Kind, fmt

    sec = Section("Cluster", subtitle="C = accelerators × peak × utilization × time")
    if res.accelerator is not None:
        sec.add("accelerator", res.accelerator.name, f"dense {res.precision} peak")
    if site is not None:
        sec.add("site power", fmt_watts(site.facility_power_w.value, sig), "given")
        sec.add(
            "accelerators",
            fmt(site.accelerators, Kind.COUNT, sig),
            f"power ÷ {fmt_range(site.per_accelerator_w, fmt_watts, sig)} each",
        )
    for key, label in (
        ("accelerators", "accelerators"),
        ("peak", "peak per accelerator"),
        ("utilization", "utilization (MFU)"),
        ("achieved", "achieved per accelerator"),
        ("duration", "duration"),
        ("compute", "training budget"),
    ):
        if key == "accelerators" and site is not None:
            continue
        sec.add_input(label, res.inputs.get(key), notes, sig)
    out = Section("Produces")
    out.add("cluster throughput", fmt(res.flops, Kind.RATE, sig))
    out.add("per day", fmt(res.flop_per_day, Kind.FLOP, sig))
    if res.total is not None:
        out.add("over the duration", fmt(res.total, Kind.FLOP, sig))
    if res.duration_for_compute is not None:
        out.add("time for the budget", fmt(res.duration_for_compute, Kind.DURATION, sig))
    return [sec, out]


def _cost_sections(cost: RunCost, notes: Footnotes, sig: int) -> list[Section]:
    from flopcast.cli.systems import cost_rows

    sec = Section(
        "Power and cost",
        subtitle=f"at {cost.start.isoformat()}, in {cost.dollars_year} dollars",
    )
    cost_rows(sec, cost, notes, sig)
    return [sec]


def _optimal_section(p: OptimalPoint, sig: int) -> Section:
    from flopcast.quantity import fmt_plain, fmt_si

    sec = Section("Compute-optimal model for it", subtitle=f"{p.law}: {p.law_title}")
    sec.add("parameters N", fmt_si(p.N, sig), "flopcast optimal --compute ... for more")
    sec.add("tokens D", fmt_si(p.D, sig))
    sec.add("tokens per parameter", fmt_plain(p.tokens_per_param, sig))
    return sec
