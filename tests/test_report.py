"""flopcast report: the essay's whole analysis, generated from the numbers."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from flopcast.reporting.build import build
from flopcast.reporting.markdown import render
from tests.conftest import CLI


@pytest.fixture(scope="module")
def llama4() -> Any:
    return build()


@pytest.fixture(scope="module")
def md(llama4: Any) -> str:
    return str(render(llama4))


def _part(report: Any, model_id: str) -> Any:
    return next(p for p in report.models if p.model == model_id)


def test_default_is_the_llama_4_family(llama4: Any) -> None:
    assert [p.model for p in llama4.models] == [
        "llama-4-scout", "llama-4-maverick", "llama-4-behemoth"
    ]  # fmt: skip
    assert "Llama 4 family" in llama4.title


def test_behemoth_compute_and_predecessor(llama4: Any, md: str) -> None:
    b = _part(llama4, "llama-4-behemoth")
    comp = b.section("compute").data["training_compute_flop"]["value"]
    assert comp == pytest.approx(5.184e25)
    pred = b.section("context").data["predecessor"]
    assert pred["model"] == "llama-3.1-405b" and pred["words"] == "36% more"
    assert "Llama 4 Behemoth (preview): 5.2e25 FLOP, 36% more than Llama 3.1 405B" in md


def test_the_100k_h100_alternative(llama4: Any, md: str) -> None:
    b = _part(llama4, "llama-4-behemoth")
    total = b.section("cluster").data["cluster"]["total_flop"]["value"]
    assert total == pytest.approx(1e5 * 989.4e12 * 0.4 * 90 * 86400)
    assert "100K NVIDIA H100 SXM5 80GB running 90 days at 40% utilization" in md
    assert "produces 3.1e26 FLOP" in md


def test_maverick_overtrained_and_below_deepseek_and_frontier(llama4: Any, md: str) -> None:
    m = _part(llama4, "llama-4-maverick")
    assert m.section("compute").data["training_compute_flop"]["value"] == pytest.approx(2.244e24)
    opt = m.section("optimality").data
    assert opt["law"] == "fixed:40"
    assert 6 < opt["k"] < 7  # "~7x overtrained" under the essay's assumptions
    assert len(opt["other_laws"]) >= 8  # and what the other laws say
    peers = {p["model"]: p for p in m.section("context").data["peers"]}
    assert peers["deepseek-v3"]["words"] == "1.5x less"
    frontier = {f["model"]: f for f in m.section("context").data["frontier"]}
    assert {"grok-3", "gpt-4.5"} <= set(frontier)
    assert all(90 <= 1 / f["ratio"] <= 210 for f in frontier.values())
    assert "Llama 4 Maverick: 2.2e24 FLOP" in md
    assert "overtrained 6.3x" in md
    assert "1.5x less than DeepSeek-V3" in md
    assert re.search(r"GPT-4\.5 \(3\.8e26 FLOP.*169x less", md)


def test_scout_at_4_bits_fits_96_gb_machines_not_one_consumer_gpu(llama4: Any, md: str) -> None:
    local = _part(llama4, "llama-4-scout").section("local")
    assert local is not None
    weights = local.data["headline"]["weights"]["bytes"]
    assert 53e9 < weights < 56e9  # 108.6B parameters × 4 bits
    verdicts = {f["machine"]: f["verdict"] for f in local.data["fits"]}
    for machine in ("rtx-pro-6000", "m4-max-128", "dgx-spark", "ryzen-ai-max-395", "m3-ultra-512"):
        assert verdicts[machine] == "fits", machine
    for machine in ("rtx-4090", "rtx-5090"):
        assert verdicts[machine] != "fits", machine
    assert "It does not fit" in md or "Only with help" in md


def test_every_number_has_a_source(llama4: Any, md: str) -> None:
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", md)}
    listed = {s["n"] for s in llama4.sources}
    assert cited <= listed
    assert all(s["url"].startswith("http") for s in llama4.sources)
    assert any("Epoch AI" in s["text"] and "CC BY 4.0" in s["text"] for s in llama4.sources)


def test_no_model_specific_sentence_is_hand_written() -> None:
    """The builder's templates name no model: every name in the prose comes from the data."""
    report = Path(__file__).resolve().parents[1] / "src/flopcast/reporting"
    sources = [report / "build.py", report / "prose.py", *sorted(report.glob("sections/*.py"))]
    text = "".join(p.read_text(encoding="utf-8") for p in sources)
    for name in ("Llama", "Maverick", "Behemoth", "Scout", "DeepSeek", "GPT-4", "Grok"):
        assert name not in text


def test_json_report(cli: CLI) -> None:
    r = cli("report", "llama-4", "--json")
    assert r.code == 0, r.err
    d = r.json()
    names = [m["name"] for m in d["models"]]
    assert "Llama 4 Maverick" in names
    mav = next(m for m in d["models"] if m["model"] == "llama-4-maverick")
    sec = {s["key"]: s for s in mav["sections"]}
    assert sec["compute"]["data"]["training_compute_flop"]["value"] == pytest.approx(2.244e24)
    assert sec["optimality"]["data"]["k"] == pytest.approx(6.29, rel=0.01)


def test_report_for_an_unreleased_model_by_numbers(cli: CLI) -> None:
    r = cli("report", "--active", "288B", "--total", "2T", "--tokens", "30T",
            "--gpus", "32K", "--gpu", "h100", "--name", "Next model")  # fmt: skip
    assert r.code == 0, r.err
    assert "# Compute accounting: Next model" in r.out
    assert "5.2e25 FLOP" in r.out


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "img":
            self.images.append(dict(attrs).get("src") or "")


@pytest.mark.slow
def test_html_report_is_self_contained(cli: CLI, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    r = cli("report", "llama-4-maverick", "-o", str(out))
    assert r.code == 0, r.err
    text = out.read_text(encoding="utf-8")
    parser = _Html()
    parser.feed(text)
    assert parser.tags[0] == "html" and "table" in parser.tags
    assert "http://" not in text.split('<ol class="sources">')[0].replace("https://", "")
    assert parser.images, "plots are embedded"
    import base64
    import xml.etree.ElementTree as ET

    for src in parser.images:
        assert src.startswith("data:image/svg+xml;base64,")  # sharp at any zoom, phone or print
        root = ET.fromstring(base64.b64decode(src.split(",", 1)[1]))
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert len(root.findall(".//{http://www.w3.org/2000/svg}path")) > 100  # drawn


@pytest.mark.slow
def test_markdown_file_with_plots_beside_it(cli: CLI, tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    r = cli("report", "maverick", "-o", str(out))
    assert r.code == 0, r.err
    text = out.read_text(encoding="utf-8")
    for link in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text):
        assert (tmp_path / link).exists()


def test_bad_report_input(cli: CLI, tmp_path: Path) -> None:
    r = cli("report", "maverik")
    assert r.code == 2 and "did you mean llama-4-maverick" in r.err
    r = cli("report", "--active", "17B")
    assert r.code == 2 and "--tokens" in r.err
    r = cli("report", "maverick", "-o", str(tmp_path / "r.pdf"))
    assert r.code == 2 and ".md, .html" in r.err


def test_html_report_of_a_model_without_parameters_or_tokens(cli: CLI, tmp_path: Path) -> None:
    # GPT-4 has only Epoch AI's compute estimate: no point on the tokens-per-parameter plot,
    # but the HTML report is still written, that plot drawn without it highlighted
    out = tmp_path / "gpt-4.html"
    r = cli("report", "gpt-4", "-o", str(out))
    assert r.code == 0, r.err
    assert "Tokens per active parameter against compute" in out.read_text(encoding="utf-8")
