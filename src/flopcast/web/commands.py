"""The commands the web app offers, each with its inputs, declared once.

An input is named as on the command line without its dashes (``--gpu-hours`` is
``gpu-hours``), so a URL reads like the command: ``/api/compute?active=288B&tokens=30T`` is
``flopcast compute --active 288B --tokens 30T``. The JSON API builds its typed query
parameters (and its OpenAPI description) from these declarations; the pages read the same
names from their forms with :func:`read_inputs`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flopcast.errors import FlopcastError
from flopcast.settings import DEFAULT_SAMPLES, DEFAULT_SEED
from flopcast.web import data
from flopcast.web.data import MAX_SAMPLES, MAX_TEXT, MIN_SAMPLES


@dataclass(frozen=True)
class Input:
    """One input of a command: its name in URLs, type, default, bounds and help."""

    name: str
    kind: type = str  # str, int, float, bool, or list (several values of one name)
    default: Any = None
    help: str = ""
    ge: float | None = None
    le: float | None = None
    choices: tuple[str, ...] = ()
    keyword: str = ""  # the function's keyword, where it is not the name with "_" for "-"

    @property
    def key(self) -> str:
        """The keyword of the library call: ``gpu-hours`` → ``gpu_hours``."""
        return self.keyword or self.name.replace("-", "_")


@dataclass(frozen=True)
class Command:
    """A command: the function that computes its ``--json`` and its inputs."""

    name: str
    summary: str
    run: Callable[..., Any]
    inputs: tuple[Input, ...] = ()
    heavy: bool = False  # runs in one of the few heavy slots
    sampled: bool = False  # takes samples and seed (Monte Carlo)
    path_input: str | None = None  # an input given in the path: /api/models/{name}
    extra: dict[str, str] = field(default_factory=dict)

    def all_inputs(self) -> tuple[Input, ...]:
        if not self.sampled:
            return self.inputs
        return (*self.inputs, SAMPLES, SEED)

    def call(self, values: Mapping[str, Any]) -> Any:
        """Run the command on checked inputs (the keywords of :meth:`all_inputs`)."""
        kwargs = {i.key: values.get(i.key, i.default) for i in self.inputs}
        for i in self.inputs:
            if i.kind is str:
                kwargs[i.key] = data.text(kwargs[i.key], f"--{i.name}")
                if kwargs[i.key] is None and i.default is not None:
                    kwargs[i.key] = i.default
            elif i.kind is list:
                kwargs[i.key] = [
                    t for v in kwargs[i.key] or () if (t := data.text(v, i.name)) is not None
                ]
        if self.sampled:
            kwargs["s"] = data.sampling(
                int(values.get("samples", DEFAULT_SAMPLES)), int(values.get("seed", DEFAULT_SEED))
            )
        return self.run(**kwargs)


SAMPLES = Input(
    "samples", int, DEFAULT_SAMPLES, "Monte Carlo samples for 90% intervals.", MIN_SAMPLES,
    MAX_SAMPLES,
)  # fmt: skip
SEED = Input("seed", int, DEFAULT_SEED, "Random seed of the Monte Carlo samples.", 0, 2**32 - 1)

_MODEL = Input("model", help="A catalog model (its figures are used; inputs override them).")
_LAW = Input(
    "law", str, "fixed:40", "Scaling law: hoffmann2022, epoch2024, llama3, ..., or fixed:R."
)
_MOE = Input("moe", str, "default", "MoE multiplier m(S): default, ludziejewski2025, none, or x.")
_SPARSITY = Input("sparsity", float, None, "Sparsity S of a 1:S mixture-of-experts.", 1, 1e6)
_SPARSITY_FROM = Input(
    "sparsity-from", str, "params", "For a catalog MoE: params or experts.",
    choices=("params", "experts"),
)  # fmt: skip
_CONTEXT = Input("context", str, "8192", "Context length: 8192, 32k, 128k (k = 1,024).")
_KV = Input("kv-dtype", str, "bf16", "KV-cache type: bf16, fp8, q8_0, q4_0, f32.")
_SEQUENCES = Input("sequences", int, 1, "Concurrent sequences.", 1, 100_000)
_OVERHEAD = Input("overhead", float, 1.0, "Runtime overhead per device, GB.", 0, 1000)
_TOTAL = Input("total", help="Total parameters instead of a config: 109B.")
_ACTIVE_LOCAL = Input("active", help="Active parameters per token: 17B.")
_KV_TOKEN = Input("kv-per-token", int, None, "KV bytes per token (16 bits), no config.", 1, 2**31)
_TEXT_ONLY = Input("text-only", bool, False, "Leave a vision tower out of the weights.")
_QUANT = Input("quant", help="Weight format: native, bf16, fp8, int4, q4_k_m, 4.5bpw, ...")

COMPUTE_INPUTS = (
    _MODEL,
    Input("active", help="Active parameters per token: 17B, 250B..330B."),
    Input("tokens", help="Training tokens: 22T, 30T..40T, 30T[30T..40T]."),
    Input("gpus", help="Number of accelerators: 32K."),
    Input("gpu", help="Accelerator: h100, a100-80gb, tpu-v5p."),
    Input("precision", help="Precision of the dense peak (default bf16)."),
    Input("peak", help="Dense peak FLOP/s per accelerator: 989.4T."),
    Input("mfu", help="Utilization of the dense peak: 0.4 or 40%."),
    Input("achieved", help="Achieved FLOP/s per accelerator: 390T."),
    Input("days", help="Training duration: 90, 90d, 3 months."),
    Input("gpu-hours", help="Accelerator-hours instead of gpus and days."),
    Input("recompute", bool, False, "Count full activation recomputation (8·N·D)."),
    Input("vs", list, None, "Compare with other compute figures or models, repeated: vs=3.8e25."),
)

COMMANDS: dict[str, Command] = {
    c.name: c
    for c in (
        Command(
            "compute",
            "Training compute by 6·N·D and by hardware, reconciled (flopcast compute).",
            data.compute,
            COMPUTE_INPUTS,
            sampled=True,
        ),
        Command(
            "compare",
            "Compare compute figures or models, in numbers and words (flopcast compare).",
            data.compare,
            (
                Input("figures", list, None, "Figures or models, repeated: figures=5.18e25."),
                Input("frontier", bool, False, "Also against the largest runs before it."),
                Input("date", help="Frontier date for a figure (YYYY-MM-DD)."),
                Input("top", int, 3, "How many frontier models.", 1, 50),
            ),
            sampled=True,
        ),
        Command(
            "frontier",
            "The largest known training runs up to a date (flopcast frontier).",
            data.frontier,
            (
                Input("date", help="Up to this date (YYYY-MM-DD); default today."),
                Input("top", int, 10, "How many models to list.", 1, 500),
            ),
        ),
        Command(
            "cluster",
            "What N accelerators (or a site's power) produce, draw and cost (flopcast cluster).",
            data.cluster,
            (
                Input("gpus", help="Number of accelerators: 100K."),
                Input("power", help="Instead of gpus: a site's power, 1GW."),
                Input("gpu", help="Accelerator: h100, gb200."),
                Input("days", help="Duration: 90, 90d, 3 months."),
                Input("compute", help="A training budget to time: 5.2e25."),
                Input("mfu", help="Utilization of the dense peak: 40%."),
                Input("achieved", help="Achieved FLOP/s per accelerator: 390T."),
                Input("peak", help="Dense peak FLOP/s per accelerator."),
                Input("precision", help="Precision of the dense peak (default bf16)."),
                Input("date", help="Prices and power at this date (YYYY-MM-DD)."),
                Input("dollars", int, None, "Costs in this year's dollars.", 1900, 2200),
                Input("tdp", help="Chip TDP instead of the table's: 700W."),
                Input("overhead", help="Server and network power ÷ TDP (1.82)."),
                Input("pue", help="The data centre's PUE (1.1)."),
                Input("gpu-price", help="Per accelerator with server: '$30K 2024'."),
                Input("cloud-price", help="Per accelerator-hour: '$2.5/h 2025'."),
                Input("electricity-price", help="'$0.08/kWh 2024'."),
                Input(
                    "cloud-term",
                    str,
                    "3-year",
                    "on-demand, 1-year or 3-year.",
                    choices=("on-demand", "1-year", "3-year"),
                ),
                _LAW,
            ),
            sampled=True,
        ),
        Command(
            "models",
            "The model catalog, filtered and sorted (flopcast models).",
            data.models,
            (
                Input("developer", help="e.g. meta"),
                Input("year", int, None, "Release year.", 1900, 2200),
                Input("arch", str, None, "dense or moe.", choices=("dense", "moe")),
                Input(
                    "open",
                    bool,
                    None,
                    "Only open-weights (true) or closed (false) models.",
                    keyword="open_weights",
                ),
                Input("search", help="Text search."),
                Input("above", help="Only models above this compute: 1e25."),
                Input(
                    "sort",
                    str,
                    "date",
                    "date, compute, params or name.",
                    choices=("date", "compute", "params", "name"),
                ),
            ),
        ),
        Command(
            "show",
            "One model: every figure with its source and range (flopcast show).",
            data.show,
            (Input("name", help="A model: maverick, deepseek-v3."),),
            path_input="name",
        ),
        Command(
            "optimal",
            "The compute-optimal model for a budget (flopcast optimal).",
            data.optimal,
            (
                Input("model", help="Use a catalog model's compute."),
                Input("compute", help="Training budget: 5.2e25."),
                _LAW,
                _MOE,
                _SPARSITY,
                _SPARSITY_FROM,
            ),
        ),
        Command(
            "overtrain",
            "Overtraining factor and its cost, under every law (flopcast overtrain).",
            data.overtrain,
            (
                Input("model", help="A catalog model."),
                Input("active", help="Active parameters: 17B."),
                Input("total", help="Total parameters (MoE): 400B."),
                Input("tokens", help="Tokens: 22T."),
                _LAW,
                _MOE,
                _SPARSITY,
                _SPARSITY_FROM,
            ),
            sampled=True,
        ),
        Command("laws", "The scaling laws flopcast ships (flopcast laws).", data.laws),
        Command(
            "hardware",
            "Accelerators: dense peak FLOP/s, memory, sources (flopcast hardware).",
            data.hardware,
            (Input("name", help="An accelerator: h100, 'tpu v5p'; none lists all."),),
        ),
        Command(
            "memory",
            "Memory to run a model: weights, KV cache, overhead (flopcast memory).",
            data.memory,
            (
                Input("model", help="A catalog model; optional with total."),
                _QUANT,
                _CONTEXT,
                _KV,
                _SEQUENCES,
                _OVERHEAD,
                _TOTAL,
                _ACTIVE_LOCAL,
                _KV_TOKEN,
                _TEXT_ONLY,
            ),
            heavy=True,
        ),
        Command(
            "local",
            "Can I run it? A model against machines (flopcast local).",
            data.local,
            (
                Input("model", help="A catalog model; optional with total."),
                _QUANT,
                _CONTEXT,
                Input("on", help="One machine: 'rtx 4090', '8x h100', '2x rtx 3090', 'cpu 128gb'."),
                _KV,
                _SEQUENCES,
                _OVERHEAD,
                Input(
                    "os-reserve",
                    float,
                    None,
                    "Memory the OS keeps, GB (default per kind of machine).",
                    0,
                    10_000,
                ),
                Input("ram", float, None, "Host RAM for CPU offload, GB.", 1, 100_000),
                _TOTAL,
                _ACTIVE_LOCAL,
                _KV_TOKEN,
                _TEXT_ONLY,
            ),
            heavy=True,
        ),
        Command(
            "arch",
            "Exact parameters, FLOPs and KV cache from a config.json (flopcast arch): a "
            "catalog model or a shipped repo id; POST a config.json to count your own.",
            data.arch,
            (
                Input("config", help="A catalog model or a shipped repo id (org/name)."),
                Input("context", str, "8192", "Context for FLOPs and KV cache: 8192, 32k, 1M."),
                Input("kv-dtype", str, "bf16", "KV-cache dtype: bf16, fp8, fp32."),
                Input("layers", bool, False, "Include the per-layer table."),
            ),
        ),
        Command(
            "report",
            "The whole analysis of models or a family (flopcast report).",
            data.report,
            (
                Input("names", list, None, "Models or families, repeated: names=llama-4."),
                Input("law", help="Scaling law for the verdict (default fixed:40)."),
                Input("moe", help="MoE multiplier m(S)."),
            ),
            heavy=True,
        ),
    )
}


def _one(raw: Mapping[str, Sequence[str]] | Any, name: str) -> str | None:
    values = raw.getlist(name) if hasattr(raw, "getlist") else raw.get(name)
    if values is None or isinstance(values, str):
        return values
    return values[-1] if values else None


def read_inputs(command: Command, raw: Any) -> dict[str, Any]:
    """A form's or URL's fields (``request.query_params``) as the command's keywords.

    Empty fields are not given; a number out of bounds, a flag that is not one, or an
    unknown choice is a :class:`FlopcastError` naming the input as the command line does.
    """
    out: dict[str, Any] = {}
    for i in command.all_inputs():
        if i.kind is list:
            values = raw.getlist(i.name) if hasattr(raw, "getlist") else raw.get(i.name, [])
            out[i.key] = [v for v in values if v.strip()]
            continue
        value = _one(raw, i.name)
        if value is None or not value.strip():
            continue
        value = value.strip()
        if len(value) > MAX_TEXT:
            raise FlopcastError(f"--{i.name} is {len(value)} characters long: at most {MAX_TEXT}")
        out[i.key] = convert(i, value)
    return out


def _number(i: Input, text: str) -> float:
    try:
        number: float = int(text) if i.kind is int else float(text)
    except ValueError:
        what = "a whole number" if i.kind is int else "a number"
        raise FlopcastError(f"--{i.name} {text!r}: write {what}") from None
    low = float("-inf") if i.ge is None else i.ge
    high = float("inf") if i.le is None else i.le
    if not low <= number <= high:  # NaN included
        raise FlopcastError(f"--{i.name} {text}: use {low:g} to {high:g}")
    return number


def convert(i: Input, value: str) -> Any:
    """One field's text as the input's type, within its bounds."""
    if i.kind is bool:
        low = value.lower()
        if low in ("1", "true", "on", "yes"):
            return True
        if low in ("0", "false", "off", "no"):
            return False
        raise FlopcastError(f"--{i.name} {value!r}: write true or false")
    if i.kind in (int, float):
        return _number(i, value)
    if i.choices and value not in i.choices:
        raise FlopcastError(f"--{i.name} {value!r}: use one of {', '.join(i.choices)}")
    return value
