"""Tiny configs of the hybrid model types (recurrent layers with a fixed state).

Kept apart from ``tiny.py`` so families can be added without touching it; ``tiny.py`` merges
them into ``TINY``. Each one is passed as-is both to flopcast and to transformers.
"""

from __future__ import annotations

from typing import Any

_GDN: dict[str, Any] = {
    "vocab_size": 96,
    "hidden_size": 64,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "head_dim": 16,
    "linear_num_key_heads": 2,
    "linear_num_value_heads": 4,
    "linear_key_head_dim": 16,
    "linear_value_head_dim": 8,
    "linear_conv_kernel_dim": 3,
}
_QWEN35_VISION: dict[str, Any] = {
    "depth": 2,
    "hidden_size": 32,
    "intermediate_size": 48,
    "num_heads": 4,
    "patch_size": 4,
    "temporal_patch_size": 2,
    "spatial_merge_size": 2,
    "out_hidden_size": 64,
    "num_position_embeddings": 16,
}

_NEMOTRON: dict[str, Any] = {
    "model_type": "nemotron_h",
    "vocab_size": 96,
    "hidden_size": 64,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "head_dim": 16,
    "mamba_num_heads": 4,
    "mamba_head_dim": 8,
    "ssm_state_size": 8,
    "n_groups": 2,
    "conv_kernel": 3,
    "chunk_size": 8,
    "intermediate_size": 48,
    "n_routed_experts": 4,
    "num_experts_per_tok": 2,
    "moe_intermediate_size": 24,
    "moe_shared_expert_intermediate_size": 32,
}

_GEMMA4: dict[str, Any] = {
    "model_type": "gemma4_text",
    "vocab_size": 96,
    "hidden_size": 64,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "head_dim": 16,
    "global_head_dim": 32,
    "intermediate_size": 48,
    "sliding_window": 5,
}

TINY_HYBRID: dict[str, dict[str, Any]] = {
    "gemma4_text-moe-k-eq-v": {
        **_GEMMA4,
        "num_hidden_layers": 6,
        "attention_k_eq_v": True,
        "num_global_key_value_heads": 1,
        "enable_moe_block": True,
        "num_experts": 4,
        "top_k_experts": 2,
        "moe_intermediate_size": 24,
        "hidden_size_per_layer_input": 0,
    },
    "gemma4_text-ple-kv-shared-untied": {
        **_GEMMA4,
        "num_hidden_layers": 4,
        "layer_types": ["sliding_attention", "full_attention"] * 2,
        "num_kv_shared_layers": 2,
        "use_double_wide_mlp": True,
        "hidden_size_per_layer_input": 8,
        "vocab_size": 80,  # the per-layer table is larger (96)
        "vocab_size_per_layer_input": 96,
        "tie_word_embeddings": False,
    },
    "gemma4-multimodal": {
        "model_type": "gemma4",
        "text_config": {
            **_GEMMA4,
            "model_type": "gemma4_text",
            "num_hidden_layers": 2,
            "hidden_size_per_layer_input": 8,
            "vocab_size_per_layer_input": 96,
        },
        "vision_config": {
            "model_type": "gemma4_vision",
            "hidden_size": 32,
            "intermediate_size": 48,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
            "head_dim": 8,
            "patch_size": 4,
            "position_embedding_size": 64,
        },
    },
    "nemotron_h-pattern": {
        **_NEMOTRON,
        "hybrid_override_pattern": "M*-ME",
        "num_hidden_layers": 5,
    },
    "nemotron_h-latent-legacy-names": {
        **_NEMOTRON,
        "layers_block_type": ["mamba", "moe", "attention", "moe", "mamba"],
        "num_hidden_layers": 5,
        "moe_latent_size": 16,
        "mamba_n_groups": 1,
        "use_conv_bias": False,
        "use_bias": True,
        "mlp_bias": True,
        "tie_word_embeddings": True,
    },
    "qwen3_next-step-mlp-only": {
        "model_type": "qwen3_next",
        **_GDN,
        "num_hidden_layers": 4,
        "intermediate_size": 48,
        "num_experts": 4,
        "num_experts_per_tok": 2,
        "moe_intermediate_size": 24,
        "shared_expert_intermediate_size": 40,
        "decoder_sparse_step": 2,
        "mlp_only_layers": [1],
    },
    "qwen3_next-mha-tied-bias": {
        "model_type": "qwen3_next",
        **_GDN,
        "num_key_value_heads": 4,
        "linear_num_key_heads": 4,
        "linear_conv_kernel_dim": 4,
        "num_hidden_layers": 2,
        "full_attention_interval": 2,
        "num_experts": 3,
        "num_experts_per_tok": 1,
        "moe_intermediate_size": 16,
        "shared_expert_intermediate_size": 24,
        "attention_bias": True,
        "tie_word_embeddings": True,
    },
    "qwen3_5_text-layer-types": {
        "model_type": "qwen3_5_text",
        **_GDN,
        "num_hidden_layers": 3,
        "intermediate_size": 56,
        "layer_types": ["linear_attention", "full_attention", "linear_attention"],
    },
    "qwen3_5_moe_text": {
        "model_type": "qwen3_5_moe_text",
        **_GDN,
        "num_hidden_layers": 2,
        "full_attention_interval": 2,
        "num_experts": 4,
        "num_experts_per_tok": 2,
        "moe_intermediate_size": 16,
        "shared_expert_intermediate_size": 24,
    },
    "qwen3_5-multimodal": {
        "model_type": "qwen3_5",
        "text_config": {
            "model_type": "qwen3_5_text",
            **_GDN,
            "num_hidden_layers": 2,
            "full_attention_interval": 2,
            "intermediate_size": 40,
        },
        "vision_config": _QWEN35_VISION,
    },
    "qwen3_5_moe-multimodal": {
        "model_type": "qwen3_5_moe",
        "text_config": {
            "model_type": "qwen3_5_moe_text",
            **_GDN,
            "num_hidden_layers": 2,
            "full_attention_interval": 2,
            "num_experts": 4,
            "num_experts_per_tok": 2,
            "moe_intermediate_size": 16,
            "shared_expert_intermediate_size": 24,
        },
        "vision_config": _QWEN35_VISION,
    },
}
