"""The terminal layout: nothing cut, nothing wider than the width, URLs whole."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from flopcast.cli.layout import (
    WRAP,
    WRAP_LAST,
    Column,
    Grid,
    lay_out,
    lay_out_rows,
    plain,
    wrap,
)

URL = "https://github.com/meta-llama/llama-models/blob/main/models/llama4/MODEL_CARD.md"


def test_wrap_keeps_words_and_urls_whole() -> None:
    assert wrap("see the card at " + URL + " for details", 40) == [
        "see the card at",
        URL,  # 84 characters, whole on a line of its own
        "for details",
    ]
    assert wrap(f"[2] {URL}", 40) == [f"[2] {URL}"]  # a footnote stays one line
    assert wrap("presumption of systemic risk", 12) == ["presumption", "of systemic", "risk"]
    assert wrap("a  b", None) == ["a  b"]


def _frontier_like() -> Grid:
    grid = Grid(
        [
            Column("#", align="right", keep=True),
            Column("model", keep=True),
            Column("FLOP", align="right"),
            Column("basis", wrap=WRAP, label_below=False),
        ]
    )
    grid.add("1", "GPT-4.5", "3.8e26", "estimated by Epoch AI (Likely)")
    grid.add("2", "Llama 4 Behemoth (preview)", "5.18e25", "6·N·D from the catalog's figures")
    return grid


def test_a_table_that_fits_is_one_line_per_row() -> None:
    text = plain(lay_out(_frontier_like(), 80))
    assert (
        text.splitlines()[2]
        == "1   GPT-4.5                       3.8e26   estimated by Epoch AI (Likely)"
    )


def test_a_prose_column_wraps_at_words_then_moves_under_its_row() -> None:
    # 1 + 26 + 7 + 3 gaps of 3 = 43 columns before the basis: at 70 it wraps in 27 columns
    text = plain(lay_out(_frontier_like(), 70))
    assert "1   GPT-4.5                       3.8e26   estimated by Epoch AI\n" in text
    assert "\n" + " " * 43 + "(Likely)\n" in text
    # at 50, with gaps of 2, 50 - 38 = 12 columns are left, under its floor of 20 (its
    # natural 32 halved is 16): the basis goes under each row
    text = plain(lay_out(_frontier_like(), 50))
    assert "1   GPT-4.5                       3.8e26\n    estimated by Epoch AI (Likely)\n" in text


def test_records_when_not_even_the_kept_columns_fit() -> None:
    text = plain(lay_out(_frontier_like(), 25))
    assert text.splitlines()[:3] == ["1", "    model: GPT-4.5", "    FLOP: 3.8e26"]


def test_a_header_wraps_at_its_words_before_a_cell_is_touched() -> None:
    grid = Grid([Column("machine"), Column("decode ≤ tok/s", align="right"), Column("verdict")])
    grid.add("rtx-4090", "26", "fits with CPU offload")
    # 8 + 14 + 21 + 2 gaps of 2 = 47 > 40: the header wraps, the cells stay whole
    lines = plain(lay_out(grid, 40)).splitlines()
    assert lines[:2] == ["machine    decode  verdict", "          ≤ tok/s"]
    assert lines[3] == "rtx-4090       26  fits with CPU offload"


def test_section_notes_beside_or_under_their_values() -> None:
    rows = [
        ("total params", "400B params", "reported by Meta [1]"),
        ("training compute", "2.24e24 FLOP (90%: 2.24e23–2.24e25)", "estimated by Epoch AI [4]"),
        ("tokens", "22T tokens", "reported by Meta [1]"),
    ]
    lines = plain(lay_out_rows(rows, 62)).splitlines()
    assert lines == [
        "total params       400B params   reported by Meta [1]",
        "training compute   2.24e24 FLOP (90%: 2.24e23–2.24e25)",
        "                   estimated by Epoch AI [4]",
        "tokens             22T tokens    reported by Meta [1]",
    ]
    assert plain(lay_out_rows(rows, None)).splitlines()[1].endswith("estimated by Epoch AI [4]")


WORD = st.text(alphabet="abcdefghij", min_size=1, max_size=9)
CELL = st.lists(WORD, min_size=0, max_size=6).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(st.tuples(CELL, CELL, CELL, CELL), min_size=1, max_size=6),
    width=st.integers(min_value=40, max_value=140),
    wraps=st.tuples(*(st.sampled_from([0, WRAP, WRAP_LAST]) for _ in range(4))),
)
def test_never_cut_never_wider(
    rows: list[tuple[str, str, str, str]], width: int, wraps: tuple[int, ...]
) -> None:
    cols = [Column(f"h{i}", wrap=w, keep=i == 0) for i, w in enumerate(wraps)]
    grid = Grid(cols)
    for r in rows:
        grid.add(*r)
    text = plain(lay_out(grid, width))
    # words shorter than the width: every line fits, no trailing space
    assert all(len(line) <= width and line == line.rstrip() for line in text.splitlines())
    # every word of every cell is there, whole (headers may also appear as labels below)
    have = Counter(text.replace(":", " ").replace(";", " ").split())
    want = Counter(w for r in rows for cell in r for w in cell.split())
    assert not want - have


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(st.tuples(WORD, CELL, CELL), min_size=1, max_size=8),
    width=st.integers(min_value=40, max_value=140),
)
def test_sections_never_cut_never_wider(rows: list[tuple[str, str, str]], width: int) -> None:
    text = plain(lay_out_rows(rows, width))
    assert all(len(line) <= width and line == line.rstrip() for line in text.splitlines())
    assert Counter(text.split()) == Counter(w for r in rows for cell in r for w in cell.split())
