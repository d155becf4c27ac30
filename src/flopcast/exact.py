"""Exact parameter counts of a catalog model from its shipped config.json, in the developer's
own convention, and how far the stated (rounded) figures are from them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from flopcast.figures import Model


@dataclass(frozen=True)
class ExactCounts:
    """A catalog model's exact parameter counts from its shipped config.json."""

    config: str  # the repo id whose config.json was counted
    total_params: int
    active_params: int | None
    stated_total: float | None
    stated_active: float | None
    total_convention: str = "text model"
    active_convention: str = "with the input embedding"

    @staticmethod
    def _diff(stated: float | None, exact: int | None) -> float | None:
        return None if stated is None or not exact else stated / exact - 1

    @property
    def total_rounding(self) -> float | None:
        """How far the stated total is from the exact one (0.01 = stated is 1% above)."""
        return self._diff(self.stated_total, self.total_params)

    @property
    def active_rounding(self) -> float | None:
        return self._diff(self.stated_active, self.active_params)

    def to_dict(self) -> dict[str, Any]:
        return {
            "config": self.config,
            "total_params": self.total_params,
            "active_params": self.active_params,
            "stated_total_vs_exact": self.total_rounding,
            "stated_active_vs_exact": self.active_rounding,
            "total_convention": self.total_convention,
            "active_convention": self.active_convention,
        }


def exact_counts(m: Model) -> ExactCounts | None:
    """Exact counts from the config.json shipped for the model's Hugging Face repo, if any."""
    if m.hf_repo is None:
        return None
    from flopcast.arch import SUPPORTED_MODEL_TYPES, from_config
    from flopcast.arch.hub import read_config_file, shipped_config_for

    path = shipped_config_for(m.hf_repo)
    if path is None:
        return None
    config = read_config_file(path)
    if config.get("model_type") not in SUPPORTED_MODEL_TYPES:
        return None  # shipped ahead of its architecture builder: no exact count yet
    arch = from_config(config)
    total, active = m.value("total_params"), m.value("active_params")

    def nearest(stated: float | None, options: dict[str, int]) -> tuple[str, int]:
        # vendors state totals differently (Scout's 109B includes its vision tower, Maverick's
        # 400B does not): compare with whichever the stated figure is closest to
        if stated is None:
            return next(iter(options.items()))
        return min(options.items(), key=lambda kv: abs(math.log(stated / kv[1])))

    total_conv, total_exact = nearest(
        None if total is None else total.value,
        {
            "text model": arch.total_params,
            "with vision and other extra modules": arch.total_params_with_extras,
        },
    )
    # the developer's own convention for "active" (gpt-oss leaves the input embedding out)
    if m.active_excludes_embedding:
        active_conv, active_exact = (
            "without the input embedding",
            arch.active_params_without_embedding,
        )
    else:
        active_conv, active_exact = "with the input embedding", arch.active_params
    return ExactCounts(
        config=m.hf_repo,
        total_params=total_exact,
        active_params=active_exact,
        stated_total=None if total is None else total.value,
        stated_active=None if active is None else active.value,
        total_convention=total_conv,
        active_convention=active_conv,
    )
