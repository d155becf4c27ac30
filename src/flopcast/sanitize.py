"""Text from data (model names, notes, file names, column names) made safe to show.

Imported models and user-typed names can carry anything: terminal escape sequences that
clear the screen or retitle the window, bidirectional overrides that reorder what is read,
Markdown or HTML that turns a name into a heading or a script. Whatever flopcast prints or
writes passes through one of these functions first. Only the standard library here.
"""

from __future__ import annotations

import re

# C0 controls but tab/newline, DEL, C1 controls (including the 8-bit CSI), and the Unicode
# format characters that reorder or hide text (bidi embeddings, overrides and isolates).
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("[\t\n]")


def terminal_safe(text: object, *, one_line: bool = True) -> str:
    """``text`` without control characters; tabs and newlines become spaces when ``one_line``.

    >>> terminal_safe("Evil\\x1b[2J model\\n2")
    'Evil[2J model 2'
    """
    s = CONTROL.sub("", str(text))
    return _LINE_BREAKS.sub(" ", s) if one_line else s


#: Characters that start or end an inline Markdown construct (emphasis, code, links, table
#: cells, strikethrough); ``<``, ``>`` and ``&`` become HTML entities instead.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]|~])")
#: What makes a line a heading, a list item, a quote or a rule when it starts one.
_MARKDOWN_LEADING = re.compile(r"^(\s*)([#+=-])|^(\s*\d+)([.)])")


def markdown_escape(text: object) -> str:
    """``text`` as literal Markdown: constructs escaped, HTML specials as entities, control
    characters removed and line breaks as spaces (so a name cannot open a heading or a tag).

    >>> markdown_escape("# x <script>*y*")
    '\\\\# x &lt;script&gt;\\\\*y\\\\*'
    """
    s = terminal_safe(text)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MARKDOWN_INLINE.sub(r"\\\1", s)
    return _MARKDOWN_LEADING.sub(
        lambda m: f"{m[1]}\\{m[2]}" if m[2] else f"{m[3]}\\{m[4]}", s, count=1
    )


def short(value: object, limit: int = 60) -> str:
    """``repr(value)`` for a one-line message: cut to ``limit`` characters, and a huge integer
    shown by its size (formatting one as a float overflows; as digits, it can run to pages).

    >>> short(10**400), short("a" * 100, 10)
    ('an integer of 401 digits', "'aaaaaa...")
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        digits = int(value.bit_length() * 0.30103) + 1
        return f"an integer of {digits} digits"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
