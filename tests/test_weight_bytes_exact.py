"""Weight bytes are exact sums of fractions, however they are added up."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flopcast.errors import FlopcastError
from flopcast.inference import model_spec
from flopcast.inference.gguf import _hparams, _tensors
from flopcast.inference.quantization import _format_data
from flopcast.inference.weight_bytes import _exact_sum, _tensor_bits, weights

fractions = st.fractions(min_value=0, max_value=10**15, max_denominator=1000)


@given(st.lists(fractions, max_size=60))
def test_exact_sum_is_the_sum(xs: list[Fraction]) -> None:
    assert _exact_sum(xs) == sum(xs, Fraction(0))


def test_exact_sum_of_thirds() -> None:
    # an expert tensor is a third of a fused [E, 2I, h] + [E, h, I] block: 3 x 1/3 + 2 = 3
    assert _exact_sum([Fraction(1, 3)] * 3 + [Fraction(2)]) == 3


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
