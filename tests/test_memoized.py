"""Results remembered within a run are the results computed afresh, and inputs are still
checked before anything remembered is used."""

from __future__ import annotations

import pytest

from flopcast.errors import FlopcastError
from flopcast.inference import model_spec
from flopcast.inference.kv import _kv_cache, kv_cache


def test_kv_cache_remembered_is_kv_cache_computed() -> None:
    spec = model_spec("llama-4-scout")
    first = kv_cache(spec, 8192, "fp16", 1)
    assert kv_cache(spec, 8192, "f16", 1) is first  # an alias of the same dtype
    _kv_cache.cache_clear()
    assert kv_cache(spec, 8192, "fp16", 1) == first


@pytest.mark.parametrize("sequences", [True, 0, 1.0])
def test_kv_cache_checks_sequences_even_when_remembered(sequences: object) -> None:
    spec = model_spec("llama-4-scout")
    kv_cache(spec, 8192, "fp16", 1)
    with pytest.raises(FlopcastError, match="sequences"):
        kv_cache(spec, 8192, "fp16", sequences)  # type: ignore[arg-type]
