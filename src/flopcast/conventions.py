"""The operation-counting convention every part of flopcast uses: C = 6·N·D.

A forward pass costs 2 FLOP per parameter per token (one multiply-add = 2 FLOP); the backward
pass costs twice the forward, so training costs 3x forward = 6 FLOP per parameter per token
(Kaplan et al. 2020, arXiv:2001.08361, sec. 2.1; Hoffmann et al. 2022, arXiv:2203.15556,
sec. 3). Full activation recomputation adds one more forward pass: 4x forward = 8·N·D.
"""

from __future__ import annotations

#: FLOP per parameter per token of a forward pass (one multiply-add = 2 FLOP).
FORWARD_FLOP_PER_PARAM_TOKEN = 2
#: Training = forward + backward (2x forward) = 3x forward.
TRAINING_MULTIPLIER = 3
#: With full activation recomputation, one more forward: 4x forward.
RECOMPUTE_MULTIPLIER = 4
#: The 6 of C = 6·N·D (Kaplan et al. 2020 sec. 2.1).
FLOP_PER_PARAM_TOKEN = FORWARD_FLOP_PER_PARAM_TOKEN * TRAINING_MULTIPLIER
#: The 8 of C = 8·N·D with full activation recomputation.
FLOP_PER_PARAM_TOKEN_RECOMPUTE = FORWARD_FLOP_PER_PARAM_TOKEN * RECOMPUTE_MULTIPLIER
