"""Sparsity definitions and the MoE multipliers m(S)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flopcast.errors import FlopcastError
from flopcast.scaling.moe import (
    joint_moe_multiplier,
    joint_moe_optimum,
    multiplier,
    parse_moe_spec,
    sparsity_from_experts,
    sparsity_from_params,
    sparsity_stated,
)
from tests.conftest import CLI


def test_sparsity_definitions_are_stated() -> None:
    maverick = sparsity_from_params(400e9, 17e9)
    assert maverick.value == pytest.approx(23.53, abs=0.01)
    assert maverick.definition == "total/active parameters"
    deepseek_experts = sparsity_from_experts(256, 8)
    assert deepseek_experts.value == 32
    assert deepseek_experts.definition == "routed experts / active experts"
    assert sparsity_from_params(671e9, 37e9).value == pytest.approx(18.1, abs=0.1)
    assert sparsity_stated(8).label == "1:8"


def test_sparsity_errors_are_one_line() -> None:
    calls: list[Callable[[], object]] = [
        lambda: sparsity_from_params(17e9, 400e9),
        lambda: sparsity_from_experts(8, 256),
        lambda: sparsity_stated(0.5),
        lambda: sparsity_stated(float("nan")),
    ]
    for call in calls:
        with pytest.raises(FlopcastError) as exc:
            call()
        assert "\n" not in str(exc.value)


@pytest.mark.parametrize(("s", "m"), [(8, 3.0), (23, 5.09), (32, 6.0), (1, 1.0)])
def test_default_multiplier(s: float, m: float) -> None:
    # Vector 17: 3 (S/8)^0.5; S = 1 is dense.
    assert multiplier("default", s).value == pytest.approx(m, abs=0.005)


def test_maverick_default_multiplier_is_about_5_1() -> None:
    m = multiplier("default", sparsity_from_params(400e9, 17e9))
    assert m.value == pytest.approx(5.14, abs=0.01)
    assert "23.5" in m.formula


@pytest.mark.parametrize(
    ("compute", "E", "ratio"),
    [(1e20, 8, 3.05), (1e20, 23, 5.53), (1e20, 32, 6.57), (1e22, 8, 1.70), (1e22, 23, 2.20)],
)
def test_joint_moe_multiplier(compute: float, E: float, ratio: float) -> None:
    # Vectors 15-16 (research notes, sec. 6), 2% tolerance.
    assert joint_moe_multiplier(E, compute) == pytest.approx(ratio, rel=0.02)
    assert multiplier("ludziejewski2025", E, compute=compute).value == pytest.approx(
        ratio, rel=0.02
    )


def test_joint_moe_dense_optimum_matches_hand_arithmetic() -> None:
    # Research notes sec. 6, E = 1 at 1e20: N = 1.728e9, D = 9.645e9 (D/N = 5.58).
    n, d = joint_moe_optimum(1, 1e20)
    assert n == pytest.approx(1.728e9, rel=0.005)
    assert d == pytest.approx(9.645e9, rel=0.005)


def test_other_multipliers() -> None:
    assert multiplier("none", 23.5).value == 1.0
    assert multiplier(4.0, 23.5).value == 4.0
    assert multiplier("2.5", 8).value == 2.5
    assert multiplier("default", None).value == 1.0
    assert parse_moe_spec(" Default ") == "default"
    with pytest.raises(FlopcastError, match="unknown MoE multiplier"):
        parse_moe_spec("abnar")
    with pytest.raises(FlopcastError, match="depends on compute"):
        multiplier("ludziejewski2025", 8)


@settings(max_examples=50, deadline=None)
@given(s=st.floats(min_value=1.0, max_value=1000.0), t=st.floats(min_value=1.0, max_value=1000.0))
def test_default_multiplier_grows_with_sparsity(s: float, t: float) -> None:
    lo, hi = sorted((s, t))
    assert 1.0 <= multiplier("default", lo).value <= multiplier("default", hi).value


def test_the_cli_reads_a_sparsity_as_s_or_as_the_ratio_1_s(cli: CLI) -> None:
    # the output writes a 1:8 MoE as "1:8": typed back as --sparsity 1:8 it is S = 8
    args = ("optimal", "--compute", "5.2e25", "--law", "llama3", "--json")
    as_ratio = cli(*args, "--sparsity", "1:8")
    assert as_ratio.code == 0, as_ratio.err
    assert as_ratio.json() == cli(*args, "--sparsity", "8").json()
    r = cli(*args, "--sparsity", "eight")
    assert r.code == 2 and "write S or 1:S, e.g. 8 or 1:8" in r.err


def test_a_stated_sparsity_is_said_once(cli: CLI) -> None:
    r = cli("optimal", "--compute", "5.2e25", "--law", "llama3", "--sparsity", "8")
    assert r.code == 0, r.err
    row = next(line for line in r.out.splitlines() if line.startswith("sparsity S"))
    assert row.split() == ["sparsity", "S", "1:8", "(stated)"]
