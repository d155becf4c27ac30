"""The report's "running it locally" section, from :mod:`flopcast.inference`.

Memory needs every parameter (all experts of a mixture of experts); decode speed depends on the
parameters read per token (the active ones). The section says both, for common formats against
common machines. The machines and formats shown are listed in ``data/defaults.toml``.
"""

from __future__ import annotations

from flopcast.datafiles import load_toml
from flopcast.errors import FlopcastError
from flopcast.figures import Model
from flopcast.reporting.document import Section, Sources, Table
from flopcast.reporting.prose import si


def _gb(x: float) -> str:
    return f"{x / 1e9:,.0f} GB" if x >= 10e9 else f"{x / 1e9:.1f} GB"


def local_section(m: Model, sources: Sources) -> Section | None:
    """Memory at common formats against common machines, and decode-speed bounds."""
    import flopcast.inference as mem

    cfg = load_toml("defaults.toml")["report_local"]
    try:
        spec = mem.model_spec(m.id)
    except FlopcastError:
        return None
    context = int(cfg["context"])
    machines = [mem.machine(name) for name in cfg["machines"]]
    headline = mem.memory(spec, str(cfg["headline_format"]), context)
    s: list[str] = []
    how = (
        "estimated from the catalog's parameter counts"
        if spec.estimate
        else "counted from its config.json"
    )
    s.append(
        f"Memory needs every parameter: {si(spec.total_params)} ({how}), while each token reads "
        f"only the {si(spec.active_params)} active ones."
    )
    fits = [mem.fit(headline, x) for x in machines]
    yes = [f.machine.name for f in fits if f.verdict == "fits"]
    helped = ("fits_if_limit_raised", "fits_with_offload")
    maybe = [f"{f.machine.name} ({f.label})" for f in fits if f.verdict in helped]
    no = [f.machine.name for f in fits if f.verdict == "does_not_fit"]
    fmt_name = headline.weights.format.name
    s.append(
        f"At {fmt_name} its weights take {_gb(headline.weights.bytes)}, "
        f"{_gb(headline.total)} with the KV cache for {context:,} tokens and runtime overhead."
    )
    if yes:
        s.append(f"That fits {_list(yes)}.")
    if maybe:
        s.append(f"Only with help: {_list(maybe)}.")
    if no:
        s.append(f"It does not fit {_list(no)}.")
    # the fastest single box it fits on, as the example of a decode-speed bound
    single = [f for f in fits if f.fits and f.decode_tokens_per_s and f.machine.devices == 1]
    fastest = max(single, key=lambda f: f.decode_tokens_per_s or 0.0, default=None)
    if fastest is not None and fastest.decode_tokens_per_s:
        per_token = headline.decode_bytes_per_token
        s.append(
            f"Decoding reads about {_gb(per_token)} per token, so memory bandwidth bounds it at "
            f"{fastest.decode_tokens_per_s:,.0f} tokens/s on {fastest.machine.name} (an upper "
            "bound; real decoders reach a fraction of it)."
        )
    rows = []
    formats = [str(f) for f in cfg["formats"]]
    for fname in formats:
        try:
            est = mem.memory(spec, fname, context)
        except FlopcastError:
            continue
        verdicts = [mem.fit(est, x, remedies=False).label for x in machines]
        rows.append((est.weights.format.name, _gb(est.total), *verdicts))
    table = Table(
        f"Fits? Weights + KV cache ({context:,} tokens) + overhead",
        ("format", "memory", *(_short(x.name) for x in machines)),
        tuple(rows),
    )
    for x in machines:
        if x.source:
            sources.cite(f"Machine: {x.name}", x.source)
    data = {
        "headline": headline.to_dict(),
        "fits": [f.to_dict() for f in fits],
    }
    return Section("local", "Running it locally", tuple(s), (table,), data)


def _short(name: str) -> str:
    """A machine's name without its form factor, for a table header."""
    for word in (" desktop", " workstation"):
        name = name.replace(word, "")
    return name


def _list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
