"""Weight bytes are exact sums of fractions, however they are added up."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from flopcast.errors import FlopcastError
from flopcast.inference import model_spec, weight_bytes
from flopcast.inference.gguf import _hparams, _Tensor, _tensors
from flopcast.inference.quantization import _format_data
from flopcast.inference.weight_bytes import _tensor_bits, weights


def test_tensors_over_a_common_denominator_are_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    # thirds of a fused expert block, sevenths read per token: over a denominator of 21
    spec = model_spec("llama-4-maverick")
    tensors = (
        _Tensor("routed_experts", "ffn_up", True, 0, Fraction(10, 3), Fraction(10, 21), 8, True),
        _Tensor("attention", "attn_q", False, 0, Fraction(64), Fraction(64), 8, True),
    )
    monkeypatch.setattr(weight_bytes, "_tensors", lambda spec, hp: tensors)
    weight_bytes._scaled_tensors.cache_clear()
    try:
        scale, scaled = weight_bytes._scaled_tensors(spec)
    finally:
        weight_bytes._scaled_tensors.cache_clear()
    assert scale == 21
    assert scaled == ((tensors[0], 70, 10), (tensors[1], 64 * 21, 64 * 21))


@pytest.mark.parametrize("name", ["llama-4-maverick", "deepseek-v3", "qwen3-30b-a3b"])
def test_weights_by_kind_of_tensor_equal_the_sum_tensor_by_tensor(name: str) -> None:
    # _weights works a storage type out once per kind of tensor; here, once per tensor
    spec = model_spec(name)
    assert spec.arch is not None
    hp = _hparams(spec)
    for f in _format_data().formats:
        try:
            w = weights(spec, f)
        except FlopcastError:  # an MoE-only format on a dense model
            continue
        stored: dict[str, Fraction] = {}
        for t in _tensors(spec, hp):
            _, bits = _tensor_bits(f, t, hp, spec.arch.tied_embeddings)
            stored[t.group] = stored.get(t.group, Fraction(0)) + t.params * bits / 8
        for e in spec.arch.extras:  # a vision tower: counted apart from the text tensors
            stored.pop(e.name, None)
        for g in w.groups:
            if g.name in stored:
                assert g.bytes == math.ceil(stored.pop(g.name)), (f.id, g.name)
        assert not stored, f.id
