"""The report's figures, drawn for its models (a model given by numbers among them), as SVG
text with an alt text, by caption."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flopcast.figures import Model
    from flopcast.reporting.document import Report


def report_figures(report: Report) -> dict[str, tuple[str, str]]:
    """The report's figures as (SVG text, alt text), by caption: its models highlighted and
    labelled in each (a model given by numbers too), and the memory of each open model."""
    from flopcast.catalog import model
    from flopcast.errors import FlopcastError
    from flopcast.reporting import plots
    from flopcast.reporting.given import is_given

    given = {m.id: m for m in report.given if is_given(m)}
    subjects: list[str | Model] = [given.get(i, i) for i in report.highlight]
    out: dict[str, tuple[str, str]] = {}

    def add(caption: str, fig: Any) -> None:
        out[caption] = (plots.to_svg_text(fig), plots.alt_text(fig))

    add(
        "Training compute over time (log scale), with the models of this report highlighted",
        plots.timeline(subjects),
    )
    from flopcast.reporting.plots.plot_tokens_per_param import _tpp_point

    # only the models with active parameters and tokens can be placed (not GPT-4's estimate)
    placeable = [s for s in subjects if _tpp_point(model(s) if isinstance(s, str) else s)]
    add(
        "Tokens per active parameter against compute, with compute-optimal lines under "
        f"{report.settings['law']}, with the models of this report highlighted",
        plots.tokens_per_param(placeable, law=str(report.settings["law"])),
    )
    from flopcast.trends.forecast import placement_trend  # the cached fit, not a refit

    add(
        "Training compute of frontier models since 2018: trend, 90% band and forecast, with "
        "the models of this report",
        plots.trend(placement_trend(), subjects),
    )
    for mid in report.highlight:
        if mid in given:
            continue
        m = model(mid)
        if m.open_weights and m.hf_repo:
            try:
                add(f"Memory to run {m.name} locally, by weight format", plots.memory(mid))
            except FlopcastError:  # e.g. no config.json or parameter count to size it from
                continue
    return out
