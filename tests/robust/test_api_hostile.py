"""Every public function, every argument, every hostile value: a result or a FlopcastError.

Each function is called with valid arguments, then with one argument at a time replaced by a
value a careless caller might pass (``None``, NaN, infinities, negatives, zero, huge integers,
empty or malformed strings, the wrong type). The call must either succeed or raise
:class:`~flopcast.errors.FlopcastError` (a ``ValueError``; :class:`FlopcastTypeError` is also a
``TypeError``) with a one-line message that names no command-line flag.
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Callable
from typing import Any

import pytest

import flopcast
from flopcast import arch, scaling
from flopcast.comparison import compare_all
from flopcast.datafiles import data_path
from flopcast.epoch import read_epoch_csv
from flopcast.errors import FlopcastError
from flopcast.model_optimality import optimality

TINY_CONFIG = {
    "model_type": "llama",
    "hidden_size": 64,
    "intermediate_size": 128,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "num_hidden_layers": 2,
    "vocab_size": 1000,
}
SHIPPED_EPOCH = str(data_path("epoch_notable.csv"))

HOSTILE: tuple[Any, ...] = (
    None,
    math.nan,
    math.inf,
    -math.inf,
    -1,
    0,
    -0.0,
    5e-324,
    1e308,
    10**400,
    "",
    " ",
    "abc",
    "nan",
    "1e400",
    "1e200..1e300",
    "5~1e400x",
    "30T[40T..50T]",
    "\x1b[2J",
    "a" * 10_000,
    b"17B",
    True,
    [],
    {},
    object(),
)

#: Each public function with valid keyword arguments (a call with these must succeed).
CALLS: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {
    "parse": (flopcast.parse, {"text": "17B", "kind": flopcast.Kind.COUNT, "what": "x"}),
    "Quantity": (flopcast.Quantity, {"value": 5.0, "low": 4.0, "high": 6.0, "unit": "FLOP"}),
    "fmt": (flopcast.fmt, {"q": flopcast.Quantity(5e25), "kind": flopcast.Kind.FLOP, "sig": 3}),
    "estimate": (flopcast.estimate, {"active_params": "17B", "tokens": "22T"}),
    "estimate (hardware)": (
        flopcast.estimate,
        {"accelerators": "32K", "accelerator_name": "h100", "duration": "90d", "utilization": 0.4},
    ),
    "operation_count": (flopcast.operation_count, {"active_params": 17e9, "tokens": 22e12}),
    "compare": (flopcast.compare, {"a": "5.18e25", "b": "3.8e25"}),
    "ratio_words": (flopcast.ratio_words, {"r": 1.36}),
    "cluster": (
        flopcast.cluster,
        {"accelerators": "100K", "accelerator_name": "h100", "duration": "90d"},
    ),
    "accelerator": (flopcast.accelerator, {"name": "h100"}),
    "Sampling": (flopcast.Sampling, {"samples": 1000, "seed": 1}),
    "model": (flopcast.model, {"name": "maverick"}),
    "model_compute": (flopcast.model_compute, {"m": "maverick"}),
    "headline": (flopcast.headline, {"m": "maverick"}),
    "frontier": (flopcast.frontier, {"at": "2025-04-05", "top": 3}),
    "from_config": (arch.from_config, {"config": TINY_CONFIG}),
    "optimal": (scaling.optimal, {"law": "llama3", "compute": 5e25, "sparsity": 8}),
    "overtrain": (
        scaling.overtrain,
        {"active_params": 17e9, "tokens": 22e12, "law": "fixed:40", "total_params": 400e9},
    ),
    "get_law": (scaling.get_law, {"spec": "hoffmann2022"}),
    "multiplier": (scaling.multiplier, {"spec": "default", "sparsity": 8.0, "compute": 1e25}),
    "sparsity_stated": (scaling.sparsity_stated, {"value": 8.0}),
    "sparsity_from_params": (scaling.sparsity_from_params, {"total": 400e9, "active": 17e9}),
    "sparsity_from_experts": (
        scaling.sparsity_from_experts,
        {"routed_experts": 256, "active_experts": 8},
    ),
    "overtraining_cost": (scaling.overtraining_cost, {"k": 4.0, "alpha": 0.34, "beta": 0.28}),
    "optimality": (
        optimality,
        {"active_params": "17B", "tokens": "22T", "total_params": "400B", "law": "fixed:40"},
    ),
    "compare_all": (compare_all, {"subjects": ["5e25", "maverick"], "top": 2}),
    "read_epoch_csv": (read_epoch_csv, {"path": SHIPPED_EPOCH}),
    "plan": (
        flopcast.plan,
        {
            "model": TINY_CONFIG,
            "accelerators": 8,
            "tp": 2,
            "seq": 1024,
            "global_batch": 64,
            "zero": 1,
            "recompute": "full",
            "utilization": "40%",
            "tokens": "1T",
        },
    ),
    "plan_search": (
        flopcast.plan_search,
        {"model": TINY_CONFIG, "accelerators": 8, "tp": 2, "seq": 1024, "top": 3},
    ),
    # a command's answer: its options as keywords
    "answer(compute)": (
        functools.partial(flopcast.answer, "compute"),
        {"active": "288B", "tokens": "30T..40T", "gpus": "32K", "achieved": "390T",
         "vs": ["3.8e25"], "samples": 1000},
    ),
    "answer(cluster)": (
        functools.partial(flopcast.answer, "cluster"),
        {"gpus": "1000", "gpu": "h100", "days": "30d", "mfu": "40%", "date": "2024-10",
         "samples": 1000},
    ),
    "answer(plan)": (
        functools.partial(flopcast.answer, "plan"),
        {"model": TINY_CONFIG, "gpus": 8, "tp": 2, "seq": 1024, "search": True, "top": 3},
    ),
    "answer(trend)": (
        functools.partial(flopcast.answer, "trend"),
        {"select": "frontier", "start": "2018", "at": ["2027-06"], "when": ["1e27"],
         "resamples": 100},
    ),
    "answer(local)": (
        functools.partial(flopcast.answer, "local"),
        {"models": "llama-3.1-8b", "quant": "q4_k_m", "context": "32k", "on": "rtx 4090"},
    ),
}  # fmt: skip


def _cases() -> list[tuple[str, str, Any]]:
    out = []
    for label, (_, base) in CALLS.items():
        for arg in base:
            out += [(label, arg, i) for i in range(len(HOSTILE))]
    return out


@pytest.mark.parametrize("label", list(CALLS))
def test_valid_calls_succeed(label: str) -> None:
    func, base = CALLS[label]
    func(**base)


@pytest.mark.parametrize(("label", "arg", "index"), _cases())
def test_hostile_value_is_a_result_or_a_flopcast_error(label: str, arg: str, index: int) -> None:
    func, base = CALLS[label]
    value = HOSTILE[index]
    try:
        result = func(**{**base, arg: value})
    except FlopcastError as exc:
        message = str(exc)
        assert message and "\n" not in message, message
        assert "--" not in message.replace("---", ""), f"a Python message names a flag: {message}"
        return
    # accepted: then whatever came back holds only finite numbers
    if hasattr(result, "to_dict"):
        _assert_finite(result.to_dict())
    elif isinstance(result, float):
        assert math.isfinite(result)


def _assert_finite(data: Any) -> None:
    if isinstance(data, float):
        assert math.isfinite(data), data
    elif isinstance(data, dict):
        for v in data.values():
            _assert_finite(v)
    elif isinstance(data, list | tuple):
        for v in data:
            _assert_finite(v)


def test_wrong_types_are_type_errors_too() -> None:
    """Code that expects Python's convention (TypeError for a wrong type) catches them."""
    for call in (
        lambda: flopcast.parse(None, flopcast.Kind.COUNT),  # type: ignore[arg-type]
        lambda: flopcast.Quantity(None),  # type: ignore[arg-type]
        lambda: flopcast.operation_count(None, 5),  # type: ignore[arg-type]
        lambda: flopcast.Sampling(seed=None),  # type: ignore[arg-type]
    ):
        with pytest.raises(TypeError):
            call()
        with pytest.raises(ValueError):
            call()


def test_a_range_of_huge_values_has_a_finite_midpoint() -> None:
    q = flopcast.parse("1e200..1e300", flopcast.Kind.COUNT)
    assert q.value == pytest.approx(1e250)  # sqrt(1e200 · 1e300), without forming the product
    assert (q.low, q.high) == (1e200, 1e300)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: flopcast.Quantity(5, low=10, high=20), "outside its interval"),
        (lambda: flopcast.Quantity(-5), "greater than zero"),
        (lambda: flopcast.Quantity(math.nan), "finite"),
        (lambda: flopcast.ratio_words(0), "positive"),
        (lambda: flopcast.Sampling(seed=-1), "non-negative"),
        (lambda: flopcast.fmt(flopcast.Quantity(5.0), flopcast.Kind.FLOP, sig=0), "sig"),
        (lambda: flopcast.operation_count(-1, 5), "greater than zero"),
        (lambda: flopcast.operation_count(1e200, 1e200), "not a finite number"),
        (lambda: flopcast.estimate(active_params="1e200", tokens="1e200"), "too large"),
        (lambda: flopcast.compare("1e300", "1e-300"), "too large"),
        (lambda: flopcast.model(None), None),  # type: ignore[arg-type]
    ],
)
def test_the_reported_python_cases(call: Callable[[], Any], message: str | None) -> None:
    """The calls that raised something other than FlopcastError, or returned nonsense."""
    if message is None:
        with contextlib.suppress(FlopcastError):
            call()
        return
    with pytest.raises(FlopcastError, match=message):
        call()
