"""Compute-optimality: named scaling laws, MoE sparsity, over-training, and fitting laws.

The light modules (``laws``, ``moe``, ``overtrain``) use the standard library only; ``fit``
imports numpy and scipy and is imported only by the code that fits.
"""

from flopcast.scaling._data import Citation
from flopcast.scaling.laws import (
    FixedRatioLaw,
    Law,
    OptimalPoint,
    ParametricLaw,
    PowerLaw,
    get_law,
    law_names,
    optimal,
)
from flopcast.scaling.moe import (
    Multiplier,
    Sparsity,
    multiplier,
    sparsity_from_experts,
    sparsity_from_params,
    sparsity_stated,
)
from flopcast.scaling.overtrain import (
    OvertrainReport,
    overtrain,
    overtraining_cost,
    overtraining_factor,
)

__all__ = [
    "Citation",
    "FixedRatioLaw",
    "Law",
    "Multiplier",
    "OptimalPoint",
    "OvertrainReport",
    "ParametricLaw",
    "PowerLaw",
    "Sparsity",
    "get_law",
    "law_names",
    "multiplier",
    "optimal",
    "overtrain",
    "overtraining_cost",
    "overtraining_factor",
    "sparsity_from_experts",
    "sparsity_from_params",
    "sparsity_stated",
]
