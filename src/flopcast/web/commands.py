"""The commands the web app offers, each with its inputs, declared once.

An input is named as on the command line without its dashes (``--gpu-hours`` is
``gpu-hours``), so a URL reads like the command: ``/api/compute?active=288B&tokens=30T`` is
``flopcast compute --active 288B --tokens 30T``; its keyword is the keyword of the command's
answer (:mod:`flopcast.answers`), the function the command line calls too. The JSON API builds
its typed query parameters (and its OpenAPI description) from these declarations; the pages
read the same names from their forms with :func:`read_inputs`. What only the web app checks
(no paths, smaller caps) is in :mod:`flopcast.web.inputs`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flopcast.errors import FlopcastError
from flopcast.settings import DEFAULT_SAMPLES, DEFAULT_SEED
from flopcast.web import inputs as checks
from flopcast.web.inputs import MAX_SAMPLES, MAX_TEXT, MIN_SAMPLES, Guard

#: What ``flopcast plot`` draws (flopcast.answers.plot.PLOT_KINDS, without importing it).
PLOT_KINDS = ("timeline", "tokens-per-param", "memory", "trend")


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
    keyword: str = ""  # the answer's keyword, where it is not the name with "_" for "-"

    @property
    def key(self) -> str:
        """The keyword of the answer: ``gpu-hours`` → ``gpu_hours``."""
        return self.keyword or self.name.replace("-", "_")


@dataclass(frozen=True)
class Command:
    """A command: the answer it runs (by command name, :data:`flopcast.answers.ANSWERS`), its
    inputs, and what the web app checks before it runs it."""

    name: str
    summary: str
    inputs: tuple[Input, ...] = ()
    heavy: bool = False  # runs in one of the few heavy slots
    sampled: bool = False  # takes samples and seed (Monte Carlo)
    path_input: str | None = None  # an input given in the path: /api/models/{name}
    guard: Guard | None = None  # the web's own checks, on the answer's keywords
    upload: str | None = None  # the keyword a POSTed body goes to (a file, in memory)
    get: bool = True  # answered on GET (without an upload)
    answer: str = ""  # the answer's command, where it is not this command's name
    image: bool = False  # answered with the answer's SVG, not its JSON
    path: str = ""  # its address, where it is not /api/NAME

    @property
    def address(self) -> str:
        """Where the JSON API answers it: ``/api/compute``, ``/api/models/{name}``."""
        if self.path:
            return self.path
        tail = f"/{{{self.path_input}}}" if self.path_input else ""
        return f"/api/{self.name}{tail}"

    def all_inputs(self) -> tuple[Input, ...]:
        if not self.sampled:
            return self.inputs
        return (*self.inputs, SAMPLES, SEED)

    def keywords(self, values: Mapping[str, Any], body: bytes | None = None) -> dict[str, Any]:
        """The answer's keywords for checked inputs (the keys of :meth:`all_inputs`), and a
        POSTed body; refused here when the web app does not take them."""
        kwargs = {i.key: values.get(i.key, i.default) for i in self.inputs}
        for i in self.inputs:
            if i.kind is str:
                kwargs[i.key] = checks.text(kwargs[i.key], f"--{i.name}")
                if kwargs[i.key] is None and i.default is not None:
                    kwargs[i.key] = i.default
            elif i.kind is list:
                kwargs[i.key] = [
                    t for v in kwargs[i.key] or () if (t := checks.text(v, i.name)) is not None
                ]
        if self.sampled:
            samples = int(values.get("samples", DEFAULT_SAMPLES))
            seed = int(values.get("seed", DEFAULT_SEED))
            checks.check_sampling(samples, seed)
            kwargs["samples"], kwargs["seed"] = samples, seed
        if self.upload is not None and body is not None:
            kwargs[self.upload] = body
        if self.guard is not None:
            self.guard(kwargs)
        return kwargs

    def call(self, values: Mapping[str, Any], body: bytes | None = None) -> Any:
        """The command's ``--json`` for checked inputs: its answer's ``.to_dict()`` (for an
        image, its SVG text)."""
        from flopcast.answers import answer_function

        kwargs = self.keywords(values, body)
        answer = answer_function(self.answer or self.name)(**kwargs)
        return answer.svg() if self.image else answer.to_dict()


SAMPLES = Input(
    "samples", int, DEFAULT_SAMPLES, "Monte Carlo samples for 90% intervals.", MIN_SAMPLES,
    MAX_SAMPLES,
)  # fmt: skip
SEED = Input("seed", int, DEFAULT_SEED, "Random seed of the Monte Carlo samples.", 0, 2**32 - 1)

_MODEL = Input("model", help="A catalog model (its figures are used; inputs override them).")
_LAW = Input("law", help="Scaling law: hoffmann2022, epoch2024, llama3, ..., or fixed:R.")
_MOE = Input("moe", str, "default", "MoE multiplier m(S): default, ludziejewski2025, none, or x.")
_SPARSITY = Input("sparsity", float, None, "Sparsity S of a 1:S mixture-of-experts.", 1, 1e6)
_SPARSITY_FROM = Input(
    "sparsity-from", str, "params", "For a catalog MoE: params or experts.",
    choices=("params", "experts"),
)  # fmt: skip
_CONTEXT = Input("context", help="Context length: 8192 (default), 32k, 128k (k = 1,024).")
_KV = Input("kv-dtype", str, "bf16", "KV-cache type: bf16, fp8, q8_0, q4_0, f32.")
_SEQUENCES = Input("sequences", int, 1, "Concurrent sequences.", 1, 100_000)
_OVERHEAD = Input("overhead", float, None, "Runtime overhead per device, GB (default 1).", 0, 1000)
_TOTAL = Input("total", help="Total parameters instead of a config: 109B.")
_ACTIVE_LOCAL = Input("active", help="Active parameters per token: 17B.")
_KV_TOKEN = Input("kv-per-token", int, None, "KV bytes per token (16 bits), no config.", 1, 10**9)
_TEXT_ONLY = Input("text-only", bool, False, "Leave a vision tower out of the weights.")
_QUANT = Input("quant", help="Weight format: native, bf16, fp8, int4, q4_k_m, 4.5bpw, ...")
_MAX_DEGREE = 1 << 20  # a parallel degree, a layer count or a width: far above any real one

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

PLAN_INPUTS = (
    Input("model", help="A catalog model with a shipped config.json; or total, active, "
          "layers, hidden and heads."),
    Input("gpus", help="Number of GPUs: 8, 512, 16384 (with search: the cluster to fill)."),
    Input("gpu", help="Accelerator (default h100)."),
    Input("tp", int, None, "Tensor-parallel degree.", 1, _MAX_DEGREE),
    Input("pp", int, None, "Pipeline-parallel stages.", 1, _MAX_DEGREE),
    Input("dp", int, None, "Data-parallel degree (default: the rest).", 1, _MAX_DEGREE),
    Input("cp", int, None, "Context-parallel degree.", 1, _MAX_DEGREE),
    Input("ep", int, None, "Expert-parallel degree (MoE).", 1, _MAX_DEGREE),
    Input("zero", int, None, "ZeRO stage 0-3 (default 1).", 0, 3),
    Input("fsdp", bool, False, "Full sharding: ZeRO-3."),
    Input("seq", help="Sequence length: 8192, 8k."),
    Input("micro-batch", int, None, "Sequences per micro-batch (default 1).", 1, _MAX_DEGREE),
    Input("global-batch", help="Per step: sequences (1024), or tokens (4M, 16M tokens)."),
    Input("recompute", str, None, "none, selective (default) or full.",
          choices=("none", "selective", "full")),
    Input("precision", help="bf16 (default) or fp8."),
    Input("optimizer", help="adam (default), sgd, adam-8bit."),
    Input("optimizer-bytes", float, None, "Optimizer bytes per parameter.", 0, 1000),
    Input("flash-attention", bool, None, "Flash attention (default: on)."),
    Input("sequence-parallel", bool, None, "Sequence parallelism (default: with TP)."),
    Input("mfu", help="Utilization of the peak: 40% (default 37.5%)."),
    Input("mfu-of", str, "compute", "compute (bubble and recomputation on top) or step.",
          choices=("compute", "step")),
    Input("tokens", help="Training tokens of the run: 15.6T."),
    Input("overhead", float, None, "Framework overhead per GPU, GB (default 4).", 0, 1000),
    Input("convention", str, "zero", "zero (the ZeRO paper's) or deepspeed (its estimator).",
          choices=("zero", "deepspeed")),
    Input("search", bool, False, "Search the layouts that fit gpus, or the smallest cluster."),
    Input("top", int, None, "Layouts shown by search.", 1, 50),
    Input("total", help="Total parameters without a config: 7B."),
    Input("active", help="Active parameters per token without a config."),
    Input("layers", int, None, "Without a config: decoder layers.", 1, _MAX_DEGREE),
    Input("hidden", int, None, "Without a config: hidden size.", 1, _MAX_DEGREE),
    Input("heads", int, None, "Without a config: attention heads.", 1, _MAX_DEGREE),
    Input("kv-heads", int, None, "Without a config: KV heads.", 1, _MAX_DEGREE),
    Input("vocab", int, None, "Without a config: vocabulary.", 1, 1 << 24),
    Input("experts", int, None, "Without a config: routed experts.", 1, _MAX_DEGREE),
    Input("top-k", int, None, "Without a config: experts per token.", 1, _MAX_DEGREE),
)  # fmt: skip

TREND_INPUTS = (
    Input("select", help="notable (default), language, frontier, open, or a developer; with "
          "systems: leading (default) or all."),
    Input("from", help="First date: 2010, 2018-06.", keyword="start"),
    Input("to", help="Last date (inclusive): 2024-05.", keyword="end"),
    Input("speculative", str, None, "Epoch AI's confidence labels: include (default), exclude "
          "or weight.", choices=("include", "exclude", "weight")),
    Input("top", int, None, "Frontier: the running top N (default 10).", 1, 100),
    Input("breakpoint", bool, False, "Fit one change of slope and test it."),
    Input("break-at", help="Test a change of slope at this date."),
    Input("at", list, None, "The trend at a date, repeated: at=2027-06."),
    Input("when", list, None, "When the trend reaches a level, repeated: when=1e27."),
    Input("count-above", list, None, "Models above a level by year, repeated: count-above=1e25."),
    Input("until", int, 2028, "Last year of count-above.", 1950, 2100),
    Input("simulations", int, None, "Simulated futures of count-above (default 4,000).", 100,
          checks.MAX_SIMULATIONS),
    Input("resamples", int, 1000, "Bootstrap resamples.", 100, checks.MAX_RESAMPLES),
    Input("seed", int, 20250405, "Seed of the bootstrap.", 0, 2**32 - 1),
    Input("systems", bool, False, "The growth of the largest AI supercomputers instead."),
    Input("metric", list, None, "With systems: performance, h100e, chips, power or cost, "
          "repeated (default all)."),
)  # fmt: skip

FIT_INPUTS = (
    Input("approach", int, 3, "3: parametric L(N, D); 2: isoFLOP parabolas.", 2, 3),
    Input("n-col", str, "N", "Column of parameters."),
    Input("d-col", str, "D", "Column of tokens."),
    Input("c-col", str, "C", "Column of compute."),
    Input("loss-col", str, "loss", "Column of loss."),
    Input("bootstrap", int, 1000, "Bootstrap resamples (0: none).", 0, checks.MAX_BOOTSTRAP),
    Input("drop-top", int, 0, "Drop the K highest-loss runs first.", 0, checks.MAX_FIT_RUNS),
    Input("budget", list, None, "Compute budgets for allocations, repeated: budget=1e24."),
    Input("seed", int, 0, "Seed of the bootstrap.", 0, 2**32 - 1),
)

COMMANDS: dict[str, Command] = {
    c.name: c
    for c in (
        Command(
            "compute",
            "Training compute by 6·N·D and by hardware, reconciled (flopcast compute).",
            COMPUTE_INPUTS,
            sampled=True,
            guard=checks.model_guard(),
        ),
        Command(
            "compare",
            "Compare compute figures or models, in numbers and words (flopcast compare).",
            (
                Input("figures", list, None, "Figures or models, repeated: figures=5.18e25."),
                Input("frontier", bool, False, "Also against the largest runs before it."),
                Input("date", help="Frontier date for a figure (YYYY-MM-DD, YYYY-MM or YYYY)."),
                Input("top", int, 3, "How many frontier models.", 1, 50),
            ),
            sampled=True,
            guard=checks.compare_guard,
        ),
        Command(
            "frontier",
            "The largest known training runs up to a date (flopcast frontier).",
            (
                Input("date", help="Up to this date (YYYY-MM-DD, YYYY-MM or YYYY); default today."),
                Input("top", int, 10, "How many models to list.", 1, 500),
            ),
        ),
        Command(
            "cluster",
            "What N accelerators (or a site's power) produce, draw and cost (flopcast cluster).",
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
                Input("date", help="Prices and power at this date (YYYY-MM-DD, YYYY-MM or YYYY)."),
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
                Input("law", str, "fixed:40", "With power: the law of the compute-optimal model."),
            ),
            sampled=True,
            guard=checks.law_guard,
        ),
        Command(
            "plan",
            "Plan a training run: memory per GPU, the step time, layouts that fit (flopcast "
            "plan; search=true searches the layouts).",
            PLAN_INPUTS,
            heavy=True,
            guard=checks.plan_guard,
        ),
        Command(
            "systems",
            "The real AI supercomputers at a date, totals by owner or chip, or one system "
            "(flopcast systems; Epoch AI's GPU Clusters data).",
            (
                Input("name", help="One system, e.g. 'Meta 100k'."),
                Input(
                    "at", help="Existing at this date (YYYY-MM-DD, YYYY-MM or YYYY); default today."
                ),
                Input("top", int, 10, "How many systems to list.", 1, 500),
                Input("owner", help="Only this owner's systems, e.g. meta, xai."),
                Input("chip", help="Only systems of this chip: h100."),
                Input("by", str, None, "Totals by owner or chip.", choices=("owner", "chip")),
                Input(
                    "all",
                    bool,
                    False,
                    "Include rows marked Unlikely or possible duplicates.",
                    keyword="include_all",
                ),
            ),
        ),
        Command(
            "trend",
            "Growth of training compute, the trend at a date, when it reaches a level, models "
            "above a threshold by year (flopcast trend; Epoch AI's Notable AI Models).",
            TREND_INPUTS,
            heavy=True,
            guard=checks.trend_guard,
        ),
        Command(
            "models",
            "The model catalog, filtered and sorted (flopcast models).",
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
            (Input("name", help="A model: maverick, deepseek-v3."),),
            path_input="name",
            path="/api/models/{name}",
            guard=checks.model_guard("name"),
        ),
        Command(
            "optimal",
            "The compute-optimal model for a budget (flopcast optimal).",
            (
                Input("model", help="Use a catalog model's compute."),
                Input("compute", help="Training budget: 5.2e25."),
                _LAW,
                _MOE,
                _SPARSITY,
                _SPARSITY_FROM,
            ),
            guard=checks.guards(checks.model_guard(), checks.law_guard),
        ),
        Command(
            "overtrain",
            "Overtraining factor and its cost, under every law (flopcast overtrain).",
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
            guard=checks.guards(checks.model_guard(), checks.law_guard),
        ),
        Command(
            "fit",
            "Fit a scaling law to your own runs (flopcast fit): POST the CSV (columns N, D or "
            f"C, and loss; at most {checks.MAX_UPLOAD_BYTES // 1024} KB and "
            f"{checks.MAX_FIT_RUNS:,} runs) as the request body.",
            FIT_INPUTS,
            heavy=True,
            guard=checks.fit_guard,
            upload="runs",
            get=False,
        ),
        Command("laws", "The scaling laws flopcast ships (flopcast laws)."),
        Command(
            "hardware",
            "Accelerators: dense peak FLOP/s, memory, sources (flopcast hardware).",
            (Input("name", help="An accelerator: h100, 'tpu v5p'; none lists all."),),
        ),
        Command(
            "memory",
            "Memory to run a model: weights, KV cache, overhead (flopcast memory).",
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
            guard=checks.model_guard(),
        ),
        Command(
            "local",
            "Can I run it? Models against machines (flopcast local).",
            (
                Input(
                    "model",
                    list,
                    None,
                    "Catalog models, repeated; optional with total.",
                    keyword="models",
                ),
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
            guard=checks.local_guard,
        ),
        Command(
            "machines",
            "Machines to run models on: memory, bandwidth, what the OS keeps, sources "
            "(flopcast machines).",
            (Input("name", help="One machine: 'rtx 4090', 'custom:24GB@1008GB/s'."),),
            guard=checks.machines_guard,
        ),
        Command(
            "arch",
            "Exact parameters, FLOPs and KV cache from a config.json (flopcast arch): a "
            "catalog model or a shipped repo id; POST a config.json to count your own.",
            (
                Input("config", help="A catalog model or a shipped repo id (org/name)."),
                Input("context", str, "8192", "Context for FLOPs and KV cache: 8192, 32k, 1M."),
                Input("kv-dtype", str, "bf16", "KV-cache dtype: bf16, fp8, fp32."),
                Input("layers", bool, False, "Include the per-layer table."),
                Input("types", bool, False, "List the supported config.json model_types."),
            ),
            guard=checks.arch_guard,
            upload="config",
        ),
        Command(
            "report",
            "The whole analysis of models or a family, or of a model given by numbers "
            "(flopcast report).",
            (
                Input("names", list, None, "Models or families, repeated: names=llama-4."),
                Input("law", help="Scaling law for the verdict (default fixed:40)."),
                Input("moe", help="MoE multiplier m(S)."),
                Input("name", str, "Unreleased model", "Name of a model given by numbers."),
                Input("active", help="A model given by numbers: active parameters."),
                Input("total", help="A model given by numbers: total parameters."),
                Input("tokens", help="A model given by numbers: training tokens."),
                Input("gpus", help="A model given by numbers: accelerators."),
                Input("gpu", help="A model given by numbers: accelerator type."),
                Input("date", help="Release date of a model given by numbers."),
            ),
            heavy=True,
            guard=checks.report_guard,
        ),
        Command("epoch", "Which Epoch AI dataset flopcast is using (flopcast epoch status)."),
        Command(
            "plot",
            "A figure as SVG (flopcast plot KIND): timeline (highlight, start, end), "
            "tokens-per-param (highlight, law, sparsity, moe), memory (model, context, "
            "kv-dtype, format, machine, overhead), trend (select, start, end, speculative, "
            "until, highlight; or systems, metric, top).",
            (
                Input(
                    "kind",
                    str,
                    None,
                    "timeline, tokens-per-param, memory or trend.",
                    choices=PLOT_KINDS,
                ),
                Input("model", help="memory: a catalog model."),
                Input("highlight", list, None, "Models or families to mark, repeated."),
                Input("start", help="timeline, trend: first date (2022, 2018-06)."),
                Input("end", help="timeline, trend: last date (2025-12)."),
                Input("law", str, "fixed:40", "tokens-per-param: the scaling law."),
                Input("sparsity", list, None, "tokens-per-param: sparsities 1:S, repeated."),
                Input("moe", str, "default", "tokens-per-param: MoE multiplier m(S)."),
                Input("context", help="memory: context for the KV cache (8192, 32k)."),
                Input("kv-dtype", help="memory: KV-cache dtype (default bf16)."),
                Input("format", list, None, "memory: weight formats, repeated.", keyword="formats"),
                Input(
                    "machine",
                    list,
                    None,
                    "memory: machines, repeated ('rtx 4090').",
                    keyword="machines",
                ),
                Input("overhead", float, None, "memory: runtime overhead per device, GB.", 0, 1000),
                Input("select", help="trend: which models or systems (as flopcast trend)."),
                Input(
                    "speculative",
                    str,
                    "include",
                    "trend: include, exclude or weight.",
                    choices=("include", "exclude", "weight"),
                ),
                Input("until", help="trend: forecast to this year (2028)."),
                Input("systems", bool, False, "trend: the largest AI supercomputers instead."),
                Input(
                    "metric",
                    str,
                    "performance",
                    "trend with systems: performance, h100e, chips, power or cost.",
                ),
                Input("top", int, None, "trend with systems: the top N (default 10).", 1, 100),
            ),
            heavy=True,
            path_input="kind",
            guard=checks.plot_guard,
            image=True,
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
