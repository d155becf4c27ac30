"""What the web app computes: each function is one ``flopcast`` command's ``--json``.

Every function calls the same library functions as the command of the same name and returns
the dict the command prints with ``--json`` (same keys, same values), so ``GET
/api/compute?active=288B&tokens=30T`` and ``flopcast compute --active 288B --tokens 30T
--json`` agree. The pages render these dicts; the JSON API returns them.

What the command line reads from files or the network is refused here: a model is a catalog
name (never a path), a config.json is a catalog model, a shipped repo id or the bytes of an
upload (parsed in memory), and a scaling law is one of the named laws or ``fixed:R``.
Errors are :class:`flopcast.errors.FlopcastError`, worded as on the command line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flopcast.errors import FlopcastError

if TYPE_CHECKING:
    from flopcast.configs import ResolvedConfig
    from flopcast.figures import Model
    from flopcast.uncertainty import Sampling

#: Longest text accepted in any field (a name, a quantity, a price).
MAX_TEXT = 200
#: Monte Carlo samples: at least the library's minimum, at most twice the command's default.
MIN_SAMPLES = 100
MAX_SAMPLES = 200_000
#: Figures one comparison may name.
MAX_FIGURES = 20
#: Models one report may hold.
MAX_REPORT_MODELS = 6
#: Bytes of an uploaded config.json (the largest shipped one is under 10 KB).
MAX_UPLOAD_BYTES = 256 * 1024

_NAME = re.compile(r"^[\w .,:()+'’-]+$")
_REPO = re.compile(r"^[\w.-]+/[\w.-]+$")
_FIXED_LAW = re.compile(r"^fixed:\s*[0-9.eE+-]+$")


# ---- inputs ------------------------------------------------------------------------------


def text(value: str | None, what: str) -> str | None:
    """A text field, stripped; empty means not given. Over-long or control characters: refused."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if len(value) > MAX_TEXT:
        raise FlopcastError(f"{what} is {len(value)} characters long: at most {MAX_TEXT}")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise FlopcastError(f"{what} holds control characters: type plain text")
    return value


def sampling(samples: int, seed: int) -> Sampling:
    from flopcast.uncertainty import Sampling

    if not MIN_SAMPLES <= samples <= MAX_SAMPLES:
        raise FlopcastError(
            f"--samples {samples}: use {MIN_SAMPLES:,} to {MAX_SAMPLES:,} Monte Carlo samples"
        )
    if not 0 <= seed < 2**32:
        raise FlopcastError(f"--seed {seed}: use a whole number from 0 to {2**32 - 1}")
    return Sampling(samples=samples, seed=seed)


def catalog_model(name: str, what: str = "model") -> Model:
    """A catalog model by name (lenient, as ``flopcast show`` reads it); never a path."""
    from flopcast.catalog import model

    if not _NAME.match(name) or name.startswith((".", "~")):
        raise FlopcastError(
            f"{what} {name!r}: give a catalog model's name (letters, digits, spaces, . - _); "
            "run 'flopcast models' to list them"
        )
    return model(name)


def named_law(law: str | None) -> str | None:
    """A law's name: a shipped law or ``fixed:R`` (saved fits are files, not read here)."""
    if law is None:
        return None
    from flopcast.scaling import law_names

    if law in law_names() or _FIXED_LAW.match(law):
        return law
    raise FlopcastError(
        f"--law {law!r}: use one of {', '.join(law_names())} or fixed:R (R tokens per parameter)"
    )


# ---- commands ----------------------------------------------------------------------------


def compute(
    *,
    model: str | None = None,
    active: str | None = None,
    tokens: str | None = None,
    gpus: str | None = None,
    gpu: str | None = None,
    precision: str | None = None,
    peak: str | None = None,
    mfu: str | None = None,
    achieved: str | None = None,
    days: str | None = None,
    gpu_hours: str | None = None,
    recompute: bool = False,
    vs: list[str] | None = None,
    s: Sampling,
) -> dict[str, Any]:
    """``flopcast compute [MODEL] ... --json``."""
    from flopcast.accounting import model_compute
    from flopcast.comparison import against_json, compare
    from flopcast.regulation import threshold_verdicts
    from flopcast.training import estimate

    kw: dict[str, Any] = dict(
        active_params=active, tokens=tokens, accelerators=gpus, accelerator_name=gpu,
        precision=precision, peak=peak, utilization=mfu, achieved=achieved, duration=days,
        accelerator_hours=gpu_hours, recompute=recompute, sampling=s,
    )  # fmt: skip
    if model is None:
        est = estimate(**kw)
        comparisons = [compare(est.best, v, a_label="this run", sampling=s) for v in vs or ()]
        data = est.to_dict()
        data["thresholds"] = [v.to_dict() for v in threshold_verdicts(est.best)]
        data.update(against_json(comparisons))
        return data
    from flopcast.runs import training_run

    m = catalog_model(model)
    res = model_compute(m, **kw)
    comparisons = [compare(res.headline, v, a_label=m.name, sampling=s) for v in vs or ()]
    data = res.to_dict()
    data["thresholds"] = [v.to_dict() for v in threshold_verdicts(res.headline)]
    data["frontier_trend"] = _placement(m, res.headline.value)
    data.update(against_json(comparisons))
    run = training_run(m, res, sampling=s)
    data["training_run"] = None if run is None else run.to_dict()
    return data


def _placement(m: Model, flop: float) -> Any:
    """The model against the frontier trend at its release (None where the trend is silent)."""
    from flopcast.trends.forecast import place

    try:
        return place(m.name, m.released, flop).to_dict()
    except FlopcastError:
        return None


def compare(
    figures: list[str], *, frontier: bool = False, date: str | None = None, top: int = 3,
    s: Sampling,
) -> dict[str, Any]:  # fmt: skip
    """``flopcast compare FIGURES ... --json``."""
    from flopcast.comparison import compare_all

    if not figures:
        raise FlopcastError("give two or more compute figures or models: 5.18e25 3.8e25")
    if len(figures) > MAX_FIGURES:
        raise FlopcastError(f"{len(figures)} figures: compare at most {MAX_FIGURES} at once")
    return compare_all(figures, frontier=frontier, at=date, top=top, sampling=s).to_dict()


def frontier(*, date: str | None = None, top: int = 10) -> dict[str, Any]:
    """``flopcast frontier --json``."""
    from flopcast.frontiers import frontier as frontier_at
    from flopcast.regulation import thresholds

    data = frontier_at(date, top).to_dict()
    data["thresholds"] = [t.to_dict() for t in thresholds()]
    return data


def models(
    *,
    developer: str | None = None,
    year: int | None = None,
    arch: str | None = None,
    open_weights: bool | None = None,
    search: str | None = None,
    above: str | None = None,
    sort: str = "date",
) -> dict[str, Any]:
    """``flopcast models ... --json``."""
    from flopcast.listing import models as listing

    rows = listing(
        developer=developer, year=year, architecture=arch, open_weights=open_weights,
        search=search, above=above, sort=sort,
    )  # fmt: skip
    return rows.to_dict()


def show(name: str) -> dict[str, Any]:
    """``flopcast show NAME --json``."""
    from flopcast.accounting import headline

    m = catalog_model(name)
    return {**m.to_dict(), "headline": headline(m).to_dict()}


def cluster(
    *,
    gpus: str | None = None,
    power: str | None = None,
    gpu: str | None = None,
    days: str | None = None,
    compute: str | None = None,
    mfu: str | None = None,
    achieved: str | None = None,
    peak: str | None = None,
    precision: str | None = None,
    date: str | None = None,
    dollars: int | None = None,
    tdp: str | None = None,
    overhead: str | None = None,
    pue: str | None = None,
    gpu_price: str | None = None,
    cloud_price: str | None = None,
    electricity_price: str | None = None,
    cloud_term: str = "3-year",
    law: str = "fixed:40",
    s: Sampling,
) -> dict[str, Any]:
    """``flopcast cluster ... --json``."""
    import dataclasses

    from flopcast.clusters import cluster as cluster_of

    law = named_law(law) or "fixed:40"
    site = None
    if (gpus is None) == (power is None):
        raise FlopcastError("give the cluster's size: --gpus 100K, or a site's power: --power 1GW")
    if power is not None:
        from flopcast.power import accelerators_for_power

        if gpu is None:
            raise FlopcastError("--power needs the accelerator: add --gpu NAME (e.g. --gpu gb200)")
        site = accelerators_for_power(
            power, gpu, at=date, tdp=tdp, overhead=overhead, pue=pue, sampling=s
        )
    untimed = days is None and compute is None and gpu is not None
    res = cluster_of(
        accelerators=site.accelerators if site is not None else gpus or "",
        accelerator_name=gpu,
        precision=precision,
        peak=peak,
        utilization=mfu,
        achieved=achieved,
        duration="1d" if untimed else days,
        compute=compute,
        sampling=s,
    )
    if untimed:  # no duration: its throughput, power and purchase price only
        inputs = {k: v for k, v in res.inputs.items() if k != "duration"}
        res = dataclasses.replace(res, total=None, inputs=inputs)
    cost = _cluster_cost(
        res, date=date, dollars=dollars, tdp=tdp, overhead=overhead, pue=pue,
        gpu_price=gpu_price, cloud_price=cloud_price, electricity_price=electricity_price,
        cloud_term=cloud_term, s=s, power=power,
    )  # fmt: skip
    data: dict[str, Any] = res.to_dict()
    if cost is not None and not isinstance(cost, str):
        data.update(cost.to_dict())
    if site is not None:
        data["site"] = site.to_dict()
    if site is not None and res.total is not None:
        from flopcast.scaling import optimal

        data["compute_optimal"] = optimal(law, res.total.value).to_dict()
    return data


def _cluster_cost(res: Any, *, power: str | None, s: Sampling, **kw: Any) -> Any:
    """The cluster's power, energy and cost where the accelerator is known (or why not), as
    ``flopcast cluster`` works them out."""
    from flopcast.cost import run_cost

    if res.accelerator is None:
        return None
    duration = res.inputs["duration"].quantity if "duration" in res.inputs else None
    if duration is None:
        duration = res.duration_for_compute
    try:
        return run_cost(
            res.accelerator,
            accelerators=None if power is not None else res.inputs["accelerators"].quantity,
            power=power,
            duration=duration,
            at=kw["date"],
            sampling=s,
            **{k: v for k, v in kw.items() if k != "date"},
        )
    except FlopcastError as exc:
        given = [kw[k] for k in ("date", "tdp", "overhead", "pue", "gpu_price", "cloud_price")]
        if power is None and all(x is None for x in given) and "TDP" in str(exc):
            return str(exc)  # e.g. a TPU: its output is still worth showing, and why no power
        raise


def optimal(
    *,
    model: str | None = None,
    compute: str | None = None,
    law: str = "fixed:40",
    moe: str = "default",
    sparsity: float | None = None,
    sparsity_from: str = "params",
) -> dict[str, Any]:
    """``flopcast optimal [MODEL] ... --json``."""
    from flopcast.quantity import Kind, parse
    from flopcast.scaling import optimal as optimal_for

    law = named_law(law) or "fixed:40"
    sp = None
    if model is not None:
        from flopcast.accounting import model_compute
        from flopcast.model_optimality import optimality

        m = catalog_model(model)
        c: Any = compute if compute is not None else model_compute(m).headline.value
        if sparsity is None and m.is_moe:
            sp = optimality(m, sparsity_from=_sparsity_from(sparsity_from)).report.sparsity
    elif compute is None:
        raise FlopcastError("give a budget (--compute 5.2e25) or a model name")
    else:
        c = compute
    budget = parse(c, Kind.FLOP, what="--compute").value
    chosen = sparsity if sparsity is not None else sp
    return optimal_for(law, budget, sparsity=chosen, moe=_moe(moe)).to_dict()


def _moe(text: str) -> str | float:
    try:
        return float(text)
    except ValueError:
        return text


def _sparsity_from(text: str) -> Any:
    if text not in ("params", "experts"):
        raise FlopcastError(f"--sparsity-from {text!r}: use params or experts")
    return text


def overtrain(
    *,
    model: str | None = None,
    active: str | None = None,
    total: str | None = None,
    tokens: str | None = None,
    law: str = "fixed:40",
    moe: str = "default",
    sparsity: float | None = None,
    sparsity_from: str = "params",
    s: Sampling,
) -> dict[str, Any]:
    """``flopcast overtrain [MODEL] ... --json``."""
    from flopcast.model_optimality import optimality

    m = catalog_model(model) if model is not None else None
    o = optimality(
        m, active_params=active, total_params=total, tokens=tokens, law=named_law(law) or law,
        moe=_moe(moe), sparsity=sparsity, sparsity_from=_sparsity_from(sparsity_from),
        sampling=s,
    )  # fmt: skip
    return o.to_dict()


def laws() -> dict[str, Any]:
    """``flopcast laws --json``."""
    from flopcast.scaling import get_law, law_names

    return {"laws": [get_law(n).to_dict() for n in law_names()]}


def hardware(name: str | None = None) -> dict[str, Any]:
    """``flopcast hardware [NAME] --json``."""
    from flopcast.hardware import accelerator, accelerators

    if name is not None:
        return accelerator(name).to_dict()
    return {"accelerators": [a.to_dict() for a in accelerators()]}


def _spec(
    model: str | None, total: str | None, active: str | None, kv_per_token: int | None,
    text_only: bool,
) -> Any:  # fmt: skip
    from flopcast.inference import model_spec

    name = None if model is None else catalog_model(model).id
    return model_spec(
        name, total=total, active=active, kv_bytes_per_token=kv_per_token, text_only=text_only
    )


def memory(
    *,
    model: str | None = None,
    quant: str | None = None,
    context: str = "8192",
    kv_dtype: str = "bf16",
    sequences: int = 1,
    overhead: float = 1.0,
    total: str | None = None,
    active: str | None = None,
    kv_per_token: int | None = None,
    text_only: bool = False,
) -> dict[str, Any]:
    """``flopcast memory [MODEL] ... --json``."""
    from flopcast.inference import memory as memory_of
    from flopcast.inference import parse_context

    ctx = parse_context(context)
    spec = _spec(model, total, active, kv_per_token, text_only)
    return memory_of(spec, quant, ctx, kv_dtype, sequences, overhead).to_dict()


def local(
    *,
    model: str | None = None,
    quant: str | None = None,
    context: str = "8192",
    on: str | None = None,
    kv_dtype: str = "bf16",
    sequences: int = 1,
    overhead: float = 1.0,
    os_reserve: float | None = None,
    ram: float | None = None,
    total: str | None = None,
    active: str | None = None,
    kv_per_token: int | None = None,
    text_only: bool = False,
) -> dict[str, Any]:
    """``flopcast local [MODEL] ... --json``: every machine, or one (``on``) with the best
    format and the longest context that fit it."""
    from flopcast.inference import best_format, fit, fit_table, machine, parse_context
    from flopcast.inference import memory as memory_of

    ctx = parse_context(context)
    spec = _spec(model, total, active, kv_per_token, text_only)
    mach = machine(on) if on is not None else None
    est = memory_of(spec, quant, ctx, kv_dtype, sequences, overhead)
    if mach is None:
        rows = fit_table(est, os_reserve_gb=os_reserve, host_ram_gb=ram)
        return {
            "memory": est.to_dict(),
            "machines": [r.to_dict() for r in rows],
            "warnings": list(est.warnings),
        }
    one = fit(est, mach, os_reserve_gb=os_reserve, host_ram_gb=ram)
    choice = best_format(
        est.model, mach, est.context, kv_dtype=est.kv.dtype, sequences=est.sequences,
        overhead_gb=est.overhead_per_device / 1e9, os_reserve_gb=os_reserve, host_ram_gb=ram,
    )  # fmt: skip
    return {
        "memory": est.to_dict(),
        "fit": one.to_dict(),
        "best": choice.to_dict(),
        "warnings": list(est.warnings),
    }


def machines() -> list[dict[str, Any]]:
    """The machines ``local`` checks against (ids and names), for the pages' choices."""
    from flopcast.inference import machines as all_machines

    return [{"id": m.id, "name": m.name} for m in all_machines()]


def _shipped_path(resolved: ResolvedConfig) -> dict[str, Any]:
    """``ResolvedConfig.to_dict()`` with the file named inside the package, not on this disk."""
    data = resolved.to_dict()
    if data.get("path"):
        from pathlib import Path

        path = Path(str(data["path"]))
        data["path"] = f"data/configs/{path.name}" if path.parent.name == "configs" else None
    return data


def arch(
    config: str | None = None,
    *,
    context: str | int = "8192",
    kv_dtype: str = "bf16",
    layers: bool = False,
) -> dict[str, Any]:
    """``flopcast arch CONFIG ... --json`` for a catalog model or a shipped repo id."""
    from flopcast.configs import config_for_model, config_for_repo

    if config is None:
        raise FlopcastError("give a CONFIG (a catalog model or a shipped repo id), or upload one")
    if _REPO.match(config):
        resolved = config_for_repo(config)
        if resolved is None:
            raise FlopcastError(
                f"{config}: flopcast ships no config.json for it; upload the config.json instead"
            )
    else:
        m = catalog_model(config, "config")
        resolved = config_for_model(m)
        if resolved is None:
            raise FlopcastError(
                f"{m.name}: flopcast ships no config.json for it (closed weights?); upload a "
                "config.json instead"
            )
    label = resolved.repo or config
    return _arch_dict(resolved.config, label, _shipped_path(resolved), context, kv_dtype, layers)


def parse_config(body: bytes) -> dict[str, Any]:
    """An uploaded config.json, parsed in memory: bounded in size and depth."""
    from flopcast.store import decode_text, parse_json

    what = "the uploaded config.json"
    if len(body) > MAX_UPLOAD_BYTES:
        raise FlopcastError(f"{what} is over {MAX_UPLOAD_BYTES // 1024} KB: is it a config.json?")
    if not body.strip():
        raise FlopcastError(f"{what} is empty: choose a model's config.json")
    config = parse_json(decode_text(body, what), what)
    if not isinstance(config, dict):
        raise FlopcastError(f"{what} is not a JSON object: a config.json starts with {{")
    return config  # the sizes it states are bounded where they are read (flopcast.arch)


def arch_upload(
    body: bytes, *, context: str | int = "8192", kv_dtype: str = "bf16", layers: bool = False
) -> dict[str, Any]:
    """``flopcast arch config.json --json`` for an uploaded config.json."""
    from flopcast.configs import resolve_config

    config = parse_config(body)
    resolved = resolve_config(config)
    return _arch_dict(config, "uploaded config.json", resolved.to_dict(), context, kv_dtype, layers)


def _arch_dict(
    config: Mapping[str, Any], label: str, origin: dict[str, Any], context: str | int,
    kv_dtype: str,
    layers: bool,
) -> dict[str, Any]:  # fmt: skip
    from flopcast.arch import from_config
    from flopcast.quantity import parse_context

    tokens = parse_context(context)
    breakdown = from_config(config)
    breakdown.kv_cache_bytes_per_token(kv_dtype)  # validates the dtype
    data = breakdown.to_dict(context=tokens, kv_dtype=kv_dtype, layers=layers)
    data["config"] = label
    data["config_origin"] = origin
    return data


def report_of(names: list[str], *, law: str | None = None, moe: str | None = None) -> Any:
    """``flopcast report NAMES``: the :class:`~flopcast.reporting.document.Report`."""
    from flopcast.reporting.build import build

    if len(names) > MAX_REPORT_MODELS:
        raise FlopcastError(f"{len(names)} models: a report holds at most {MAX_REPORT_MODELS}")
    for n in names:
        if not _NAME.match(n):
            raise FlopcastError(f"{n!r}: give catalog model or family names")
    return build(list(names), law=named_law(law), moe=moe)


def report(names: list[str], *, law: str | None = None, moe: str | None = None) -> dict[str, Any]:
    """``flopcast report NAMES --json``."""
    return dict(report_of(names, law=law, moe=moe).to_dict())
