"""Property tests over hostile input: the parser, quantities, the compute functions, the
config reader and the CSV importers either give finite, well-formed answers or raise
FlopcastError (one line). Extreme, non-finite, wrongly-typed and wrongly-encoded values."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import flopcast
from flopcast.arch import from_config
from flopcast.epoch import parse_epoch_csv
from flopcast.errors import FlopcastError
from flopcast.quantity import FORMS, SMALLEST, Kind, Quantity, fmt, fmt_sci, parse
from flopcast.store import decode_text, parse_json
from flopcast.uncertainty import Sampling

FAST = Sampling(samples=200, seed=0)
KINDS = st.sampled_from(list(Kind))

#: Numbers at the edges: non-finite, subnormal, the largest floats, negative, zero.
EDGE_FLOATS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 5e-324, 2.2e-308, 1e-300, 1e300, 1.7976931348623157e308]),
)
#: Text shaped like quantities, with the pieces that break parsers.
PIECES = st.sampled_from(
    ["1", "17", "1e400", "1e-400", "nan", "inf", "-", ".", "..", "~", "x", "[", "]", "e", "T",
     "B", "K", "%", "d", "months", "FLOP", "/s", " ", ",", "_", "١٧", "\x00", "\x1b", "1e308",
     "0", "9" * 30, "to", "–", "×"]
)  # fmt: skip
QUANTITY_TEXT = st.one_of(st.text(max_size=40), st.lists(PIECES, max_size=8).map("".join))


def well_formed(q: Quantity) -> None:
    for x in (q.value, q.low, q.high):
        assert x is None or (math.isfinite(x) and x >= SMALLEST)
    if q.low is not None and q.high is not None:
        assert q.low <= q.value <= q.high


def one_line(exc: FlopcastError) -> None:
    assert str(exc) and "\n" not in str(exc)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(text=QUANTITY_TEXT, kind=KINDS)
def test_parse_text_gives_a_finite_quantity_or_one_error(text: str, kind: Kind) -> None:
    try:
        q = parse(text, kind, what="x", default_duration="d")
    except FlopcastError as exc:
        one_line(exc)
        return
    well_formed(q)
    if kind is Kind.FRACTION:
        assert q.value <= 1 and (q.high is None or q.high <= 1)


@given(x=st.one_of(EDGE_FLOATS, st.integers(min_value=-(10**400), max_value=10**400)), kind=KINDS)
def test_parse_numbers_gives_a_finite_quantity_or_one_error(x: float, kind: Kind) -> None:
    try:
        q = parse(x, kind, what="x", default_duration="d")
    except FlopcastError as exc:
        one_line(exc)
        return
    well_formed(q)


@given(value=st.one_of(st.none(), st.booleans(), st.lists(st.integers()), st.binary()))
def test_parse_wrong_types_are_type_errors(value: Any) -> None:
    with pytest.raises(TypeError):
        parse(value, Kind.COUNT)


@given(x=st.floats(min_value=1e-300, max_value=1e300))
def test_scientific_notation_round_trips(x: float) -> None:
    # 17 significant figures identify a double exactly
    assert parse(fmt_sci(x, 17), Kind.FLOP).value == x


@given(low=st.floats(min_value=SMALLEST, max_value=1e308), high=st.floats(min_value=SMALLEST))
def test_ranges_never_overflow_their_midpoint(low: float, high: float) -> None:
    assume(math.isfinite(high) and low <= high)
    q = parse(f"{low!r}..{high!r}", Kind.NUMBER)
    well_formed(q)  # sqrt(low·high) without forming the product


@given(value=EDGE_FLOATS, low=EDGE_FLOATS, high=EDGE_FLOATS)
def test_quantity_is_finite_positive_and_ordered_or_refused(
    value: float, low: float, high: float
) -> None:
    try:
        q = Quantity(value, low, high)
    except FlopcastError as exc:
        one_line(exc)
        return
    well_formed(q)


@given(
    value=st.floats(min_value=SMALLEST, max_value=1.7e308),
    kind=KINDS,
    sig=st.integers(min_value=-3, max_value=30),
)
def test_formatting_never_shows_a_non_finite_number(value: float, kind: Kind, sig: int) -> None:
    if kind is Kind.FRACTION:
        value = min(value, 1.0)
    try:
        text = fmt(Quantity(value), kind, sig)
    except FlopcastError as exc:
        assert not 1 <= sig <= 17
        one_line(exc)
        return
    assert "inf" not in text and "nan" not in text


@settings(max_examples=150, deadline=None)
@given(n=QUANTITY_TEXT | EDGE_FLOATS, d=QUANTITY_TEXT | EDGE_FLOATS)
def test_estimate_is_finite_or_one_error(n: Any, d: Any) -> None:
    try:
        est = flopcast.estimate(active_params=n, tokens=d, sampling=FAST)
    except FlopcastError as exc:
        one_line(exc)
        return
    assert est.operation_count is not None
    well_formed(est.operation_count)
    json.dumps(est.to_dict(), allow_nan=False)


@settings(max_examples=100, deadline=None)
@given(
    gpus=QUANTITY_TEXT | EDGE_FLOATS,
    days=QUANTITY_TEXT | EDGE_FLOATS,
    mfu=st.one_of(st.none(), EDGE_FLOATS, QUANTITY_TEXT),
)
def test_cluster_is_finite_or_one_error(gpus: Any, days: Any, mfu: Any) -> None:
    try:
        res = flopcast.cluster(
            accelerators=gpus, accelerator_name="h100", duration=days, utilization=mfu,
            sampling=FAST,
        )  # fmt: skip
    except FlopcastError as exc:
        one_line(exc)
        return
    json.dumps(res.to_dict(), allow_nan=False)


@given(a=EDGE_FLOATS, b=EDGE_FLOATS)
def test_comparisons_are_finite_or_one_error(a: float, b: float) -> None:
    try:
        c = flopcast.compare(a, b, sampling=FAST)
    except FlopcastError as exc:
        one_line(exc)
        return
    well_formed(c.ratio)
    assert c.words


@given(n=EDGE_FLOATS | st.integers(), d=EDGE_FLOATS | st.integers())
def test_operation_count_is_finite_or_one_error(n: Any, d: Any) -> None:
    try:
        c = flopcast.operation_count(n, d)
    except FlopcastError as exc:
        one_line(exc)
        return
    assert math.isfinite(c) and c > 0


# ---- the config reader ---------------------------------------------------------------------

CONFIG_BASE: dict[str, Any] = {
    "model_type": "llama",
    "hidden_size": 64,
    "intermediate_size": 128,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "num_hidden_layers": 2,
    "vocab_size": 1000,
}
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    EDGE_FLOATS,
    st.text(max_size=10),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(
    key=st.sampled_from(
        [*CONFIG_BASE, "head_dim", "tie_word_embeddings", "layer_types", "sliding_window",
         "num_local_experts", "num_experts_per_tok", "text_config", "rope_scaling"]
    ),
    value=JSON_VALUES,
    model_type=st.sampled_from(["llama", "mixtral", "qwen3_moe", "deepseek_v3", "gemma3", "llama4",
                                "gpt_oss", "qwen2"]),
)  # fmt: skip
def test_config_reader_counts_or_gives_one_error(key: str, value: Any, model_type: str) -> None:
    config = {**CONFIG_BASE, "model_type": model_type, key: value}
    try:
        arch = from_config(config)
        per = arch.flops_per_token(8192)
        kv = arch.kv_cache_bytes(8192)
    except FlopcastError as exc:
        one_line(exc)
        return
    assert arch.total_params > 0 and arch.active_params > 0
    assert math.isfinite(per.training) and per.training > 0 and kv >= 0


@given(data=st.binary(max_size=200))
def test_json_of_any_bytes_is_a_value_or_one_error(data: bytes) -> None:
    try:
        value = parse_json(decode_text(data, "config.json"), "config.json")
    except FlopcastError as exc:
        one_line(exc)
        return
    json.dumps(value, allow_nan=False)  # nothing non-finite got through


@given(
    text=st.text(max_size=60),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1252"]),
)
def test_encodings_decode_as_utf8_or_give_one_error(text: str, encoding: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    try:
        decoded = decode_text(data, "file")
    except FlopcastError as exc:
        one_line(exc)
        assert "UTF-8" in str(exc)
        return
    if encoding in ("utf-8", "utf-8-sig"):
        assert decoded == text


# ---- the CSV importers -----------------------------------------------------------------------

HEADER = ["Model", "Publication date", "Domain", "Parameters", "Training compute (FLOP)"]
CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "nan", "inf", "-1", "0", "1e400", "1e25", "3,000", '"', "\x00", "\n"]),
)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.lists(CELL, min_size=0, max_size=7), max_size=8),
    cut=st.integers(min_value=0, max_value=400),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"]),
)
def test_epoch_csv_of_anything_is_an_import_or_one_error(
    rows: list[list[str]], cut: int, encoding: str
) -> None:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(row)
    text = out.getvalue()
    text = text[: len(text) - cut] if cut < len(text) else text
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    try:
        res = parse_epoch_csv(data, "hostile.csv", language_only=False)
    except FlopcastError as exc:
        one_line(exc)
        return
    for model in res.rows:
        for x in (model.parameters, model.training_compute):
            assert x is None or (math.isfinite(x) and x > 0)
    for problem in res.problems():
        assert "\n" not in problem
    json.dumps(res.to_dict(), allow_nan=False)


def test_forms_are_described_for_every_kind() -> None:
    assert set(FORMS) == set(Kind)
