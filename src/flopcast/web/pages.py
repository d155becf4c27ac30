"""The pages: home, catalog, a model's report, and the calculators.

Each calculator is a GET form whose fields are the API's inputs, so its address is a link
that reproduces it; its result is rendered from the dict the JSON API returns for the same
inputs (:func:`flopcast.web.app.run_command`), and links to that JSON. With scripts on,
htmx sends the form as its inputs change and swaps in the new result; without them the
form still works. Jinja2 escapes every text it shows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from flopcast.errors import FlopcastError
from flopcast.web import inputs
from flopcast.web.commands import COMMANDS, Command, Input, read_inputs
from flopcast.web.runner import limiters_of

if TYPE_CHECKING:
    from jinja2 import Environment

HERE = Path(__file__).resolve().parent

#: The calculators: address, title, the command they run, and their form's inputs in order.
CALCULATORS: dict[str, dict[str, Any]] = {
    "compute": {
        "title": "Training compute",
        "blurb": "6·N·D from parameters and tokens, and accelerators × peak × utilization × "
        "time; where both are given, what each implies about the other.",
        "command": "compute",
        "fields": [
            "model", "active", "tokens", "gpus", "gpu", "mfu", "days", "gpu-hours",
            "achieved", "peak", "precision", "vs", "recompute",
        ],
    },
    "cluster": {
        "title": "Cluster: output, power and cost",
        "blurb": "What N accelerators (or a site of a given power) produce over a duration, "
        "what they draw, and what the run costs three ways.",
        "command": "cluster",
        "fields": [
            "gpus", "power", "gpu", "days", "mfu", "compute", "date", "dollars", "achieved",
            "peak", "precision", "tdp", "overhead", "pue", "gpu-price", "cloud-price",
            "electricity-price", "cloud-term", "law",
        ],
    },
    "optimal": {
        "title": "Compute-optimal model",
        "blurb": "The compute-optimal parameters and tokens for a budget, under every "
        "scaling law flopcast ships.",
        "command": "optimal",
        "fields": ["compute", "model", "sparsity", "sparsity-from", "moe"],
    },
    "overtrain": {
        "title": "Overtraining",
        "blurb": "Tokens per active parameter against each law's compute-optimum: the "
        "overtraining factor k and what it costs.",
        "command": "overtrain",
        "fields": [
            "model", "active", "total", "tokens", "law", "moe", "sparsity", "sparsity-from",
        ],
    },
    "memory": {
        "title": "Memory and machines",
        "blurb": "Memory to run a model (weights + KV cache + overhead) and whether it fits "
        "on each machine, or on one you describe: '2x rtx 3090', '8x h100', 'cpu 128gb'.",
        "command": "local",
        "fields": [
            "model", "quant", "context", "on", "kv-dtype", "sequences", "total", "active",
            "overhead", "os-reserve", "ram", "text-only",
        ],
    },
    "plan": {
        "title": "Training plan: memory per GPU and step time",
        "nav": "Plan",
        "blurb": "Memory per GPU under tensor, pipeline, context, data and expert parallelism "
        "and ZeRO, the step time and the run's; or, with Search, the layouts that fit a "
        "cluster (without accelerators: the smallest cluster that fits).",
        "command": "plan",
        "fields": [
            "model", "gpus", "gpu", "tp", "pp", "cp", "dp", "ep", "zero", "recompute",
            "search", "top", "seq", "global-batch", "micro-batch", "mfu", "mfu-of", "tokens",
            "precision", "optimizer", "optimizer-bytes", "overhead", "fsdp", "convention",
            "total", "active", "layers", "hidden", "heads", "kv-heads", "vocab", "experts",
            "top-k",
        ],
        # a model without a config.json: its counts and shape, under More inputs
        "advanced": ["total", "active", "hidden", "heads", "kv-heads", "vocab", "experts",
                     "top-k", "top", "dp", "ep", "cp", "overhead"],
    },
    "trend": {
        "title": "Trend of training compute",
        "nav": "Trend",
        "blurb": "How fast training compute grows (Epoch AI's Notable AI Models), the trend "
        "at a date, the date it reaches a level, and how many models will be above a "
        "threshold by year.",
        "command": "trend",
        "run_empty": True,  # the default trend is worth showing before any input
        "fields": [
            "select", "from", "to", "at", "when", "count-above", "until", "breakpoint",
            "break-at", "speculative", "top", "resamples", "simulations", "seed", "systems",
            "metric",
        ],
        "advanced": ["systems", "metric"],
    },
    "arch": {
        "title": "Exact counts from a config.json",
        "blurb": "Exact parameters, FLOPs per token and KV cache from a Hugging Face "
        "config.json: a shipped one by model name, or your own file (read in memory, never "
        "stored).",
        "command": "arch",
        "fields": ["config", "context", "kv-dtype", "layers"],
    },
}  # fmt: skip

#: Labels of the fields, as a person reads them (the URL keeps the command line's names).
LABELS = {
    "model": "Model", "active": "Active parameters", "tokens": "Training tokens",
    "gpus": "Accelerators", "gpu": "Accelerator type", "mfu": "Utilization (MFU)",
    "days": "Duration", "gpu-hours": "Accelerator-hours", "achieved": "Achieved FLOP/s each",
    "peak": "Peak FLOP/s each", "precision": "Precision", "vs": "Compare with",
    "recompute": "Full activation recomputation (8·N·D)", "power": "Site power",
    "compute": "Compute budget (FLOP)", "date": "Date", "dollars": "In dollars of year",
    "tdp": "Chip TDP", "overhead": "Overhead", "pue": "PUE", "gpu-price": "Price per accelerator",
    "cloud-price": "Cloud price per hour", "electricity-price": "Electricity price",
    "cloud-term": "Cloud term", "law": "Scaling law", "moe": "MoE multiplier m(S)",
    "sparsity": "Sparsity S", "sparsity-from": "Sparsity from", "total": "Total parameters",
    "quant": "Weight format", "context": "Context", "on": "Machine", "kv-dtype": "KV-cache type",
    "sequences": "Concurrent sequences", "os-reserve": "OS reserve (GB)",
    "ram": "Host RAM (GB)", "text-only": "Text only (no vision tower)", "config": "Model or repo",
    "layers": "Per-layer table", "tp": "Tensor parallel", "pp": "Pipeline stages",
    "cp": "Context parallel", "dp": "Data parallel", "ep": "Expert parallel",
    "zero": "ZeRO stage", "search": "Search the layouts that fit", "top": "How many",
    "seq": "Sequence length", "global-batch": "Global batch", "micro-batch": "Micro-batch",
    "mfu-of": "Utilization of", "optimizer": "Optimizer",
    "optimizer-bytes": "Optimizer bytes per parameter", "fsdp": "Full sharding (ZeRO-3)",
    "convention": "Memory convention", "hidden": "Hidden size", "heads": "Attention heads",
    "kv-heads": "KV heads", "vocab": "Vocabulary", "experts": "Routed experts",
    "top-k": "Experts per token", "select": "Models", "from": "From", "to": "To",
    "at": "Trend at a date", "when": "When it reaches (FLOP)",
    "count-above": "Count models above (FLOP)", "until": "Count until year",
    "breakpoint": "Fit a change of slope", "break-at": "Change of slope at",
    "speculative": "Speculative estimates", "resamples": "Bootstrap resamples",
    "simulations": "Simulated futures", "systems": "AI supercomputers instead (Pilz et al.)",
    "metric": "Supercomputer metric",
}  # fmt: skip
PLACEHOLDERS = {
    "model": "llama-4-behemoth", "active": "288B", "tokens": "30T or 30T..40T", "gpus": "32K",
    "gpu": "h100", "mfu": "40%", "days": "90d", "gpu-hours": "2.38M", "achieved": "390T",
    "peak": "989.4T", "precision": "bf16", "vs": "3.8e25 or llama-3.1-405b", "power": "1GW",
    "compute": "5.2e25", "date": "2024-10-15", "dollars": "2024", "tdp": "700W",
    "overhead": "1.82", "pue": "1.12", "gpu-price": "$30K 2024", "cloud-price": "$2.5/h 2025",
    "electricity-price": "$0.08/kWh 2024", "moe": "default", "sparsity": "8",
    "total": "109B", "quant": "q4_k_m", "context": "32k", "on": "rtx 4090 or 2x rtx 3090",
    "config": "maverick or meta-llama/Llama-3.1-8B-Instruct", "kv-dtype": "bf16",
    "seq": "8k", "global-batch": "16M tokens", "select": "notable, frontier, OpenAI",
    "from": "2018", "to": "2024-05", "at": "2027-06", "when": "1e27", "count-above": "1e25",
    "break-at": "2018", "metric": "performance, h100e, chips, power or cost",
}  # fmt: skip
#: Fields tucked under "More inputs" (still in the URL when set).
ADVANCED = {
    "achieved", "peak", "precision", "tdp", "overhead", "pue", "gpu-price", "cloud-price",
    "electricity-price", "cloud-term", "law", "moe", "sparsity-from", "os-reserve",
    "ram", "text-only", "kv-dtype", "sequences", "dollars", "samples", "seed", "layers",
    "micro-batch", "mfu-of", "optimizer", "optimizer-bytes", "fsdp", "convention",
    "until", "break-at", "speculative", "resamples", "simulations",
}  # fmt: skip


@cache
def environment() -> Environment:
    from jinja2 import ChainableUndefined, Environment, FileSystemLoader

    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every text a user or a data file gave is escaped
        undefined=ChainableUndefined,  # keys some results lack read as empty
        trim_blocks=True,
        lstrip_blocks=True,
    )
    from flopcast.web import formatting

    env.filters.update(formatting.FILTERS)
    from flopcast.inference import VERDICT_LABELS

    env.globals.update(
        labels=LABELS,
        placeholders=PLACEHOLDERS,
        calculators=CALCULATORS,
        urlencode=urlencode,
        verdicts=VERDICT_LABELS,
    )
    return env


def render(request: Request, template: str, code: int = 200, **context: Any) -> HTMLResponse:
    from flopcast import __version__

    page = (
        environment()
        .get_template(template)
        .render(request_path=request.url.path, version=__version__, **context)
    )
    return HTMLResponse(page, code)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status, title="Error", status=status, message=message)


def _field_of(message: str, names: list[str], typed: Mapping[str, str] | None = None) -> str | None:
    """The input an error is about: the one whose value it starts with (``GPT-4: flopcast
    ships no config.json``), else the one it names (``--gpu-hours`` before ``--gpu``)."""
    for name, value in sorted((typed or {}).items(), key=lambda kv: -len(kv[1])):
        if len(value) > 1 and message.lower().startswith(value.lower() + ":"):
            return name
    for name in sorted(names, key=len, reverse=True):
        if re.search(rf"--{re.escape(name)}(?![\w-])", message) or message.startswith(f"{name} "):
            return name
    return None


def _form_values(command: Command, raw: Mapping[str, Any]) -> dict[str, str]:
    """What the person typed, by field name, to show back in the form (escaped on output)."""
    out = {}
    for i in command.all_inputs():
        value = raw.get(i.name)
        if isinstance(value, str) and value.strip():
            out[i.name] = value[: inputs.MAX_TEXT + 1]
    return out


async def _calculate(
    request: Request, command: Command, raw: Mapping[str, Any]
) -> tuple[Any, str | None, str | None]:
    """(result, error, the field the error belongs to) for a form's fields."""
    from flopcast.web.runner import run_command

    fields = [i.name for i in command.all_inputs()]
    try:
        values = read_inputs(command, raw)
        result = await run_command(request, command, values)
    except FlopcastError as exc:
        return None, str(exc), _field_of(str(exc), fields, _form_values(command, raw))
    return result, None, None


def _inputs_of(command: Command, names: list[str]) -> list[Input]:
    by_name = {i.name: i for i in command.all_inputs()}
    return [by_name[n] for n in names if n in by_name]


def _api_link(command: str, values: Mapping[str, str]) -> str:
    path = "/api/models/" if command == "show" else f"/api/{command}"
    return f"{path}?{urlencode(values)}" if values else path


def add_pages(app: FastAPI) -> None:
    """The HTML routes."""

    @app.get("/", include_in_schema=False)
    async def home(request: Request) -> Response:
        from flopcast.web.runner import run_command

        frontier = await run_command(request, COMMANDS["frontier"], {"top": 10})
        models = await run_command(request, COMMANDS["models"], {"sort": "name"})
        return render(
            request, "home.html", title="flopcast", frontier=frontier,
            names=[(m["id"], m["name"]) for m in models["models"]],
        )  # fmt: skip

    @app.get("/search", include_in_schema=False)
    async def search(request: Request, q: str = "") -> Response:
        """A model by name: its page when the name is one, else the catalog searched."""
        from flopcast.web.runner import run_command

        q = q.strip()[: inputs.MAX_TEXT]
        if not q:
            return RedirectResponse("/catalog", 303)
        try:
            shown = await run_command(request, COMMANDS["show"], {"name": q})
        except FlopcastError:
            return RedirectResponse("/catalog?" + urlencode({"search": q}), 303)
        return RedirectResponse(f"/models/{shown['id']}", 303)

    @app.get("/catalog", include_in_schema=False)
    async def catalog(request: Request) -> Response:
        from flopcast.web.runner import run_command

        command = COMMANDS["models"]
        raw = request.query_params
        result, error, field = await _calculate(request, command, raw)
        everything = await run_command(request, command, {})
        developers = sorted({m["developer"] for m in everything["models"]}, key=str.lower)
        years = sorted({m["released"][:4] for m in everything["models"]}, reverse=True)
        values = _form_values(command, raw)
        return render(
            request, "catalog.html", title="Catalog", result=result, error=error,
            error_field=field, values=values, developers=developers, years=years,
            api=_api_link("models", values), total=len(everything["models"]),
        )  # fmt: skip

    @app.get("/models/{name}", include_in_schema=False)
    async def model_page(request: Request, name: str) -> Response:
        from flopcast.web.runner import run_command

        shown = await run_command(request, COMMANDS["show"], {"name": name})
        if shown["id"] != name:
            return RedirectResponse(f"/models/{shown['id']}", 301)
        return render(request, "model.html", title=shown["name"], m=shown)

    @app.get("/models/{name}/report.{kind}", include_in_schema=False)
    async def model_report(request: Request, name: str, kind: str) -> Response:
        if kind not in ("html", "md", "json"):
            return error_page(request, 404, f"no report.{kind[:20]}: use .html, .md or .json")
        shown = await _show(request, name)
        limiters = limiters_of(request)
        body, media = await limiters.run(lambda: report_file(shown["id"], kind), heavy=True)
        headers = {}
        if kind != "html":
            headers["content-disposition"] = f'attachment; filename="{shown["id"]}.{kind}"'
        return Response(body, 200, headers, media)

    @app.get("/plots/timeline.png", include_in_schema=False)
    async def timeline_png(request: Request) -> Response:
        limiters = limiters_of(request)
        png = await limiters.run(timeline_plot, heavy=True)
        return Response(png[0], 200, {"cache-control": "max-age=3600"}, "image/png")

    @app.get("/calc", include_in_schema=False)
    async def calculators(request: Request) -> Response:
        return render(request, "calculators.html", title="Calculators")

    async def calculator(request: Request, name: str, raw: Mapping[str, Any]) -> Response:
        spec = CALCULATORS[name]
        command = COMMANDS[spec["command"]]
        values = _form_values(command, raw)
        result, error, field = (None, None, None)
        extra: dict[str, Any] = {}
        if values or spec.get("run_empty"):
            result, error, field = await _calculate(request, command, raw)
        if name == "optimal" and result is not None:
            extra["every_law"] = await _every_law(request, command, raw)
        return render(
            request, f"calc_{name}.html", title=spec["title"], spec=spec, name=name,
            fields=_inputs_of(command, spec["fields"]) + (
                [i for i in command.all_inputs()
                 if i.name in ("samples", "seed") and i.name not in spec["fields"]]
            ), values=values, result=result, error=error, error_field=field,
            advanced=ADVANCED | set(spec.get("advanced", ())), api=_api_link(command.name, values),
            choices=await _choices(request), **extra,
        )  # fmt: skip

    for calc in CALCULATORS:

        def make(name: str) -> Any:
            async def page(request: Request) -> Response:
                return await calculator(request, name, request.query_params)

            page.__name__ = f"calc_{name}"
            return page

        app.add_api_route(f"/calc/{calc}", make(calc), methods=["GET"], include_in_schema=False)

    @app.post("/calc/arch", include_in_schema=False)
    async def arch_upload(request: Request) -> Response:
        """An uploaded config.json (multipart form, parsed in memory) counted exactly."""
        body = await request.body()  # capped by the app's guard
        fields = multipart_fields(request.headers.get("content-type", ""), body)
        command = COMMANDS["arch"]
        spec = CALCULATORS["arch"]
        upload = fields.get("upload", b"") or fields.get("config-text", b"")
        values = {k: v.decode("utf-8", "replace") for k, v in fields.items()
                  if k in ("context", "kv-dtype", "layers")}  # fmt: skip
        result, error, field = None, None, None
        try:
            from flopcast.web.runner import run_command

            result = await run_command(request, command, read_inputs(command, values), upload)
        except FlopcastError as exc:
            error, field = str(exc), "upload"
        return render(
            request, "calc_arch.html", title=spec["title"],  # 200: htmx swaps it in
            spec=spec, name="arch", fields=_inputs_of(command, spec["fields"]), values=values,
            result=result, error=error, error_field=field, advanced=ADVANCED,
            api=None, choices=await _choices(request), uploaded=True,
        )  # fmt: skip


async def _show(request: Request, name: str) -> Any:
    from flopcast.web.runner import run_command

    return await run_command(request, COMMANDS["show"], {"name": name})


async def _every_law(request: Request, command: Command, raw: Mapping[str, Any]) -> list[Any]:
    """The same budget under every shipped law (one API result each)."""
    from flopcast.web.runner import run_command

    values = read_inputs(command, raw)
    rows = []
    laws = await run_command(request, COMMANDS["laws"], {})
    for law in laws["laws"]:
        try:
            rows.append(await run_command(request, command, {**values, "law": law["name"]}))
        except FlopcastError as exc:
            rows.append({"law": law["name"], "error": str(exc)})
    return rows


async def _choices(request: Request) -> dict[str, list[str]]:
    """Suggestions for the text fields: catalog models, accelerators, machines, laws."""
    from flopcast.web.runner import run_command

    models = await run_command(request, COMMANDS["models"], {"sort": "name"})
    hardware = await run_command(request, COMMANDS["hardware"], {})
    laws = await run_command(request, COMMANDS["laws"], {})
    machines = await run_command(request, COMMANDS["machines"], {})
    return {
        "model": [m["id"] for m in models["models"]],
        "gpu": [a["id"] for a in hardware["accelerators"]],
        "on": [m["id"] for m in machines["machines"]],
        "law": [law["name"] for law in laws["laws"]],
        "config": [m["id"] for m in models["models"] if m.get("hf_repo")],
    }


def multipart_fields(content_type: str, body: bytes) -> dict[str, bytes]:
    """The fields of a multipart/form-data body (already size-capped), parsed in memory.

    Files are kept as bytes and never written anywhere; a field's filename is ignored, so a
    name like ``../../etc/passwd`` means nothing.
    """
    import email.parser
    import email.policy

    if not content_type.lower().startswith("multipart/form-data"):
        raise FlopcastError("send the config.json as a form upload (multipart/form-data)")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    out: dict[str, bytes] = {}
    if not message.is_multipart():
        raise FlopcastError("the upload is not a readable form: choose the file again")
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or name in out or len(out) >= 10:
            continue
        payload = part.get_payload(decode=True)
        out[name] = payload if isinstance(payload, bytes) else b""
    return out


# ---- cached heavy results ---------------------------------------------------------------


@cache
def timeline_plot() -> tuple[bytes, str]:
    """The frontier timeline (PNG bytes, alt text), drawn once per process."""
    from flopcast.reporting import plots

    fig = plots.timeline([])
    return plots.to_png_bytes(fig), plots.alt_text(fig)


def report_file(model_id: str, kind: str) -> tuple[bytes, str]:
    """A model's report as HTML (with its plots), Markdown or JSON, and its media type."""
    if kind == "json":
        import json

        body = json.dumps(_report(model_id).to_dict(), indent=2, ensure_ascii=False)
        return body.encode("utf-8"), "application/json"
    if kind == "md":
        from flopcast.reporting.markdown import render as render_md

        return render_md(_report(model_id)).encode("utf-8"), "text/markdown; charset=utf-8"
    return _report_html(model_id).encode("utf-8"), "text/html; charset=utf-8"


_REPORTS: dict[str, Any] = {}
_HTML: dict[str, str] = {}
_KEEP = 16  # reports held in memory (each a few hundred KB with its plots)


def _remember(store: dict[str, Any], key: str, value: Any) -> Any:
    if len(store) >= _KEEP:
        store.pop(next(iter(store)))
    store[key] = value
    return value


def _report(model_id: str) -> Any:
    found = _REPORTS.get(model_id)
    if found is None:
        from flopcast.answers.report import report_answer

        found = _remember(_REPORTS, model_id, report_answer([model_id]))
    return found


def _report_html(model_id: str) -> str:
    """``flopcast report MODEL -o report.html``: the report's own HTML, plots embedded."""
    found = _HTML.get(model_id)
    if found is None:
        from flopcast.reporting.figures import report_figures
        from flopcast.reporting.html import render as render_html

        report = _report(model_id)
        found = _remember(_HTML, model_id, render_html(report, report_figures(report)))
    return found
