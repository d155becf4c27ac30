"""``flopcast systems``: the real AI supercomputers (Epoch AI's GPU Clusters data) at a date;
one system; importing a newer download. Also the power-and-cost section of ``compute MODEL``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from flopcast.cli.common import JsonOpt, Section, SigOpt

if TYPE_CHECKING:
    from flopcast.answers.systems import OneSystem, SystemsByGroup
    from flopcast.cli.common import Footnotes
    from flopcast.cost import RunCost
    from flopcast.fleet import SystemsAt
    from flopcast.runs import TrainingRun
    from flopcast.systems import System


def register(app: typer.Typer) -> None:
    app.command(
        "systems",
        help=(
            "The largest AI supercomputers that existed at a date (Epoch AI's GPU Clusters "
            "data): H100-equivalents, power, what each produces in 90 days at 40%, sources. "
            "Give a NAME to see one; --by owner|chip for totals; --import FILE.csv to use a "
            "newer download.\n\n"
            "Example: flopcast systems --at 2025-04-05 --top 10"
        ),
    )(systems_command)


def systems_command(
    name: Annotated[
        str | None, typer.Argument(metavar="[NAME]", help="One system, e.g. 'Meta 100k'.")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            "--date",
            help="Existing at this date (YYYY-MM-DD, YYYY-MM or YYYY); default today.",
        ),
    ] = None,
    top: Annotated[int, typer.Option("--top", help="How many systems to list.")] = 10,
    owner: Annotated[
        str | None, typer.Option("--owner", help="Only this owner's systems, e.g. meta, xai.")
    ] = None,
    chip: Annotated[
        str | None, typer.Option("--chip", help="Only systems of this chip: h100.")
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", metavar="owner|chip", help="Totals by owner or chip.")
    ] = None,
    include_all: Annotated[
        bool, typer.Option("--all", help="Include rows marked Unlikely or possible duplicates.")
    ] = False,
    import_path: Annotated[
        Path | None, typer.Option("--import", metavar="FILE.csv", help="Import a newer download.")
    ] = None,
    snapshot: Annotated[
        str | None, typer.Option("--snapshot", help="With --import: its date label, e.g. 2026-06.")
    ] = None,
    reset: Annotated[
        bool, typer.Option("--reset", help="Forget an import; use the shipped snapshot.")
    ] = False,
    json_output: JsonOpt = False,
    sig: SigOpt = 3,
) -> None:
    if import_path is not None:
        _import(import_path, snapshot, json_output)
        return
    if reset:
        from flopcast.systems import reset as forget

        print("removed the imported GPU clusters data" if forget() else "no import; nothing to do")
        return
    from flopcast.answers.systems import OneSystem, SystemsByGroup, systems_answer
    from flopcast.cli.common import print_json

    answer = systems_answer(
        name, at=at, top=top, owner=owner, chip=chip, by=by, include_all=include_all
    )
    if json_output:
        print_json(answer)
    elif isinstance(answer, OneSystem):
        _one(answer, sig)
    elif isinstance(answer, SystemsByGroup):
        _grouped(answer, sig)
    else:
        _largest(answer, owner, chip)


def _largest(res: SystemsAt, owner: str | None, chip: str | None) -> None:
    from flopcast.cli.common import Column, Footnotes, Table, render
    from flopcast.power import fmt_watts
    from flopcast.quantity import fmt_sci, fmt_si

    days, mfu = res.days, res.utilization
    which = " ".join(x for x in (owner and f"of {owner}", chip and f"with {chip}") if x)
    title = f"Largest AI supercomputers {which + ' ' if which else ''}at {res.at.isoformat()}"
    table = Table(
        title if res.systems else f"{title}: none",
        [
            Column("#", align="right", keep=True),
            Column("system", keep=True),
            Column("H100e", align="right"),
            Column("power", align="right"),
            Column(f"{days:g}d@{mfu:.0%}", align="right"),
            Column("src"),
        ],
    )
    notes = Footnotes()
    for i, s in enumerate(res.systems, 1):
        produced = s.produces(days, mfu)
        table.add(
            str(i),
            s.name,
            "–" if s.h100e is None else fmt_si(s.h100e, 2),
            "–" if s.power_mw is None else fmt_watts(s.power_mw * 1e6, 3),
            "–" if produced is None else fmt_sci(produced, 2),
            notes.mark("", s.sources[0]).strip() if s.sources else "",
            note=_where(s),
        )
    footer = [
        f"H100e: Epoch AI's H100-equivalents (peak OP/s ÷ an H100's); power: reported, else "
        f"Epoch AI's estimate; {days:g}d@{mfu:.0%}: FLOP at {mfu:.0%} of the 16-bit peak for "
        f"{days:g} days.",
    ]
    if res.excluded:
        left = ", ".join(f"{n} {why}" for why, n in res.excluded.items())
        footer.append(f"Left out: {left} (--all includes them).")
    footer += notes.lines()
    footer.append(f"Data: {res.meta_credit}.")
    render("", [table], footer=footer)


def _where(s: System) -> str:
    from flopcast.fleet import short_chip_name
    from flopcast.quantity import fmt_si

    parts = [", ".join(s.owners) or "owner unknown"]  # Epoch AI writes "Microsoft,OpenAI"
    if s.first_operational is not None:
        parts.append(f"from {s.first_operational.isoformat()}")
    if s.chip and s.chips:
        parts.append(f"{fmt_si(s.chips, 3)} {short_chip_name(s.chip)}")
    return "; ".join(parts)


def _grouped(answer: SystemsByGroup, sig: int) -> None:
    from flopcast.cli.common import render
    from flopcast.power import fmt_watts
    from flopcast.quantity import fmt_si
    from flopcast.systems import credit

    when, by, groups = answer.at, answer.by, answer.groups
    sec = Section(f"AI supercomputers by {by} at {when.isoformat()}", subtitle="existing systems")
    for g in groups:
        sec.add(
            g.key,
            f"{fmt_si(g.h100e, sig)} H100e, {fmt_watts(g.power_mw * 1e6, sig)}",
            f"{g.systems} system{'s' if g.systems != 1 else ''}; largest {g.largest}",
        )
    render("", [sec], footer=[f"Data: {credit()}."])


def _one(answer: OneSystem, sig: int) -> None:
    from flopcast.cli.common import Footnotes, render
    from flopcast.fleet import scenario
    from flopcast.power import fmt_watts
    from flopcast.prices import fmt_usd
    from flopcast.quantity import fmt_rate, fmt_sci, fmt_si

    s, ours = answer.system, answer.power
    days, mfu = scenario()
    sec = Section(s.name, subtitle=f"{s.status}, certainty {s.certainty or 'unstated'}")
    for label, value in (
        ("owner", ", ".join(s.owners)),
        ("users", s.users),
        ("location", s.location or s.country),
        ("first operational", s.first_operational and s.first_operational.isoformat()),
        ("decommissioned", s.decommissioned and s.decommissioned.isoformat()),
        ("chips", s.chips and f"{fmt_si(s.chips, sig)} × {s.chip}"),
        ("other chips", s.chips2 and f"{fmt_si(s.chips2, sig)} × {s.chip2}"),
        ("H100-equivalents", s.h100e and fmt_si(s.h100e, sig)),
        ("16-bit peak", s.flops16 and fmt_rate(s.flops16, sig)),
    ):
        if value:
            sec.add(label, str(value))
    produced = s.produces(days, mfu)
    if produced is not None:
        sec.add(f"{days:g} days at {mfu:.0%}", f"{fmt_sci(produced, sig)} FLOP")
    if s.power_mw is not None:
        how = "reported" if s.power_reported_mw else "Epoch AI's estimate"
        sec.add("power", fmt_watts(s.power_mw * 1e6, sig), how)
    if ours is not None:
        sec.add("flopcast's power", fmt_watts(ours.facility_power_w.value, sig), ours.basis)
    if s.cost_usd is not None:
        how = "reported" if s.cost_reported_usd else "Epoch AI's estimate"
        sec.add("hardware cost", fmt_usd(s.cost_usd, sig), how)
    for label, names in (("superseded by", s.superseded_by), ("builds upon", s.builds_upon)):
        if names:
            sec.add(label, "; ".join(names))
    notes = Footnotes()
    if s.sources:
        sec.add("sources", " ".join(notes.mark("", u).strip() for u in s.sources))
    render("", [sec], footer=[*notes.lines(), f"Data: {answer.credit}."])


def _import(path: Path, snapshot: str | None, json_output: bool) -> None:
    from flopcast.cli.common import print_json, render
    from flopcast.systems import credit, import_csv

    res = import_csv(path, snapshot=snapshot)
    if json_output:
        print_json(res)
        return
    sec = Section("Imported")
    sec.add("rows read", str(res.rows_read))
    sec.add("systems", str(len(res.systems)))
    sec.add("saved to", str(res.saved_to))
    if res.columns_missing:
        sec.add("columns not in this file", ", ".join(res.columns_missing))
    sections = [sec]
    for title, problems in (("Rejected rows", res.rejected), ("Flagged rows", res.flagged)):
        if problems:
            p = Section(f"{title}: {len(problems)}")
            for x in problems[:15]:
                p.add(f"row {x.row}", x.name or "(no name)", x.reason)
            sections.append(p)
    render(f"GPU clusters import: {path}", sections, footer=[f"Data: {credit(res.meta)}."])


# --------------------------------------------------------------------------------------
# The power-and-cost section of `flopcast compute MODEL`


def short_notes(cost: RunCost) -> dict[str, str]:
    """A short basis for each output, for 80-column output (JSON has the long ones)."""
    from flopcast.prices import fmt_usd

    i = cost.inputs
    out = {
        "it_power_w": f"{i['tdp'].quantity.value:g} W TDP × "
        f"{i['system_overhead'].quantity.value:g} server overhead",
        "facility_power_w": f"× {i['pue'].quantity.value:g} PUE ({cost.start.year})",
        "energy_mwh": f"× {i['average_draw'].quantity.value:g} average draw × duration",
    }
    el = cost.prices["electricity"]
    out["electricity_cost_usd"] = f"{fmt_usd(el.usd.value)}/kWh ({el.basis})"
    if "hardware" in cost.prices:
        hw = cost.prices["hardware"]
        when = "given" if hw.when is None else hw.when.isoformat()
        ic = i["interconnect"].quantity.value
        out["acquisition_cost_usd"] = f"{fmt_usd(hw.usd.value)} each ({when}) × {ic:g} network"
        value = cost.get("value_at_start_usd")
        if value is not None:
            held = "" if cost.acquired >= cost.start else f", bought {cost.acquired.isoformat()}"
            out["amortized_cost_usd"] = (
                f"worth {fmt_usd(value.value)} each at the start{held}; + electricity"
            )
    if "cloud" in cost.prices:
        c = cost.prices["cloud"]
        out["cloud_cost_usd"] = f"{fmt_usd(c.usd.value)}/h, {c.basis.split(' (')[0]}"
    return out


def cost_rows(
    sec: Section, cost: RunCost, notes: Footnotes, sig: int, epoch: dict[str, float] | None = None
) -> None:
    """Rows of peak power, energy and the three costs, each with a short basis and its
    source (and, given Epoch AI's figures, theirs and the ratio)."""
    from flopcast.power import fmt_mwh, fmt_range, fmt_watts
    from flopcast.prices import fmt_usd

    short = short_notes(cost)
    rows = (
        ("IT power", "it_power_w", fmt_watts, ""),
        ("facility power", "facility_power_w", fmt_watts, "power"),
        ("energy", "energy_mwh", fmt_mwh, "power"),
        ("electricity", "electricity_cost_usd", fmt_usd, "electricity"),
        ("acquisition", "acquisition_cost_usd", fmt_usd, "hardware"),
        ("amortized", "amortized_cost_usd", fmt_usd, "cottier"),
        ("cloud", "cloud_cost_usd", fmt_usd, "cloud"),
    )
    sources = {
        "power": cost.inputs["pue"].source,
        "electricity": cost.prices["electricity"].source,
        "hardware": cost.prices["hardware"].source if "hardware" in cost.prices else "",
        "cottier": "https://arxiv.org/abs/2405.21015",
        "cloud": cost.prices["cloud"].source if "cloud" in cost.prices else "",
    }
    said: dict[str, list[str]] = {}  # why -> the outputs it leaves out
    for label, key, one, src in rows:
        q = cost.get(key)
        if q is None:
            why = cost.missing.get(key)
            if why and key != "it_power_w":
                said.setdefault(why, []).append(label)
            continue
        note = short.get(key, "")
        if epoch and key in epoch:
            note = f"Epoch AI {one(epoch[key], sig)} ({q.value / epoch[key]:.2f}x); {note}"
        mark = notes.mark("", sources.get(src, "")).strip() if src else ""
        sec.add(label, fmt_range(q, one, sig), f"{note} {mark}".strip())
    for why, labels in said.items():
        if len(labels) == 1:
            sec.add(labels[0], "–", why)
        else:
            sec.add("not shown", "–", f"{', '.join(labels)}: {why}")


def run_sections(run: TrainingRun, notes: Footnotes, sig: int) -> tuple[list[Section], list[str]]:
    """The power and cost of a catalog model's run (``compute MODEL``), Epoch AI's figures
    beside them, and its place among its developer's systems: (sections, footer lines beyond
    ``notes``); sources are marked in ``notes``."""
    from flopcast.quantity import Kind, Quantity, fmt
    from flopcast.runs import COMPARED

    cost = run.cost
    sec = Section("Power and cost of the run", subtitle=f"in {cost.dollars_year} dollars")
    hw = run.hardware
    n = "" if hw.accelerators is None else f"{_count(hw.accelerators, sig)} × "
    sec.add("hardware", f"{n}{hw.accelerator.name}", hw.origins.get("accelerator", ""))
    sec.add(
        "accelerator-hours",
        fmt(hw.accelerator_hours, Kind.COUNT, sig),
        hw.origins.get("accelerator_hours", ""),
    )
    sec.add("run starts", cost.start.isoformat(), "release - duration - 60 days")
    epoch = None
    if run.epoch is not None:
        epoch = {ours: run.epoch.figures[theirs] for ours, theirs in COMPARED.items()
                 if theirs in run.epoch.figures}  # fmt: skip
    cost_rows(sec, cost, notes, sig, epoch)
    p = run.placement
    if p is not None and p.system is not None and p.share is not None:
        since = p.system.first_operational
        sec.add(  # "67% of Meta GenAI 2024b": the run's accelerators, of the largest system
            "share of a system",
            f"{p.share:.0%} of {p.system.name}",
            f"{p.system.owners[0] if p.system.owners else 'its owner'}'s largest {p.chip} system "
            f"at release: {_count(Quantity(p.system.chips or 0), sig)} {p.chip}"
            + ("" if since is None else f", from {since.isoformat()}"),
        )
    elif p is not None:
        sec.add("its systems", "–", p.text)
    footer: list[str] = []
    if run.epoch is not None:
        footer.append(f"Power and cost figures: {run.epoch.credit}.")
    if run.placement is not None:
        from flopcast.systems import credit

        footer.append(f"Systems: {credit()}.")
    return [sec], footer


def _count(q: Any, sig: int) -> str:
    """A count as ``16,384`` below a million, else ``2.38M``; with its interval."""
    from flopcast.quantity import Kind, fmt, fmt_plain

    if not q.uncertain and q.value < 1e6:
        return fmt_plain(q.value, sig)
    return fmt(q.with_unit(""), Kind.COUNT, sig)
