"""Named laws against published or hand-worked numbers (research-scaling-laws.md sec. 8)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tomllib
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flopcast.errors import FlopcastError
from flopcast.scaling import get_law, law_names, optimal
from flopcast.scaling.laws import FixedRatioLaw, ParametricLaw, PowerLaw

REL = 0.005  # the research notes' 0.5% tolerance

# Laws whose optimum satisfies C = 6 N D (Kaplan's prefactors and the stated Llama 3 point don't).
SIX_ND_LAWS = [
    "hoffmann2022",
    "hoffmann2022-unrounded",
    "hoffmann2022-approach1",
    "hoffmann2022-approach2",
    "epoch2024",
    "llama3-fit",
    "fixed:20",
    "fixed:40",
]


def test_hoffmann_rounded_at_gopher_budget() -> None:
    # Vector 1: G = (0.34*406.4/(0.28*410.7))^(1/0.62) = 1.3447, a = 0.28/0.62;
    # N* = 1.3447 * (9.6e22)^0.4516 = 3.219e10, D* = 9.6e22 / N*.
    p = optimal("hoffmann2022", 5.76e23)
    assert pytest.approx(3.219e10, rel=REL) == p.N
    assert pytest.approx(2.982e12, rel=REL) == p.D
    assert p.tokens_per_param == pytest.approx(92.6, rel=REL)


def test_hoffmann_unrounded_gives_the_papers_40b() -> None:
    p = optimal("hoffmann2022-unrounded", 5.76e23)
    assert pytest.approx(4.036e10, rel=REL) == p.N
    assert pytest.approx(2.379e12, rel=REL) == p.D
    assert pytest.approx(40e9, rel=0.05) == p.N  # Hoffmann et al. Fig. 4: "40B"


@pytest.mark.parametrize(
    ("compute", "n_opt", "tpp"),
    [(5.76e23, 7.225e10, 18.39), (1e24, 9.586e10, 18.14), (3.8e25, 6.187e11, 16.55)],
)
def test_epoch_refit(compute: float, n_opt: float, tpp: float) -> None:
    p = optimal("epoch2024", compute)
    assert pytest.approx(n_opt, rel=REL) == p.N
    assert p.tokens_per_param == pytest.approx(tpp, rel=REL)


def test_epoch_at_llama3_budget_is_about_16_5_tokens_per_param() -> None:
    assert optimal("epoch2024", 3.8e25).tokens_per_param == pytest.approx(16.5, abs=0.1)


def test_predicted_loss_of_chinchilla() -> None:
    # Vector 4: 1.8172 + 482.01/70e9^0.3478 + 2085.43/1.4e12^0.3658 = 1.9739.
    epoch = get_law("epoch2024")
    hoff = get_law("hoffmann2022")
    assert isinstance(epoch, ParametricLaw) and isinstance(hoff, ParametricLaw)
    assert epoch.loss(70e9, 1.4e12) == pytest.approx(1.9739, abs=1e-4)
    assert hoff.loss(70e9, 1.4e12) == pytest.approx(1.9366, abs=1e-4)


def test_optimal_reports_loss_for_parametric_laws_only() -> None:
    p = optimal("epoch2024", 5.76e23)
    assert p.loss is not None
    assert p.loss == pytest.approx(1.8172 + 482.01 / p.N**0.3478 + 2085.43 / p.D**0.3658)
    assert optimal("fixed:20", 5.76e23).loss is None


def test_llama3_stated_point() -> None:
    p = optimal("llama3", 3.8e25)
    assert pytest.approx(402e9, rel=1e-9) == p.N
    assert pytest.approx(16.55e12, rel=1e-9) == p.D
    assert p.tokens_per_param == pytest.approx(41.17, rel=1e-3)
    assert any("5.71" in n for n in p.notes)  # 6ND = 3.99e25, not 3.8e25


def test_llama3_published_fit_disagrees_with_the_stated_point() -> None:
    # Vector 8: 0.29 * (3.8e25)^0.53 = 1.046e13 tokens, N = C/(6D) = 605B.
    p = optimal("llama3-fit", 3.8e25)
    assert pytest.approx(1.046e13, rel=1e-3) == p.D
    assert pytest.approx(3.8e25 / (6 * 1.046e13), rel=1e-3) == p.N
    assert get_law("llama3") != get_law("llama3-fit")


def test_deepseek_m_and_d() -> None:
    # Vector 9: M_opt = 0.1715 * 1e24^0.5243, D_opt = 5.8316 * 1e24^0.4757.
    p = optimal("deepseek2024", 1e24)
    assert p.flops_per_token == pytest.approx(6.568e11, rel=REL)
    assert pytest.approx(1.523e12, rel=REL) == p.D
    assert pytest.approx(6.568e11 / 6, rel=REL) == p.N
    assert p.tokens_per_param == pytest.approx(13.9, rel=0.01)


def test_kaplan_in_pf_days() -> None:
    # Vector 11: 1e21 FLOP = 11.574 PF-days; N = 1.3e9 * 11.574^0.73, D = 2e10 * 11.574^0.27.
    p = optimal("kaplan2020", 1e21)
    assert pytest.approx(7.77e9, rel=0.01) == p.N
    assert pytest.approx(3.87e10, rel=0.01) == p.D
    assert pytest.approx(1.8, rel=0.01) == 6 * p.N * p.D / 1e21
    assert any("6ND/C" in n for n in p.notes)


def test_hoffmann_approach_1_and_2_through_their_table_rows() -> None:
    a1 = optimal("hoffmann2022-approach1", 5.76e23)
    assert pytest.approx(67e9, rel=1e-9) == a1.N  # Table 3 row
    assert pytest.approx(2 * 67e9, rel=1e-9) == optimal("hoffmann2022-approach1", 4 * 5.76e23).N
    a2 = optimal("hoffmann2022-approach2", 6.88e23)
    assert pytest.approx(67e9, rel=1e-9) == a2.N  # Table A3 row
    # ~63B at the Gopher budget read from Fig. 3; the C^0.49 law gives 61B.
    assert pytest.approx(63e9, rel=0.05) == optimal("hoffmann2022-approach2", 5.76e23).N


def test_fixed_ratio() -> None:
    p = optimal("fixed:20", 5.88e23)
    assert p.tokens_per_param == pytest.approx(20)
    assert pytest.approx(70e9, rel=1e-3) == p.N  # Chinchilla: 70B on 1.4T is 5.88e23 by 6ND


def test_sparse_optimum_scales_tokens_per_active_param_by_m() -> None:
    dense = optimal("fixed:40", 5.2e25)
    sparse = optimal("fixed:40", 5.2e25, sparsity=8)
    assert sparse.tokens_per_param == pytest.approx(120)
    assert pytest.approx(5.2e25) == 6 * sparse.N * sparse.D
    assert sparse.N < dense.N
    assert sparse.loss is None
    assert sparse.sparsity is not None and sparse.sparsity.definition == "stated"
    assert sparse.multiplier.name == "default" and sparse.multiplier.value == pytest.approx(3)


def test_every_output_names_law_sparsity_definition_and_multiplier() -> None:
    d = optimal("epoch2024", 5.2e25, sparsity=8).to_dict()
    assert d["law"] == "epoch2024"
    assert d["sparsity"]["definition"] == "stated"  # type: ignore[index]
    assert d["multiplier"]["name"] == "default"  # type: ignore[index]
    assert "formula" in d["multiplier"]  # type: ignore[operator]
    assert d["citation"]["url"].startswith("https://arxiv.org/")  # type: ignore[index]


def test_extrapolation_is_flagged() -> None:
    assert optimal("epoch2024", 3.8e25).extrapolated
    assert not optimal("epoch2024", 1e20).extrapolated
    assert not optimal("fixed:20", 1e30).extrapolated  # no range to leave


def test_names_aliases_and_errors() -> None:
    assert get_law("Chinchilla").name == "hoffmann2022"
    assert get_law("EPOCH").name == "epoch2024"
    assert isinstance(get_law("fixed: 40"), FixedRatioLaw)
    assert {"hoffmann2022", "epoch2024", "llama3", "llama3-fit", "kaplan2020"} <= set(law_names())
    for bad in ("fixed:", "fixed:abc", "fixed:-3", "fixed:nan"):
        with pytest.raises(FlopcastError, match="fixed:R"):
            get_law(bad)
    with pytest.raises(FlopcastError, match="unknown scaling law") as exc:
        get_law("chinchilla2")
    assert "\n" not in str(exc.value)
    with pytest.raises(FlopcastError, match="compute"):
        optimal("epoch2024", -1)


def test_every_shipped_law_is_cited_with_a_url_and_a_section() -> None:
    raw = tomllib.loads(
        resources.files("flopcast").joinpath("data", "scaling_laws.toml").read_text("utf-8")
    )
    for name in raw["laws"]:
        law = get_law(name)
        assert isinstance(law, ParametricLaw | PowerLaw)
        assert law.citation.url.startswith("https://arxiv.org/abs/"), name
        assert law.citation.where, name
        assert law.parameter_count, name
    for key in ("default", "ludziejewski2025"):
        assert raw["moe"][key]["citation"]["url"].startswith("https://arxiv.org/abs/")
    assert "RECONSTRUCTED FROM SECONDARY SOURCES" in raw["moe"]["ludziejewski2025"]["notes"]


def test_epoch_standard_errors_shipped() -> None:
    law = get_law("epoch2024")
    assert isinstance(law, ParametricLaw)
    assert dict(law.standard_errors) == {
        "E": 0.03,
        "A": 124.58,
        "B": 1293.23,
        "alpha": 0.02,
        "beta": 0.02,
    }


@settings(max_examples=60, deadline=None)
@given(
    law=st.sampled_from(SIX_ND_LAWS),
    log_c=st.floats(min_value=17.0, max_value=28.0),
    s=st.one_of(st.none(), st.floats(min_value=1.0, max_value=64.0)),
)
def test_optimum_spends_exactly_the_budget(law: str, log_c: float, s: float | None) -> None:
    c = 10.0**log_c
    p = optimal(law, c, sparsity=s)
    assert pytest.approx(c, rel=1e-9) == 6 * p.N * p.D
    assert p.tokens_per_param == pytest.approx(p.D / p.N, rel=1e-12)


def test_deepseek_prefactors_spend_the_budget_to_published_precision() -> None:
    # 0.1715 x 5.8316 = 1.0001: M D = C up to the rounding of the printed prefactors.
    for c in (1e17, 1e21, 1e25):
        p = optimal("deepseek2024", c)
        assert pytest.approx(c, rel=2e-4) == 6 * p.N * p.D
        assert p.flops_per_token is not None
        assert p.flops_per_token * p.D == pytest.approx(c, rel=2e-4)


@settings(max_examples=40, deadline=None)
@given(
    law=st.sampled_from([*SIX_ND_LAWS, "deepseek2024", "llama3", "kaplan2020"]),
    log_c=st.floats(min_value=17.0, max_value=27.0),
)
def test_bigger_budgets_give_bigger_models_and_more_tokens(law: str, log_c: float) -> None:
    lo, hi = optimal(law, 10.0**log_c), optimal(law, 10.0 ** (log_c + 0.5))
    assert hi.N > lo.N and hi.D > lo.D


@settings(max_examples=40, deadline=None)
@given(
    law=st.sampled_from(["hoffmann2022", "epoch2024", "hoffmann2022-unrounded"]),
    log_c=st.floats(min_value=18.0, max_value=27.0),
    shift=st.floats(min_value=-1.0, max_value=1.0).filter(lambda x: abs(x) > 1e-3),
)
def test_parametric_optimum_beats_other_splits_of_the_budget(
    law: str, log_c: float, shift: float
) -> None:
    lw = get_law(law)
    assert isinstance(lw, ParametricLaw)
    c = 10.0**log_c
    p = optimal(lw, c)
    n = p.N * math.exp(shift)
    assert p.loss is not None
    assert lw.loss(n, c / (6 * n)) > p.loss


def test_light_modules_do_not_import_numpy(tmp_path: Path) -> None:
    # Start-up matters: laws, MoE and over-training (and loading a saved fit) use no numpy.
    fit = tmp_path / "fit.json"
    fit.write_text(
        json.dumps(
            {
                "format": "flopcast-scaling-law-fit",
                "version": 1,
                "name": "fit:tiny",
                "law": {
                    "kind": "parametric",
                    "title": "tiny",
                    "E": 1.8,
                    "A": 400.0,
                    "B": 2000.0,
                    "alpha": 0.35,
                    "beta": 0.36,
                    "parameter_count": "total",
                    "citation": {"paper": "mine", "where": "here", "url": ""},
                },
            }
        )
    )
    code = (
        "import sys, flopcast.scaling as s; s.optimal('epoch2024', 1e24, sparsity=8); "
        "s.overtrain(17e9, 22e12, total_params=400e9); "
        f"assert s.optimal({str(fit)!r}, 1e24).law == 'fit:tiny'; "
        "bad = [m for m in ('numpy', 'scipy') if m in sys.modules]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_data_file_schema_rejects_inconsistent_laws() -> None:
    from pydantic import ValidationError

    from flopcast.scaling._schema import PowerModel

    base = {
        "kind": "power",
        "title": "t",
        "parameter_count": "total",
        "citation": {"paper": "p", "where": "w", "url": "https://example.org/x"},
    }
    PowerModel.model_validate(base | {"d_coef": 0.29, "d_exp": 0.53})
    for bad in (
        {},  # no exponent at all
        {"n_coef": 1.0},  # coefficient without exponent
        {"n_exp": 0.5, "d_exp": 0.5, "anchor": {"compute": 1e20}},  # anchor without a value
        {"n_coef": 1.0, "n_exp": 0.5, "m_coef": 1.0, "m_exp": 0.5},  # N and M
        {"d_coef": 0.29, "d_exp": 1.5},  # exponent out of (0, 1)
    ):
        with pytest.raises(ValidationError):
            PowerModel.model_validate(base | bad)


def test_the_fitted_range_note_writes_flop_as_every_command_does() -> None:
    # Llama 3's isoFLOP experiments span 6e18 to 1e22 FLOP (sec. 3.2.1); 5.2e25 is beyond them
    from flopcast.scaling import get_law, optimal

    notes = optimal(get_law("llama3"), 5.2e25).notes
    assert "5.2e25 FLOP is outside the 6e18–1e22 FLOP this law was fitted on" in notes
