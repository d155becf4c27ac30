"""``flopcast cluster``: what N accelerators for T days produce; how long a budget takes."""

from __future__ import annotations

from typing import Annotated

import typer

from flopcast.cli.common import JsonOpt, SamplesOpt, Section, SeedOpt, SigOpt
from flopcast.cli.compute import AchievedOpt, DaysOpt, GpuOpt, MfuOpt, PeakOpt, PrecisionOpt
from flopcast.settings import DEFAULT_SAMPLES, DEFAULT_SEED


def register(app: typer.Typer) -> None:
    app.command(
        "cluster",
        help=(
            "What a cluster produces: total FLOP over --days, FLOP per day, and with --compute "
            "the days a training run takes.\n\n"
            "Example: flopcast cluster --gpus 100K --gpu h100 --days 90 --mfu 0.4"
        ),
    )(cluster_command)


def cluster_command(
    gpus: Annotated[
        str, typer.Option("--gpus", metavar="N", help="Number of accelerators: 100K, 32K.")
    ],
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
    json_output: JsonOpt = False,
    sig: SigOpt = 3,
    samples: SamplesOpt = DEFAULT_SAMPLES,
    seed: SeedOpt = DEFAULT_SEED,
) -> None:
    from flopcast.cli.common import Footnotes, print_json, render, sampling
    from flopcast.clusters import cluster
    from flopcast.quantity import Kind, fmt

    res = cluster(
        accelerators=gpus,
        accelerator_name=gpu,
        precision=precision,
        peak=peak,
        utilization=mfu,
        achieved=achieved,
        duration=days,
        compute=compute,
        sampling=sampling(samples, seed),
    )
    if json_output:
        print_json(res)
        return
    sec = Section("Cluster", subtitle="C = accelerators × peak × utilization × time")
    if res.accelerator is not None:
        sec.add("accelerator", res.accelerator.name, f"dense {res.precision} peak")
    notes = Footnotes()
    for key, label in (
        ("accelerators", "accelerators"),
        ("peak", "peak per accelerator"),
        ("utilization", "utilization (MFU)"),
        ("achieved", "achieved per accelerator"),
        ("duration", "duration"),
        ("compute", "training budget"),
    ):
        sec.add_input(label, res.inputs.get(key), notes, sig)
    out = Section("Produces")
    out.add("cluster throughput", fmt(res.flops, Kind.RATE, sig))
    out.add("per day", fmt(res.flop_per_day, Kind.FLOP, sig))
    if res.total is not None:
        out.add("over the duration", fmt(res.total, Kind.FLOP, sig))
    if res.duration_for_compute is not None:
        out.add("time for the budget", fmt(res.duration_for_compute, Kind.DURATION, sig))
    headline = (
        f"Cluster output: {fmt(res.total, Kind.FLOP, sig)}"
        if res.total is not None
        else f"Time to train: {fmt(res.duration_for_compute, Kind.DURATION, sig)}"
        if res.duration_for_compute is not None
        else ""
    )
    render(headline, [sec, out], footer=notes.lines())
