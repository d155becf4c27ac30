"""How a stated ("headline") active count is checked against the exact count."""

from __future__ import annotations

import re

from flopcast.exact import ExactCounts
from flopcast.figures import Model


def active_matches_stated(m: Model, e: ExactCounts, limit: float = 0.03) -> bool:
    """Within ``limit`` (3%) of the exact count in the catalog's convention; else, for
    "A3B"-style figures rounded at their own precision ("3B" means 2.5-3.5B), one of the
    conventions developers use (with the input embedding, without it, without it and the LM
    head: Qwen states the non-embedding count) rounds to the stated figure."""
    if e.active_rounding is None or abs(e.active_rounding) < limit:
        return True
    from flopcast.arch import from_config
    from flopcast.configs import config_for_model

    resolved = config_for_model(m)
    stated = m.figure("active_params")
    if resolved is None or stated is None:
        return False
    arch = from_config(resolved.config)
    g = arch.groups
    options = (
        arch.active_params,
        arch.active_params_without_embedding,
        arch.active_params - g.embedding - g.lm_head,
    )
    return any(rounds_to(stated.text, x) for x in options)


def rounds_to(text: str, exact: int) -> bool:
    """``exact`` rounded at the precision of a stated figure such as "3B" or "3.2B" gives it."""
    found = re.fullmatch(r"\s*(\d+)(?:\.(\d+))?\s*([KMBT])\s*", text)
    if found is None:
        return False
    whole, decimals, unit = found.groups()
    scale = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}[unit]
    step = scale / 10 ** len(decimals or "")
    stated = float(f"{whole}.{decimals or 0}") * scale
    return bool(abs(exact - stated) <= step / 2)
