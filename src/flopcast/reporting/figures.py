"""A report's figures: the plots ``flopcast report`` embeds, as PNG bytes with alt text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flopcast.reporting.document import Report


def report_plots(report: Report) -> dict[str, tuple[bytes, str]]:
    """The report's figures as (PNG bytes, alt text), by caption."""
    from flopcast.catalog import model
    from flopcast.errors import FlopcastError
    from flopcast.reporting import plots

    ids = [m for m in report.highlight if m != "custom"]
    out: dict[str, tuple[bytes, str]] = {}

    def add(caption: str, fig: Any) -> None:
        out[caption] = (plots.to_png_bytes(fig), plots.alt_text(fig))

    add(
        "Training compute over time (log scale), with the models of this report highlighted",
        plots.timeline(ids),
    )
    add(
        "Tokens per active parameter against compute, with compute-optimal lines under "
        f"{report.settings['law']}",
        plots.tokens_per_param(ids, law=str(report.settings["law"])),
    )
    from flopcast.trends.forecast import placement_trend  # the cached fit, not a refit

    add(
        "Training compute of frontier models since 2018: trend, 90% band and forecast, with "
        "the models of this report",
        plots.trend(placement_trend(), ids),
    )
    for mid in ids:
        m = model(mid)
        if m.open_weights and m.hf_repo:
            try:
                add(f"Memory to run {m.name} locally, by weight format", plots.memory(mid))
            except FlopcastError:  # e.g. no config.json or parameter count to size it from
                continue
    return out
