"""``flopcast compute``: training compute by 6·N·D and by hardware, reconciled."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from flopcast.cli.common import JsonOpt, SamplesOpt, Section, SeedOpt, SigOpt
from flopcast.settings import DEFAULT_SAMPLES, DEFAULT_SEED

if TYPE_CHECKING:
    from collections.abc import Sequence

    from flopcast.answers.compute import ComputeAnswer
    from flopcast.cli.common import Footnotes
    from flopcast.comparison import Comparison
    from flopcast.quantity import Quantity
    from flopcast.regulation import ThresholdVerdict
    from flopcast.training import ComputeEstimate
    from flopcast.trends.forecast import Placement

ActiveOpt = Annotated[
    str | None,
    typer.Option(
        "--active",
        "--params",
        "-N",
        metavar="PARAMS",
        help="Active parameters per token (all parameters for a dense model): 17B, 250B..330B.",
    ),
]
TokensOpt = Annotated[
    str | None,
    typer.Option(
        "--tokens", "-D", metavar="TOKENS", help="Training tokens: 22T, 30T..40T, 30T[30T..40T]."
    ),
]
GpusOpt = Annotated[
    str | None, typer.Option("--gpus", metavar="N", help="Number of accelerators: 32K, 16384.")
]
GpuOpt = Annotated[
    str | None,
    typer.Option("--gpu", metavar="NAME", help="Accelerator, e.g. h100, a100-80gb, tpu-v5p."),
]
PrecisionOpt = Annotated[
    str | None,
    typer.Option("--precision", metavar="P", help="Precision of the dense peak (default bf16)."),
]
PeakOpt = Annotated[
    str | None,
    typer.Option("--peak", metavar="FLOP/S", help="Dense peak FLOP/s per accelerator: 989.4T."),
]
MfuOpt = Annotated[
    str | None,
    typer.Option("--mfu", metavar="U", help="Utilization of the dense peak: 0.4 or 40%."),
]
AchievedOpt = Annotated[
    str | None,
    typer.Option(
        "--achieved",
        metavar="FLOP/S",
        help="Achieved FLOP/s per accelerator instead of peak × MFU: 390T.",
    ),
]
DaysOpt = Annotated[
    str | None,
    typer.Option(
        "--days", metavar="TIME", help="Training duration: 90 (days), 90d, 3 months, 12 weeks."
    ),
]
HoursOpt = Annotated[
    str | None,
    typer.Option(
        "--gpu-hours", metavar="HOURS", help="Accelerator-hours instead of --gpus and --days."
    ),
]


def register(app: typer.Typer) -> None:
    app.command(
        "compute",
        help=(
            "Training compute by operation counting (6·N·D, N = active parameters) and by "
            "hardware (accelerators × peak × utilization × time), reconciled.\n\n"
            "Example: flopcast compute --active 17B --tokens 22T --gpu-hours 2.38M --gpu h100"
        ),
    )(compute_command)


def compute_command(
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="[MODEL]", help="A catalog model (its figures are used; flags override them)."
        ),
    ] = None,
    active: ActiveOpt = None,
    tokens: TokensOpt = None,
    gpus: GpusOpt = None,
    gpu: GpuOpt = None,
    precision: PrecisionOpt = None,
    peak: PeakOpt = None,
    mfu: MfuOpt = None,
    achieved: AchievedOpt = None,
    days: DaysOpt = None,
    gpu_hours: HoursOpt = None,
    recompute: Annotated[
        bool, typer.Option("--recompute", help="Count full activation recomputation (8·N·D).")
    ] = False,
    vs: Annotated[
        list[str] | None,
        typer.Option(
            "--vs",
            metavar="FLOP",
            help="Compare the result with another compute or model: 3.8e25, gpt-4 "
            "(repeatable: --vs gpt-4 --vs grok-3).",
        ),
    ] = None,
    json_output: JsonOpt = False,
    sig: SigOpt = 3,
    samples: SamplesOpt = DEFAULT_SAMPLES,
    seed: SeedOpt = DEFAULT_SEED,
) -> None:
    from flopcast.answers.compute import compute_answer
    from flopcast.cli.common import print_json

    answer = compute_answer(
        name, active=active, tokens=tokens, gpus=gpus, gpu=gpu, precision=precision,
        peak=peak, mfu=mfu, achieved=achieved, days=days, gpu_hours=gpu_hours,
        recompute=recompute, vs=vs, samples=samples, seed=seed,
    )  # fmt: skip
    if json_output:
        print_json(answer)
        return
    if answer.model is None:
        _render_estimate(answer, sig)
    else:
        _render_model(answer, sig)


def _render_estimate(answer: ComputeAnswer, sig: int) -> None:
    from flopcast.cli.common import render
    from flopcast.training import ComputeEstimate

    est = answer.result
    assert isinstance(est, ComputeEstimate)
    headline, sections, footer = compute_sections(est, sig)
    if answer.comparisons:
        sections.append(compared_section(answer.comparisons, sig))
    sections.append(threshold_section(answer.thresholds))
    render(headline, sections, est.warnings, footer)


def _render_model(answer: ComputeAnswer, sig: int) -> None:
    from flopcast.accounting import ModelCompute
    from flopcast.cli.common import Footnotes, render
    from flopcast.quantity import Kind, Quantity, fmt

    res, m = answer.result, answer.model
    assert isinstance(res, ModelCompute) and m is not None
    sections: list[Section] = []
    footer: list[str] = []
    warnings: tuple[str, ...] = ()
    notes = Footnotes()
    stated = None
    if res.stated is not None and res.stated.quantity is not None:
        stated = Section("Stated in the catalog")
        stated.add(
            "training compute",
            fmt(res.stated.quantity, Kind.FLOP, sig),
            notes.mark(res.stated.provenance, res.stated.source),
        )
    if res.estimate is not None:
        _, sections, footer = compute_sections(res.estimate, sig, notes)
        warnings = res.estimate.warnings
    else:
        footer = notes.lines()
    if stated is not None:
        sections.insert(0, stated)
    if answer.comparisons:
        sections.append(compared_section(answer.comparisons, sig))
    if res.exact is not None:
        from flopcast.cli.catalog import exact_section

        ex = exact_section(res.exact)
        exact_c = res.operation_count_exact
        if exact_c is not None and res.estimate is not None and res.estimate.operation_count:
            diff = exact_c / res.estimate.operation_count.value - 1
            ex.add("6·N·D with exact active", fmt_flop(Quantity(exact_c), sig), f"{diff:+.2%}")
        sections.append(ex)
    sections.append(threshold_section(answer.thresholds))
    if answer.run is not None:
        from flopcast.cli.systems import run_sections

        run_secs, run_footer = run_sections(answer.run, notes, sig)
        sections += run_secs
        footer = [*notes.lines(), *run_footer]
    if answer.placement is not None:
        sections.append(placement_section(answer.placement, sig))
    headline = f"{m.name}: {fmt(res.headline, Kind.FLOP, sig)}  ({res.basis})"
    render(headline, sections, warnings, footer)


def placement_section(p: Placement, sig: int) -> Section:
    """The model against the frontier trend at its release."""
    from flopcast.quantity import fmt_sci
    from flopcast.trends import settings as trend_settings

    tr = p.trend
    cfg = trend_settings()["placement"]
    sec = Section("Against the frontier trend", subtitle=f"running top 10, since {cfg['from'][:4]}")
    band = f"90%: {fmt_sci(10**tr.low, 2)}–{fmt_sci(10**tr.high, 2)} FLOP"
    sec.add(
        f"trend at {p.released:%Y-%m}",
        f"{fmt_sci(tr.flop, sig)} FLOP",
        band + ("; extrapolated" if tr.extrapolated else ""),
    )
    sec.add("this model", p.distance(), p.ratio_words())
    return sec


def compared_section(comparisons: Sequence[Comparison], sig: int) -> Section:
    """One row per ``--vs``: the ratio and its words."""
    sec = Section("Compared")
    for c in comparisons:
        sec.add(_vs_label(c, sig), fmt_ratio(c.ratio, sig), c.words)
    return sec


def _vs_label(comparison: Comparison, sig: int) -> str:
    """``vs Llama 3.1 405B: 3.8e25 FLOP`` for a model, ``vs 3.8e25 FLOP`` for a figure."""
    if comparison.b_basis:
        return f"vs {comparison.b_label}: {fmt_flop(comparison.b, sig)}"
    return f"vs {fmt_flop(comparison.b, sig)}"


def threshold_section(verdicts: Sequence[ThresholdVerdict]) -> Section:
    """Where a compute stands against every regulatory threshold."""
    from flopcast.quantity import fmt_sci

    sec = Section("Regulatory thresholds", subtitle="from the central value and 90% interval")
    for v in verdicts:
        if v.verdict != "below":
            sec.add(
                f"{v.verdict} {fmt_sci(v.threshold.flop)} FLOP",
                v.threshold.label,
                v.threshold.status,
            )
    below = [v for v in verdicts if v.verdict == "below"]
    if below:
        lowest = below[0]
        names = "; ".join(
            v.threshold.label for v in below if v.threshold.flop == lowest.threshold.flop
        )
        sec.add(
            f"below {fmt_sci(lowest.threshold.flop)} FLOP",
            f"{_under(lowest.ratio)} under the lowest of the rest: {names}"
            if len(below) < len(verdicts)
            else f"{_under(lowest.ratio)} under the lowest: {names}",
        )
    return sec


def _under(ratio: float) -> str:
    """How far under a threshold: ``4.5x``, ``1.9x``, ``134x``."""
    from flopcast.quantity import fmt_plain

    return f"{fmt_plain(1 / ratio, 2)}x"


def fmt_flop(q: Quantity, sig: int) -> str:
    from flopcast.quantity import Kind, fmt

    return fmt(q.with_unit("FLOP"), Kind.FLOP, sig)


def fmt_ratio(q: Quantity, sig: int) -> str:
    """A ratio as ``1.36x`` or ``1.58x (90%: 1.36–1.82)``."""
    from flopcast.quantity import Kind, fmt

    text = fmt(q.with_unit(""), Kind.COUNT, sig)
    return text.replace(" (90%:", "x (90%:") if q.uncertain else text + "x"


def compute_sections(
    est: ComputeEstimate, sig: int, notes: Footnotes | None = None
) -> tuple[str, list[Section], list[str]]:
    """Human-readable sections and source footnotes of a :class:`ComputeEstimate`."""
    from flopcast.cli.common import Footnotes
    from flopcast.quantity import Kind, fmt

    inputs = est.inputs
    notes = notes if notes is not None else Footnotes()

    def show_input(sec: Section, key: str, label: str) -> None:
        sec.add_input(label, inputs.get(key), notes, sig)

    sections: list[Section] = []
    if est.operation_count is not None:
        sec = Section("Operation counting", subtitle=est.formulas["operation_count"])
        show_input(sec, "active_params", "active parameters")
        show_input(sec, "tokens", "training tokens")
        if est.tokens_per_param is not None:
            sec.add("tokens per parameter", fmt(est.tokens_per_param, Kind.NUMBER, sig))
        sec.add("training compute", fmt(est.operation_count, Kind.FLOP, sig))
        sections.append(sec)
    hardware_keys = ("accelerators", "duration", "accelerator_hours", "peak", "achieved")
    if any(k in inputs for k in hardware_keys):
        subtitle = est.formulas.get("hardware", "")
        sec = Section("Hardware method", subtitle=subtitle)
        if est.accelerator is not None:
            sec.add("accelerator", est.accelerator.name, f"dense {est.precision} peak")
        show_input(sec, "accelerators", "accelerators")
        show_input(sec, "duration", "duration")
        show_input(sec, "accelerator_hours", "accelerator-hours")
        show_input(sec, "peak", "peak per accelerator")
        show_input(sec, "achieved", "achieved per accelerator")
        given = "utilization" in inputs and inputs["utilization"].origin == "given"
        if est.hardware is not None or given:  # an assumed one is shown where it is used
            show_input(sec, "utilization", "utilization (MFU)")
        if est.hardware is not None:
            sec.add("training compute", fmt(est.hardware, Kind.FLOP, sig))
        sections.append(sec)
    rec = Section("Reconciled")
    if est.implied_utilization is not None:
        rec.add(
            "implied utilization",
            fmt(est.implied_utilization, Kind.FRACTION, sig),
            f"6·N·D ÷ (accelerator-time × dense {est.precision or ''} peak)".replace("  ", " "),
        )
    if est.implied_flops_per_accelerator is not None and est.implied_utilization is None:
        rec.add(
            "implied FLOP/s per accelerator",
            fmt(est.implied_flops_per_accelerator, Kind.RATE, sig),
        )
    if est.duration is not None and "duration" not in inputs:
        rec.add(
            "duration", fmt(est.duration, Kind.DURATION, sig), "accelerator-hours ÷ accelerators"
        )
    if est.implied_duration is not None:
        how = "achieved" if "achieved" in inputs else "peak × utilization"
        if "utilization" in inputs and inputs["utilization"].origin == "assumed":
            show_input(rec, "utilization", "utilization (MFU)")
        rec.add(
            "implied duration",
            fmt(est.implied_duration, Kind.DURATION, sig),
            f"6·N·D ÷ (accelerators × {how})",
        )
        hours = est.implied_accelerator_hours
        if hours is not None:
            rec.add("accelerator-hours", fmt(hours, Kind.COUNT, sig), "accelerators × duration")
    if rec.rows:
        sections.append(rec)
    headline = f"Training compute: {fmt(est.best, Kind.FLOP, sig)}"
    return headline, sections, notes.lines()
