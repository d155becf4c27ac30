"""Helpers that build the real transformers models and measure them (test-only)."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import pytest

torch = pytest.importorskip("torch", reason="torch is not installed (test extra)")
transformers = pytest.importorskip(
    "transformers", reason="transformers is not installed (test extra)"
)

from torch.utils.flop_counter import FlopCounterMode  # noqa: E402
from transformers import AttentionInterface, AutoConfig  # noqa: E402
from transformers.masking_utils import AttentionMaskInterface, eager_mask  # noqa: E402

MULTIMODAL = {"llama4", "gemma3", "gemma4", "kimi_k25", "mistral3", "qwen3_5", "qwen3_5_moe"}
# model types with recurrent (linear-attention / SSM) layers: FLOPs checked in test_hybrid_exact
HYBRID = {
    "falcon_h1",
    "granitemoehybrid",
    "jamba",
    "lfm2",
    "nemotron_h",
    "olmo_hybrid",
    "qwen3_next",
    "qwen3_5",
    "qwen3_5_text",
    "qwen3_5_moe",
    "qwen3_5_moe_text",
}


def hf_config(config: Mapping[str, Any]) -> Any:
    """A transformers config object for a config.json dict (kimi_k2 loads as deepseek_v3)."""
    kwargs = dict(config)
    model_type = str(kwargs.pop("model_type"))
    if model_type == "kimi_k2":  # its remote code subclasses DeepseekV3Config
        model_type = "deepseek_v3"
    for key in (
        "architectures",
        "auto_map",
        "quantization_config",
        "torch_dtype",
        "dtype",
        "transformers_version",
    ):
        kwargs.pop(key, None)
    return AutoConfig.for_model(model_type, **kwargs)


def build_model(
    config: Mapping[str, Any],
    device: str = "meta",
    attn_implementation: str | None = None,
    experts_implementation: str = "eager",
) -> Any:
    """Instantiate the causal-LM (or image-text-to-text) class for ``config`` on ``device``."""
    if config["model_type"] == "gemma3n":  # its vision tower needs timm: build the text model
        config = {**config["text_config"], "model_type": "gemma3n_text"}
    cfg = hf_config(config)
    kwargs: dict[str, Any] = {}
    if attn_implementation is not None:
        kwargs["attn_implementation"] = attn_implementation
    if config["model_type"] in MULTIMODAL:
        auto = transformers.AutoModelForImageTextToText
    else:
        auto = transformers.AutoModelForCausalLM
        if _has_experts(cfg):
            kwargs["experts_implementation"] = experts_implementation
    with torch.device(device):
        return auto.from_config(cfg, **kwargs)


def _has_experts(cfg: Any) -> bool:
    return any(
        getattr(cfg, k, None) for k in ("num_local_experts", "num_experts", "n_routed_experts")
    )


def group_of(name: str) -> str:
    """flopcast's parameter group for a transformers parameter name."""
    if name.startswith(
        (
            "vision_model.",
            "model.vision_tower.",
            "multi_modal_projector.",
            "model.multi_modal_projector.",
            "model.mm_projector.",
            "model.visual.",
            "model.embed_vision.",
        )
    ):
        return "extra"
    if "_hc." in name or ".hc_head." in name:  # DeepSeek-V4 hyper-connections
        return "hyper_connections"
    if "per_layer" in name and "norm" not in name:  # Gemma 4 per-layer embeddings
        return "per_layer_embedding"
    if "embed_tokens" in name or name.endswith("model.embeddings.weight"):
        return "embedding"
    if name.startswith("lm_head") or ".lm_head." in name:
        return "lm_head"
    if name.endswith((".bias", "_bias")):
        return "biases"
    if "norm" in name:
        return "norms"
    if "altup" in name:  # Gemma 3n
        return "altup"
    if "laurel" in name:
        return "laurel"
    if "shared_expert" in name or ".shared_mlp." in name:
        return "shared_experts"
    if ".experts." in name:
        return "routed_experts"
    if ".router." in name or ".mlp.gate." in name or ".mixer.gate." in name:
        return "router"
    if "latent_proj" in name:
        return "moe_latent"
    if ".mixer." in name:  # Nemotron-H's single-mixer layers
        if name.split(".")[-2] in ("q_proj", "k_proj", "v_proj", "o_proj"):
            return "attention"
        if name.split(".")[-2] in ("up_proj", "down_proj"):
            return "dense_mlp"
        return "ssm"
    if ".shared_mlp." in name:  # Granite 4.0-H, beside its routed experts
        return "shared_experts"
    if ".conv." in name:  # LFM2's gated short convolution
        return "short_conv"
    if ".mamba." in name:
        return "ssm"
    if ".linear_attn." in name:
        return "linear_attention"
    if "self_attn" in name:
        return "attention"
    if ".mlp." in name or ".feed_forward." in name:
        return "dense_mlp"
    raise AssertionError(f"unclassified parameter {name}")


def param_groups(model: Any) -> dict[str, int]:
    """Sum of unique parameters per flopcast group (named_parameters dedups tied weights)."""
    sums: dict[str, int] = {}
    for name, p in model.named_parameters():
        g = group_of(name)
        sums[g] = sums.get(g, 0) + p.numel()
    return sums


# ---- FLOPs on a real forward pass ----------------------------------------------------------

PAIRS: list[tuple[int, int]] = []  # (layer index, allowed (query, key) pairs) per attention call


def _counting_attention(
    module: Any, query: Any, key: Any, value: Any, attention_mask: Any, **kwargs: Any
) -> Any:
    """Eager attention of the module's own modeling file, recording the mask's allowed pairs."""
    indices = kwargs.pop("indices", None)
    if indices is not None and attention_mask is not None:
        # DSA top-k keys: transformers folds them into the mask only for eager/sdpa by name
        keep = torch.zeros_like(attention_mask[:, :1], dtype=torch.bool)
        keep = keep.scatter(-1, indices.long().unsqueeze(1), True)
        attention_mask = attention_mask.masked_fill(~keep, torch.finfo(query.dtype).min)
    if attention_mask is None:
        pairs = query.shape[-2] * key.shape[-2]
    else:
        pairs = int((attention_mask[0, 0] == 0).sum())
    PAIRS.append((int(module.layer_idx), pairs))
    eager = sys.modules[type(module).__module__].eager_attention_forward
    return eager(module, query, key, value, attention_mask, **kwargs)


AttentionInterface.register("flopcast_count", _counting_attention)
AttentionMaskInterface.register("flopcast_count", eager_mask)


def measure_forward(
    config: Mapping[str, Any], seq_len: int, attn_implementation: str = "flopcast_count"
) -> tuple[int, dict[int, int]]:
    """FlopCounterMode total for one CPU forward pass, and mask pairs per layer."""
    torch.manual_seed(0)
    model = build_model(config, device="cpu", attn_implementation=attn_implementation)
    model.eval()
    vocab = model.config.get_text_config().vocab_size
    ids = torch.randint(0, vocab, (1, seq_len))
    PAIRS.clear()
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(input_ids=ids, use_cache=False)
    return int(counter.get_total_flops()), dict(PAIRS)


def main() -> None:
    """Print the transformers totals recorded in test_released.py."""
    import json

    from flopcast.arch.hub import shipped_configs

    for repo, path in shipped_configs().items():
        model = build_model(json.loads(path.read_text(encoding="utf-8")))
        print(f"{repo}: {sum(p.numel() for p in model.parameters()):_}")


if __name__ == "__main__":
    main()
