"""A report as one self-contained HTML file: plots embedded, no network needed to view it.

Readable on a phone and in print: a table too wide for the screen or the page turns into
records (one block per row, each value under its column's name) instead of scrolling or being
cut; plots are SVG (sharp at any zoom); in print, headings stay with what follows, each model
starts a page, and each source's address is printed once.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping

from flopcast.reporting.document import Report, Table, released_words

#: Characters a table row may need (its columns' text, each up to ``_WRAP`` characters, plus
#: padding) before it turns into records: on a phone (a 390 px screen holds about 44 characters
#: of table text) and in print (an A4 or Letter page holds about 88).
PHONE_CHARS, PRINT_CHARS = 44, 88
_WRAP = 18  # a longer cell wraps onto several lines rather than widening its column
_PAD = 2  # characters of padding per column

CSS = """
:root { color-scheme: light; --fg: #1b1b1b; --muted: #5b5b5b; --rule: #d9d9d9; --accent: #0072b2; }
* { box-sizing: border-box; }
body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg);
       margin: 0 auto; max-width: 60rem; padding: 1rem 1.25rem 3rem; overflow-wrap: break-word; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 1rem 0; }
h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 1px solid var(--rule);
     padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
p { margin: .4rem 0 .8rem; }
.meta, figcaption, .note { color: var(--muted); font-size: .9rem; }
.table { overflow-x: auto; margin: .5rem 0 1rem; }
table { border-collapse: collapse; font-size: .9rem; width: 100%; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid var(--rule);
         vertical-align: top; }
th { background: #f4f6f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1rem 0 1.5rem; }
figure img { width: 100%; height: auto; display: block; }
ol.sources { font-size: .9rem; padding-left: 1.8rem; }
ol.sources li { margin: .2rem 0; }
ol.sources a { color: var(--accent); overflow-wrap: anywhere; }
/* records: a table too wide for the page, one block per row, each cell under its column's
   name (the first cell heads the block) */
.records thead { display: none; }
.records table, .records tbody, .records tr, .records td { display: block; width: 100%; }
.records tr { border-bottom: 1px solid var(--rule); padding: .35rem 0; }
.records td { border: 0; padding: .05rem 0; text-align: left; }
.records td::before { content: attr(data-label) ": "; color: var(--muted); }
.records td:first-child { font-weight: 600; }
.records td:first-child::before { content: none; }
.records caption { display: block; }
@media (max-width: 40rem) {
  body { padding: .75rem .8rem 2rem; }
  th, td { padding: .3rem .35rem; }
  figure { margin-left: -.8rem; margin-right: -.8rem; }
  figcaption { padding: 0 .8rem; }
}
@media print {
  @page { margin: 16mm 14mm; }
  body { max-width: none; font-size: 10.5pt; padding: 0; }
  .table { overflow: visible; break-inside: avoid; page-break-inside: avoid; }
  h1, h2, h3, caption, .meta { break-after: avoid; page-break-after: avoid; }
  h2.model { break-before: page; page-break-before: always; }
  figure, tr, li, .keep { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def _records_css(css: str) -> str:
    """The ``.records`` rules again, inside the phone and print media queries."""
    block = css[css.index(".records thead") : css.index("@media (max-width")]
    phone = block.replace(".records", ".phone-records")
    paper = block.replace(".records", ".print-records")
    return css.replace(block, "") + (
        f"@media (max-width: 40rem) {{\n{phone}}}\n@media print {{\n{paper}}}\n"
    )


STYLE = _records_css(CSS)


def _num(cell: str) -> bool:
    return bool(cell) and (cell[0].isdigit() or cell.endswith(("x", "FLOP", "%")))


def table_chars(t: Table) -> int:
    """The characters a row of ``t`` needs: each column as wide as its longest cell, at most
    ``_WRAP`` (longer cells wrap), plus padding."""
    width = 0
    for i, column in enumerate(t.columns):
        cells = [column, *(row[i] for row in t.rows if i < len(row))]
        width += min(max(len(c) for c in cells), _WRAP) + _PAD
    return width


_NUM = ' class="num"'


def _table(t: Table) -> str:
    chars = table_chars(t)
    layout = tuple(
        name
        for name, limit in (("phone-records", PHONE_CHARS), ("print-records", PRINT_CHARS))
        if chars > limit
    )
    e = html.escape
    head = "".join(f'<th scope="col">{e(c)}</th>' for c in t.columns)
    rows = []
    for row in t.rows:
        cells = "".join(
            f'<td data-label="{e(label)}"{_NUM if i and _num(c) else ""}>{e(c)}</td>'
            for i, (label, c) in enumerate(zip(t.columns, row, strict=False))
        )
        rows.append(f"<tr>{cells}</tr>")
    return (
        f'<div class="{" ".join(("table", *layout))}"><table><caption>{e(t.title)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def image_data_url(image: bytes | str) -> str:
    """A data URL for SVG text or PNG bytes."""
    if isinstance(image, str):
        return "data:image/svg+xml;base64," + base64.b64encode(image.encode()).decode("ascii")
    return "data:image/png;base64," + base64.b64encode(image).decode("ascii")


def png_data_url(png: bytes) -> str:
    return image_data_url(png)


def _source(s: Mapping[str, object]) -> str:
    """A source's text with its address as a link, printed once (in the text where the text
    already names it, else after it)."""
    e = html.escape
    url, text = str(s["url"]), str(s["text"])
    link = f'<a href="{e(url)}">{e(url)}</a>'
    if url and url in text:
        before, _, after = text.partition(url)
        return f"{e(before)}{link}{e(after.replace(url, ''))}"
    return f"{e(text)} {link}"


def render(report: Report, plots: Mapping[str, tuple[bytes | str, str]] | None = None) -> str:
    """The report as an HTML document; ``plots`` maps a caption to (SVG text or PNG bytes, alt
    text)."""
    e = html.escape
    body = [f"<h1>{e(report.title)}</h1>"]
    if report.summary:
        body.append("<h2>Summary</h2><ul>")
        body += [f"<li>{e(line)}</li>" for line in report.summary]
        body.append("</ul>")
    for caption, (image, alt) in (plots or {}).items():
        body.append(
            f'<figure><img src="{image_data_url(image)}" alt="{e(alt or caption)}">'
            f"<figcaption>{e(caption)}</figcaption></figure>"
        )
    for part in report.models:
        body.append(f'<h2 class="model" id="{e(part.model)}">{e(part.name)}</h2>')
        body.append(f'<p class="meta">{e(released_words(part))}</p>')
        for sec in part.sections:
            body.append(f"<h3>{e(sec.title)}</h3>")
            if sec.sentences:
                body.append(f"<p>{e(' '.join(sec.sentences))}</p>")
            body += [_table(t) for t in sec.tables]
    body.append('<h2 id="sources">Sources</h2><ol class="sources">')
    body += [f'<li value="{s["n"]}">{_source(s)}</li>' for s in report.sources]
    body.append("</ol>")
    body.append(
        f'<p class="note">Generated by {e(report.generated_with)}; law '
        f"{e(str(report.settings['law']))}, MoE multiplier {e(str(report.settings['moe']))}.</p>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(report.title)}</title><style>{STYLE}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )
