"""Tiny configs for the MoE/MLA/sparse-attention model_types of 2025-26 (merged into TINY).

Same rules as ``tiny.py``: 2-7 layers, small dims, few experts, passed as-is both to
flopcast and to transformers. Top-k and windows are below the 16-token test sequence so
they bind.
"""

from __future__ import annotations

from typing import Any

_BASE: dict[str, Any] = {"vocab_size": 96, "hidden_size": 64, "num_attention_heads": 4}

_MLA: dict[str, Any] = {
    **_BASE,
    "intermediate_size": 72,
    "num_key_value_heads": 4,
    "kv_lora_rank": 16,
    "qk_nope_head_dim": 8,
    "qk_rope_head_dim": 4,
    "v_head_dim": 12,
    "n_routed_experts": 6,
    "num_experts_per_tok": 2,
    "n_group": 1,
    "topk_group": 1,
    "moe_intermediate_size": 16,
}

TINY_MOE: dict[str, dict[str, Any]] = {
    "deepseek_v32-dsa": {
        "model_type": "deepseek_v32",
        **_MLA,
        "num_hidden_layers": 3,
        "q_lora_rank": 24,
        "first_k_dense_replace": 1,
        "n_shared_experts": 2,
        "index_topk": 5,
        "index_head_dim": 12,
        "index_n_heads": 3,
        "num_nextn_predict_layers": 1,
    },
    "deepseek_v32-mlp-types-bias": {
        "model_type": "deepseek_v32",
        **_MLA,
        "num_hidden_layers": 3,
        "q_lora_rank": 16,
        "mlp_layer_types": ["sparse", "dense", "sparse"],
        "attention_bias": True,
        "index_topk": 7,
        "index_head_dim": 8,
        "index_n_heads": 2,
        "tie_word_embeddings": True,
    },
    "glm_moe_dsa-shared-indexer": {
        "model_type": "glm_moe_dsa",
        **_MLA,
        "num_hidden_layers": 4,
        "q_lora_rank": 20,
        "first_k_dense_replace": 1,
        "index_topk": 6,
        "index_head_dim": 8,
        "index_n_heads": 2,
        "indexer_types": ["full", "shared", "full", "shared"],
        "num_nextn_predict_layers": 1,
    },
    "glm_moe_dsa-defaults": {
        "model_type": "glm_moe_dsa",
        **_MLA,
        "num_hidden_layers": 2,
        "first_k_dense_replace": 0,
        "index_topk": 4,
        "index_head_dim": 8,
    },
    "glm4_moe_lite-noqlora": {
        "model_type": "glm4_moe_lite",
        **_MLA,
        "num_hidden_layers": 3,
        "q_lora_rank": None,
        "num_nextn_predict_layers": 1,
    },
    "glm4_moe_lite-lora": {
        "model_type": "glm4_moe_lite",
        **_MLA,
        "num_hidden_layers": 2,
        "q_lora_rank": 12,
        "n_shared_experts": 2,
        "mlp_layer_types": ["sparse", "sparse"],
    },
    "kimi_k25-multimodal": {
        "model_type": "kimi_k25",
        "text_config": {
            "model_type": "kimi_k2",
            **_MLA,
            "num_hidden_layers": 2,
            "q_lora_rank": 16,
            "first_k_dense_replace": 1,
            "n_shared_experts": 1,
        },
        "vision_config": {
            "hidden_size": 32,
            "intermediate_size": 40,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "patch_size": 14,
            "pos_emb_height": 6,
            "pos_emb_width": 5,
        },
        "projection_hidden_size": 32,
        "tie_word_embeddings": False,
    },
}
