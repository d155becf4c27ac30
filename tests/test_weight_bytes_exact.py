"""Weight bytes are exact sums of fractions, however they are added up."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from flopcast.inference.weight_bytes import _exact_sum

fractions = st.fractions(min_value=0, max_value=10**15, max_denominator=1000)


@given(st.lists(fractions, max_size=60))
def test_exact_sum_is_the_sum(xs: list[Fraction]) -> None:
    assert _exact_sum(xs) == sum(xs, Fraction(0))


def test_exact_sum_of_thirds() -> None:
    # an expert tensor is a third of a fused [E, 2I, h] + [E, h, I] block: 3 x 1/3 + 2 = 3
    assert _exact_sum([Fraction(1, 3)] * 3 + [Fraction(2)]) == 3
