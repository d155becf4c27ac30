"""``flopcast arch``: exact parameters, FLOPs per token and KV cache from a config.json."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from flopcast.cli.common import JsonOpt

if TYPE_CHECKING:
    from flopcast.arch import ArchBreakdown
    from flopcast.cli.common import Section, Table

GROUP_LABELS = {
    "embedding": "input embedding",
    "lm_head": "LM head",
    "attention": "attention",
    "dense_mlp": "dense MLP",
    "routed_experts": "routed experts",
    "shared_experts": "shared experts",
    "router": "router",
    "norms": "norms",
    "biases": "biases",
    "hyper_connections": "hyper-connections",
    "linear_attention": "linear attention",
    "ssm": "SSM (Mamba)",
    "moe_latent": "MoE latent projections",
    "per_layer_embedding": "per-layer embeddings",
    "short_conv": "short convolutions",
    "altup": "AltUp",
    "laurel": "LAuReL",
}


def register(app: typer.Typer) -> None:
    app.command(
        "arch",
        help=(
            "Exact parameters (total, active, by group), FLOPs per token and KV-cache bytes "
            "from a Hugging Face config.json: a file, a directory holding one, a Hub repo id "
            "or a catalog model. No weights, no torch.\n\n"
            "Example: flopcast arch meta-llama/Llama-4-Maverick-17B-128E-Instruct --context 8192"
        ),
    )(arch_command)


def arch_command(
    config: Annotated[
        str | None,
        typer.Argument(
            metavar="CONFIG",
            help="config.json path, directory, Hub repo id (org/name) or catalog model name.",
        ),
    ] = None,
    context: Annotated[
        str,
        typer.Option(
            "--context", metavar="TOKENS", help="Context for FLOPs and KV cache: 8192, 32k, 1M."
        ),
    ] = "8192",
    layers: Annotated[bool, typer.Option("--layers", help="Show the per-layer table.")] = False,
    kv_dtype: Annotated[
        str, typer.Option("--kv-dtype", metavar="DTYPE", help="KV-cache dtype: bf16, fp8, fp32.")
    ] = "bf16",
    types: Annotated[
        bool, typer.Option("--types", help="List the supported config.json model_types.")
    ] = False,
    json_output: JsonOpt = False,
) -> None:
    from flopcast.answers.arch import ArchAnswer, arch_answer
    from flopcast.cli.common import print_json, render

    answer = arch_answer(config, context=context, layers=layers, kv_dtype=kv_dtype, types=types)
    if json_output:
        print_json(answer)
        return
    if not isinstance(answer, ArchAnswer):
        _print_types(answer.families)
        return
    arch, resolved, label, tokens = answer.breakdown, answer.resolved, answer.label, answer.context
    headline = (
        f"{label}: {_n(arch.total_params)} parameters, {_n(arch.active_params)} active per "
        f"token ({arch.model_type})"
    )
    sections: list[Section | Table] = list(_sections(arch, tokens, kv_dtype))
    if layers:
        sections.append(_layer_table(arch))
    render(headline, sections, footer=[f"counted from the {resolved.describe}", *_footer(arch)])


def _print_types(families: dict[str, str]) -> None:
    """The supported model_types, one per line with the family module that counts them."""
    from flopcast.cli.common import Section, render

    section = Section("model_type", subtitle="family module")
    for model_type, family in families.items():
        section.add(model_type, family)
    render(
        f"{len(families)} config.json model_types counted exactly",
        [section],
        footer=["each family module mirrors transformers' modeling file for its types"],
    )


def _n(x: float) -> str:
    from flopcast.quantity import fmt_si

    return fmt_si(x, 4)


def _exact(x: int) -> str:
    return f"{x:,}"


def _sections(arch: ArchBreakdown, context: int, kv_dtype: str) -> list[Section]:
    from flopcast.cli.common import Section

    total = arch.total_params
    params = Section("Parameters", subtitle="exact, text model")
    params.add("total", _exact(total), _n(total))
    params.add(
        "active per token", _exact(arch.active_params), f"{_n(arch.active_params)} with input "
        "embedding"
    )  # fmt: skip
    params.add(
        "active, no input embedding", _exact(arch.active_params_without_embedding),
        f"{_n(arch.active_params_without_embedding)} as gpt-oss counts"
    )  # fmt: skip
    params.add("non-embedding", _exact(arch.non_embedding_params), _n(arch.non_embedding_params))
    for extra in arch.extras:
        params.add(f"+ {extra.name}", _exact(extra.params), f"{_n(extra.params)}, not in total")
    if arch.extras:
        params.add("total with extras", _exact(arch.total_params_with_extras),
                   _n(arch.total_params_with_extras))  # fmt: skip

    groups = Section("By group")
    for name, value in arch.groups.to_dict().items():
        note = f"{100 * value / total:.2f}%"
        if name == "lm_head" and arch.tied_embeddings:
            note = "tied to the input embedding (counted there)"
        if value or name == "lm_head":
            groups.add(GROUP_LABELS[name], _exact(value), note)

    per = arch.flops_per_token(context)
    flops = Section("FLOPs per token", subtitle=f"context {context:,}; 1 multiply-add = 2 FLOP")
    flops.add("weights (2 × multiplied)", _n(per.matmul),
              f"2 × {_n(arch.matmul_params_per_token)}; LM head and router included")  # fmt: skip
    flops.add("attention (causal average)", _n(per.attention), "scores + values, windows applied")
    if per.recurrent:
        note = "linear in context: " + _recurrent_note(arch)
        flops.add("recurrent state", _n(per.recurrent), note)
    flops.add("forward", _n(per.forward), "prefill / training average")
    flops.add("training (3 × forward)", _n(per.training))
    flops.add("decode at this context", _n(per.decode_forward), "one new token, cache full")

    kv = Section("KV cache", subtitle=kv_dtype)
    kv.add("per token, every layer", f"{arch.kv_cache_bytes_per_token(kv_dtype):,} B")
    growing = arch.growing_kv_bytes(context, kv_dtype)
    note = "sliding/chunked layers capped at their window" if _has_caps(arch) else ""
    if any(layer.attention.compress for layer in arch.layers):
        note = "windows capped, compressed entries added"
    fixed = arch.fixed_state_bytes(kv_dtype)
    if not fixed:
        at = f"{growing / 2**30:.3g} GiB {note}".strip()
        kv.add(f"at {context:,} tokens", f"{growing:,} B", at)
        return [params, groups, flops, kv]
    recurrent = sum(1 for la in arch.layers if la.recurrent)
    kv.add(f"growing, at {context:,} tokens", f"{growing:,} B", f"{_gib(growing)} {note}".strip())
    state = arch.state_dtype or kv_dtype
    kv.add("fixed recurrent state", f"{fixed:,} B",
           f"{_gib(fixed)}; {recurrent} layers, conv + state ({state}), any context")  # fmt: skip
    total = growing + fixed
    kv.add("total per sequence", f"{total:,} B", _gib(total))
    return [params, groups, flops, kv]


def _gib(n: int) -> str:
    if n < 2**30:
        return f"{n / 2**20:.3g} MiB"
    return f"{n / 2**30:.3g} GiB"


def _recurrent_note(arch: ArchBreakdown) -> str:
    kinds: dict[str, int] = {}
    for la in arch.layers:
        if la.recurrent:
            kinds[la.recurrent.kind] = kinds.get(la.recurrent.kind, 0) + 1
    return ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in kinds.items())


def _has_caps(arch: ArchBreakdown) -> bool:
    return any(layer.attention.window for layer in arch.layers)


def _footer(arch: ArchBreakdown) -> list[str]:
    lines = [
        f"mirrors transformers {arch.modeling_file}; parameters exclude buffers; a tied LM "
        "head is counted once",
        "attention FLOPs: 2 × heads × (d_qk + d_v) per (query, key) pair; training = 3 × "
        "forward; logits at every position",
    ]
    if any(la.recurrent for la in arch.layers):
        lines.append(
            "recurrent layers: state multiply-adds of the recurrent form per token (chunked "
            "prefill kernels add chunk-size terms); their state is fixed, not per token"
        )
    return lines + list(arch.notes)


def _layer_table(arch: ArchBreakdown) -> Table:
    from flopcast.cli.common import Column, Table

    hybrid = any(layer.recurrent for layer in arch.layers)
    title = "Per layer (KV/token: cached elements" + ("; state: fixed elements)" if hybrid else ")")
    cols = ("layer", "mixer", "mlp", "params", "active", "multiplied", "KV/token")
    table = Table(
        title,
        [
            Column(c, align="left" if c in ("mixer", "mlp") else "right", keep=c == "layer")
            for c in cols + (("state",) if hybrid else ())
        ],
    )
    for i, layer in enumerate(arch.layers):
        att = layer.attention
        kind = layer.mixer if att.window is None else f"{att.kind} {att.window}"
        kind = kind.replace("gated_deltanet", "deltanet").replace("short_conv", "conv")
        row = [str(i), kind, layer.mlp, _n(layer.params), _n(layer.active), _n(layer.matmul),
               _exact(att.kv_elements)]  # fmt: skip
        if hybrid:
            row.append(_n(layer.recurrent.fixed_elements) if layer.recurrent else "0")
        table.add(*row)
    return table
