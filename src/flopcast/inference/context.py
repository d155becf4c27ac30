"""Context lengths: ``32k``, ``128k``, ``1M`` or a number of tokens, and the bounds on them."""

from __future__ import annotations

import re

from flopcast.errors import FlopcastError
from flopcast.inference.defaults import MAX_CONTEXT

_CONTEXT = re.compile(r"^(\d+(?:\.\d+)?)\s*(k|m)?i?\s*(?:tokens?)?$")


def parse_context(text: str | int) -> int:
    """A context length: ``32k`` = 32,768 and ``128k`` = 131,072 (k = 1,024 here, as context
    windows are quoted), ``1M`` = 1,048,576, or a plain number of tokens."""
    if isinstance(text, bool):
        raise FlopcastError(f"context {text!r} is not a number of tokens")
    if isinstance(text, int):
        return check_context(text)
    raw = text.strip().lower().replace(",", "").replace("_", "")
    m = _CONTEXT.match(raw)
    if not m:
        raise FlopcastError(
            f"context {text!r} is not a number of tokens: write 8192, 32k or 128k (k = 1,024)"
        )
    scale = {None: 1, "k": 1 << 10, "m": 1 << 20}[m.group(2)]
    value = float(m.group(1)) * scale
    if value != int(value):
        raise FlopcastError(f"context {text!r} is not a whole number of tokens")
    return check_context(int(value))


def check_context(context: int) -> int:
    if isinstance(context, bool) or not isinstance(context, int) or context < 1:
        raise FlopcastError(f"context must be a positive number of tokens, got {context!r}")
    if context > MAX_CONTEXT:
        raise FlopcastError(
            f"context {context:,} tokens is absurd (flopcast stops at {MAX_CONTEXT:,})"
        )
    return context
