"""One headline training-compute figure per model, the same in every command and view."""

from __future__ import annotations

import math
from typing import Any

import pytest

import flopcast
from flopcast.accounting import HEADLINE_RULE, choose_headline, headline
from flopcast.catalog import catalog, model
from flopcast.figures import Figure
from flopcast.quantity import Quantity
from flopcast.regulation import threshold_verdicts, verdict
from tests.conftest import CLI


def _central(d: dict[str, Any] | None) -> float | None:
    return None if d is None else float(d["value"])


def test_every_view_shows_one_headline(cli: CLI) -> None:
    listed = {m["id"]: m for m in cli("models", "--json").json()["models"]}
    frontier = {
        e["model"]: e for e in cli("frontier", "--date", "2026-12-31", "--top", "500", "--json")
        .json()["entries"]
    }  # fmt: skip
    pd = pytest.importorskip("pandas")
    df = flopcast.to_dataframe().set_index("id")
    for m in catalog():
        h = headline(m)
        want = None if h.compute is None else h.compute.value
        # models --json and show --json
        assert _central(listed[m.id]["headline"]["training_compute_flop"]) == want, m.id
        assert listed[m.id]["headline"]["basis"] == h.label
        shown = cli("show", m.id, "--json").json()["headline"]
        assert _central(shown["training_compute_flop"]) == want and shown["basis"] == h.label
        # the DataFrame
        got = df.loc[m.id, "training_compute"]
        assert (want is None and pd.isna(got)) or got == want, m.id
        assert df.loc[m.id, "training_compute_basis"] == h.label
        if want is None:
            assert m.id not in frontier
            r = cli("compute", m.id)
            assert r.code == 2 and "not disclosed" in r.err
            continue
        # compute --json, compare --json, frontier --json
        data = cli("compute", m.id, "--json").json()
        assert data["training_compute_flop"]["value"] == want and data["basis"] == h.label, m.id
        cmp = cli("compare", m.id, "1e25", "--json").json()["comparisons"][0]
        assert cmp["a"]["value"] == want and cmp["a"]["basis"] == h.label
        assert frontier[m.id]["training_compute_flop"]["value"] == want
        assert frontier[m.id]["basis"] == h.label


def test_intervals_agree_across_views(cli: CLI) -> None:
    # Maverick's headline is 6·N·D with a ranged token count: the interval too is the same
    # whatever sampling a view uses (the listing samples fewer draws than `compute`).
    h = headline(model("maverick"))
    assert h.compute is not None and h.compute.uncertain
    data = cli("compute", "maverick", "--samples", "500", "--json").json()
    assert data["training_compute_flop"] == h.compute.to_dict()


def test_rule_order() -> None:
    # Llama 3 70B: Meta's parameters and tokens (6 x 70e9 x 15e12 = 6.3e24) lead over Epoch
    # AI's estimate (7.861e24), which stays beside it as an alternative.
    h = headline(model("llama-3-70b"))
    assert h.basis == "operation_count" and h.compute is not None
    assert h.compute.value == pytest.approx(6 * 70e9 * 15e12)
    assert [a.basis for a in h.alternatives] == ["estimated", "hardware"]
    assert next(a for a in h.alternatives if a.basis == "estimated").compute.value == 7.861e24
    # Llama 3.1 405B: Meta reported 3.8e25, which leads over its own 6·N·D (3.79e25)
    h = headline(model("llama-3.1-405b"))
    assert (h.basis, h.label) == ("reported", "reported by Meta")
    assert h.compute is not None and h.compute.value == 3.8e25
    # GPT-4: only Epoch AI's estimate
    assert headline(model("gpt-4")).basis == "estimated"
    # Mistral 7B: no tokens, no compute figure → not disclosed, never a made-up number
    h = headline(model("mistral-7b"))
    assert h.compute is None and h.label == "not disclosed"
    assert HEADLINE_RULE == ("reported", "operation_count", "estimated", "hardware")


def test_choose_headline_prefers_reported_over_estimate() -> None:
    def fig(basis: str, value: float) -> Figure:
        q = Quantity(value, value / 3, value * 3) if basis == "estimated" else Quantity(value)
        return Figure("training_compute", f"{value:g}", "https://x.org", "X", basis, q)

    assert choose_headline(None, None) is None
    h = choose_headline(fig("estimated", 2e25), None)
    assert h is not None and h.basis == "estimated" and not h.alternatives
    h = choose_headline(fig("reported", 2e25), None)
    assert h is not None and h.basis == "reported"


def test_filter_above_agrees_with_dataframe(cli: CLI) -> None:
    pytest.importorskip("pandas")
    df = flopcast.to_dataframe()
    in_pandas = set(df[df["training_compute"] > 1e25]["id"])
    in_cli = {m["id"] for m in cli("models", "--above", "1e25", "--json").json()["models"]}
    in_api = {m.id for m in flopcast.models(above=1e25)}
    assert in_pandas == in_cli == in_api
    assert {"llama-3.1-405b", "gpt-4", "llama-4-behemoth"} <= in_cli
    assert "llama-3-70b" not in in_cli


def test_models_sort_compute_is_the_headline_order(cli: CLI) -> None:
    ids = [m["id"] for m in cli("models", "--sort", "compute", "--json").json()["models"]]
    values = [headline(model(i)).compute for i in ids]
    central = [-math.inf if q is None else q.value for q in values]
    assert central == sorted(central, reverse=True)


# -- threshold verdicts ----------------------------------------------------------------


def test_verdicts_use_the_interval() -> None:
    # GPT-4 at 2.1e25 with Epoch AI's "Likely" band (10x either way: 2.1e24–2.1e26) is
    # likely, not certainly, above the EU AI Act's 1e25.
    assert verdict(Quantity(2.1e25, 2.1e24, 2.1e26), 1e25) == "likely above"
    assert verdict(Quantity(2.1e25, 2.1e24, 2.1e26), 1e26) == "possibly above"
    assert verdict(Quantity(5.18e25, 5.18e25, 6.91e25), 1e25) == "above"
    assert verdict(Quantity(5.18e25, 5.18e25, 6.91e25), 1e26) == "below"
    assert verdict(Quantity(1e25), 1e25) == "below"  # "more than 10^25": equal is not above
    assert verdict(Quantity(1.0000001e25), 1e25) == "above"


def test_compute_always_has_a_threshold_section(cli: CLI) -> None:
    r = cli("compute", "deepseek-v3")
    assert r.code == 0
    # DeepSeek-V3: 6 x 37e9 x 14.8e12 = 3.29e24, 1e25 / 3.29e24 = 3.0x under the EU AI Act's
    assert "Regulatory thresholds" in r.out and "below 1e25 FLOP" in r.out and "3x under" in r.out
    data = cli("compute", "deepseek-v3", "--json").json()["thresholds"]
    assert [d["verdict"] for d in data] == ["below"] * len(data)
    r = cli("compute", "gpt-4")
    assert "likely above 1e25 FLOP" in r.out and "possibly above 1e26 FLOP" in r.out


def test_one_threshold_shape_everywhere(cli: CLI) -> None:
    from_compute = cli("compute", "gpt-4", "--json").json()["thresholds"]
    q = headline(model("gpt-4")).compute
    assert q is not None
    assert from_compute == [v.to_dict() for v in threshold_verdicts(q)]
    assert set(from_compute[0]) == {
        "threshold", "flop", "label", "verdict", "ratio", "source", "status"
    }  # fmt: skip


def test_reports_of_families_with_undisclosed_members(cli: CLI) -> None:
    # Grok 4.1 and later disclose no training figures: the family report says so per model
    r = cli("report", "grok", "--json")
    assert r.code == 0, r.err
    parts = {p["model"]: p for p in r.json()["models"]}
    compute = next(s for s in parts["grok-4.1"]["sections"] if s["key"] == "compute")
    assert compute["data"]["basis"] == "not disclosed"
    assert "grok-4" in parts and any(
        s["key"] == "context" for s in parts["grok-4"]["sections"]
    )  # the disclosed members keep their whole analysis


@pytest.mark.slow
def test_the_report_and_the_timeline_show_the_headline() -> None:
    from flopcast.reporting.build import build
    from flopcast.reporting.plots import timeline
    from flopcast.uncertainty import Sampling

    models = list(catalog())
    report = build(models=models, sampling=Sampling(samples=500)).to_dict()
    for part in report["models"]:
        h = headline(model(part["model"]))
        compute = next(s for s in part["sections"] if s["key"] == "compute")["data"]
        if h.compute is None:
            assert compute["basis"] == "not disclosed"
        else:
            assert compute["training_compute_flop"] == h.compute.to_dict(), part["model"]
            assert compute["basis"] == h.label
    fig = timeline(start="1950-01-01", end="2100-01-01")
    (dots,) = [c for c in fig.axes[0].collections if c.get_label() == "flopcast catalog"]
    import numpy as np

    plotted = sorted(np.asarray(dots.get_offsets(), dtype=float)[:, 1].tolist())
    want = sorted(h.compute.value for h in map(headline, models) if h.compute is not None)
    assert plotted == pytest.approx(want)
