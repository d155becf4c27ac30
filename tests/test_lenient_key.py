"""Names fold for look-up the same way however the folding is computed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from flopcast.datafiles import lenient_key


@given(st.text())
def test_folding_keeps_exactly_the_letters_and_digits(name: str) -> None:
    assert lenient_key(name) == "".join(ch for ch in name.lower() if ch.isalnum())


def test_folding_examples() -> None:
    assert lenient_key("Llama-4 Maverick_17B.128E") == "llama4maverick17b128e"
    assert lenient_key("DeepSeek–V3 (Ⅲ)") == "deepseekv3ⅲ"  # a Roman numeral is alphanumeric
