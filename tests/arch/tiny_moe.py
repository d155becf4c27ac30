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

_GQA_MOE: dict[str, Any] = {**_BASE, "num_key_value_heads": 2, "intermediate_size": 40}

TINY_MOE.update(
    {
        "glm4_moe-qknorm-headdim": {
            "model_type": "glm4_moe",
            **_GQA_MOE,
            "num_hidden_layers": 3,
            "head_dim": 24,
            "n_routed_experts": 6,
            "num_experts_per_tok": 2,
            "moe_intermediate_size": 16,
            "n_shared_experts": 2,
            "use_qk_norm": True,
            "attention_bias": True,
            "num_nextn_predict_layers": 1,
        },
        "glm4_moe-defaults": {
            "model_type": "glm4_moe",
            **_GQA_MOE,
            "num_hidden_layers": 2,
            "num_key_value_heads": 4,
            "n_routed_experts": 4,
            "num_experts_per_tok": 1,
            "moe_intermediate_size": 12,
            "tie_word_embeddings": True,
        },
        "dots1-sliding": {
            "model_type": "dots1",
            **_GQA_MOE,
            "num_hidden_layers": 3,
            "n_routed_experts": 5,
            "num_experts_per_tok": 2,
            "moe_intermediate_size": 16,
            "n_shared_experts": 2,
            "first_k_dense_replace": 1,
            "sliding_window": 5,
            "max_window_layers": 1,
            "attention_bias": True,
        },
        "minimax_m2": {
            "model_type": "minimax_m2",
            **_GQA_MOE,
            "num_hidden_layers": 2,
            "head_dim": 20,
            "num_local_experts": 5,
            "num_experts_per_tok": 2,
            "intermediate_size": 24,
            "rotary_dim": 10,
        },
        "mimo_v2_flash-hybrid": {
            "model_type": "mimo_v2_flash",
            **_GQA_MOE,
            "num_hidden_layers": 7,
            "head_dim": 24,
            "v_head_dim": 12,
            "n_routed_experts": 4,
            "num_experts_per_tok": 2,
            "moe_intermediate_size": 16,
            "sliding_window": 6,
            "attention_bias": True,
        },
        "mimo_v2_flash-types": {
            "model_type": "mimo_v2_flash",
            **_GQA_MOE,
            "num_hidden_layers": 3,
            "num_key_value_heads": 1,
            "head_dim": 16,
            "v_head_dim": 16,
            "n_routed_experts": 4,
            "num_experts_per_tok": 1,
            "moe_intermediate_size": 16,
            "layer_types": ["sliding_attention", "full_attention", "sliding_attention"],
            "mlp_layer_types": ["sparse", "dense", "sparse"],
            "sliding_window_size": 4,
        },
        "ernie4_5_moe-bias-tied": {
            "model_type": "ernie4_5_moe",
            **_GQA_MOE,
            "num_hidden_layers": 4,
            "moe_num_experts": 4,
            "moe_k": 2,
            "moe_intermediate_size": 16,
            "moe_num_shared_experts": 1,
            "moe_layer_interval": 2,
            "use_bias": True,
        },
        "ernie4_5_moe-defaults": {
            "model_type": "ernie4_5_moe",
            **_GQA_MOE,
            "num_hidden_layers": 3,
            "moe_num_experts": 6,
            "moe_k": 3,
            "moe_intermediate_size": 8,
            "moe_layer_end_index": 1,
            "tie_word_embeddings": False,
        },
        "hunyuan_v1_moe-topk-list": {
            "model_type": "hunyuan_v1_moe",
            **_GQA_MOE,
            "num_hidden_layers": 2,
            "head_dim": 16,
            "num_experts": 4,
            "moe_topk": [1, 2],
            "attention_bias": True,
        },
        "granitemoe": {
            "model_type": "granitemoe",
            **_GQA_MOE,
            "num_hidden_layers": 2,
            "num_local_experts": 4,
            "num_experts_per_tok": 2,
            "attention_bias": True,
            "tie_word_embeddings": True,
        },
    }
)

_DENSE: dict[str, Any] = {**_BASE, "num_key_value_heads": 2, "intermediate_size": 56}

_PIXTRAL: dict[str, Any] = {
    "model_type": "pixtral",
    "hidden_size": 32,
    "intermediate_size": 40,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "head_dim": 8,
    "image_size": 56,
    "patch_size": 14,
}

TINY_MOE.update(
    {
        "ministral3-sliding": {
            "model_type": "ministral3",
            **_DENSE,
            "num_hidden_layers": 2,
            "head_dim": 20,
            "sliding_window": 6,
        },
        "phi3-fused": {
            "model_type": "phi3",
            **_DENSE,
            "num_hidden_layers": 2,
            "pad_token_id": None,
            "eos_token_id": None,
        },
        "phi3-sliding-mha": {
            "model_type": "phi3",
            **_DENSE,
            "num_hidden_layers": 2,
            "num_key_value_heads": None,
            "pad_token_id": None,
            "eos_token_id": None,
            "sliding_window": 5,
            "tie_word_embeddings": True,
        },
        "smollm3-nope-sliding": {
            "model_type": "smollm3",
            **_DENSE,
            "num_hidden_layers": 4,
            "no_rope_layer_interval": 2,
            "pad_token_id": None,
            "use_sliding_window": True,
            "sliding_window": 5,
            "attention_bias": True,
            "mlp_bias": True,
        },
        "seed_oss-bias": {
            "model_type": "seed_oss",
            **_DENSE,
            "num_hidden_layers": 2,
            "head_dim": 24,
            "attention_out_bias": True,
            "mlp_bias": True,
        },
        "olmo2-bias": {
            "model_type": "olmo2",
            **_DENSE,
            "num_hidden_layers": 2,
            "attention_bias": True,
            "tie_word_embeddings": True,
        },
        "olmo3-sliding": {
            "model_type": "olmo3",
            **_DENSE,
            "num_hidden_layers": 5,
            "sliding_window": 6,
        },
        "exaone4-pattern": {
            "model_type": "exaone4",
            **_DENSE,
            "num_hidden_layers": 4,
            "head_dim": 12,
            "sliding_window": 5,
            "sliding_window_pattern": 2,
        },
        "exaone4-lllg": {
            "model_type": "exaone4",
            **_DENSE,
            "num_hidden_layers": 4,
            "sliding_window": 7,
            "sliding_window_pattern": "LLLG",
            "layer_types": [
                "sliding_attention",
                "sliding_attention",
                "sliding_attention",
                "full_attention",
            ],
        },
        "mistral3-vision": {
            "model_type": "mistral3",
            "text_config": {"model_type": "ministral3", **_DENSE, "num_hidden_layers": 2},
            "vision_config": _PIXTRAL,
            "tie_word_embeddings": False,
        },
        "mistral3-mistral-text-tied": {
            "model_type": "mistral3",
            "text_config": {
                "model_type": "mistral",
                **_DENSE,
                "num_hidden_layers": 1,
                "head_dim": 16,
                "sliding_window": None,
            },
            "vision_config": _PIXTRAL,
            "multimodal_projector_bias": True,
            "spatial_merge_size": 1,
        },
    }
)

_V4: dict[str, Any] = {
    **_BASE,
    "num_key_value_heads": 1,
    "head_dim": 16,
    "q_lora_rank": 12,
    "o_groups": 2,
    "o_lora_rank": 10,
    "sliding_window": 6,
    "index_n_heads": 2,
    "index_head_dim": 8,
    "index_topk": 2,
    "hc_mult": 3,
    "n_routed_experts": 4,
    "num_experts_per_tok": 2,
    "moe_intermediate_size": 12,
    "qk_rope_head_dim": 8,
    "compress_rates": {"compressed_sparse_attention": 2, "heavily_compressed_attention": 4},
}

TINY_MOE.update(
    {
        "deepseek_v4-csa-hca": {
            "model_type": "deepseek_v4",
            **_V4,
            "num_hidden_layers": 4,
            "num_nextn_predict_layers": 1,
        },
        "deepseek_v4-legacy-ratios": {
            "model_type": "deepseek_v4",
            **{k: v for k, v in _V4.items() if k != "compress_rates"},
            "num_hidden_layers": 3,
            "compress_ratios": [0, 4, 128, 4],
            "compress_rate_hca": 8,
            "num_hash_layers": 1,
            "index_topk": 3,
            "num_nextn_predict_layers": 1,
        },
    }
)
