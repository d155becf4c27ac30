"""The report's training-plan section, for a model whose training layout is published."""

from __future__ import annotations

import pytest

from flopcast.catalog import model
from flopcast.reporting.build import report
from flopcast.reporting.markdown import render as render_markdown
from flopcast.reporting.sections.plan import plan_for


def test_llama_405b_layout_from_the_paper_is_planned() -> None:
    m = model("llama-3.1-405b")
    # Llama 3 paper, Table 4 (sec. 3.3.2): 16,384 H100, TP 8, CP 1, PP 16, DP 128, 8,192 tokens,
    # 16M tokens per batch, 41% BF16 MFU; FSDP shards optimizer states and gradients (ZeRO-2),
    # no activation checkpointing at 8K
    p = plan_for(m)
    assert p is not None
    assert (p.layout.tp, p.layout.pp, p.layout.cp, p.layout.dp) == (8, 16, 1, 128)
    assert (p.zero, p.recompute) == (2, "none")
    assert p.time.tokens_per_step == 16_777_216
    assert p.time.utilization.quantity.value == 0.41 and p.time.utilization_of == "step"
    # Meta trained this layout on 80 GB GPUs: the plan must find it fits
    assert p.fits
    # 15.6T tokens ÷ 16,777,216 per step × 6·N-ish FLOP ÷ (16,384 × 989.4T × 0.41): ~68 days
    assert p.time.run_seconds is not None
    assert 60 < p.time.run_seconds.value / 86400 < 80


def test_report_section_and_markdown() -> None:
    r = report("llama-3.1-405b")
    sec = r.models[0].section("plan")
    assert sec is not None
    assert sec.data["fits"] is True and sec.data["layout"]["gpus"] == 16384
    text = " ".join(sec.sentences)
    assert "TP 8 × PP 16 × CP 1 × DP 128" in text and "41% MFU" in text
    md = render_markdown(r)
    assert "Its training layout, planned" in md


@pytest.mark.parametrize("name", ["llama-4-maverick", "gpt-4"])
def test_no_section_without_a_published_layout(name: str) -> None:
    assert plan_for(model(name)) is None
