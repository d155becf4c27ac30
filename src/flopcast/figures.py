"""A model and its figures as plain typed values: what the catalog and Epoch AI's rows are made of.

Every figure is a quantity in flopcast's syntax with its source, who stated or estimated it,
and whether the developer reported it or someone estimated it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flopcast.quantity import Kind, Quantity

#: The quantitative figures a model may carry, and what each measures.
FIGURE_KINDS: dict[str, Kind] = {
    "total_params": Kind.COUNT,
    "active_params": Kind.COUNT,
    "routed_experts": Kind.NUMBER,
    "active_routed_experts": Kind.NUMBER,
    "shared_experts": Kind.NUMBER,
    "training_tokens": Kind.COUNT,
    "accelerator_count": Kind.COUNT,
    "accelerator_hours": Kind.COUNT,
    "achieved_flops": Kind.RATE,  # per accelerator, as the developer reported it
    "training_duration": Kind.DURATION,
    "training_compute": Kind.FLOP,
    "context_length": Kind.COUNT,
    "vocab_size": Kind.COUNT,
    # the training setup, where the developer gave it (``flopcast plan`` and the report use it)
    "tensor_parallel": Kind.NUMBER,
    "pipeline_parallel": Kind.NUMBER,
    "context_parallel": Kind.NUMBER,
    "data_parallel": Kind.NUMBER,
    "zero_stage": Kind.NUMBER,  # the ZeRO stage the sharding amounts to during a step
    "training_sequence_length": Kind.COUNT,
    "training_batch_tokens": Kind.COUNT,
    "training_mfu": Kind.FRACTION,  # model FLOP utilization over whole steps, as reported
}
#: Figures whose value is a name, not a number.
TEXT_FIGURES = ("training_hardware", "training_precision", "activation_recomputation")

UNITS = {
    "total_params": "params",
    "active_params": "params",
    "training_tokens": "tokens",
    "accelerator_count": "accelerators",
    "accelerator_hours": "accelerator-hours",
    "training_compute": "FLOP",
    "context_length": "tokens",
    "achieved_flops": "FLOP/s",
    "training_sequence_length": "tokens",
    "training_batch_tokens": "tokens",
}


@dataclass(frozen=True)
class Figure:
    """One figure of a model: its value (with a 90% interval if uncertain) and provenance."""

    name: str
    text: str  # as written in the catalog
    source: str
    by: str
    basis: str  # "reported" (the developer) or "estimated" (by someone else)
    quantity: Quantity | None = None  # None for names (hardware, precision)
    kind: Kind | None = None
    note: str = ""
    confidence: str | None = None

    @property
    def provenance(self) -> str:
        """``reported by Meta`` or ``estimated by Epoch AI (Likely)``."""
        label = f"{self.basis} by {self.by}"
        return f"{label} ({self.confidence})" if self.confidence else label

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text}
        if self.quantity is not None:
            out.update(self.quantity.to_dict())
        out.update(source=self.source, by=self.by, basis=self.basis)
        if self.confidence:
            out["confidence"] = self.confidence
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class Model:
    """A catalog entry as a plain typed value."""

    id: str
    name: str
    aliases: tuple[str, ...]
    developer: str
    family: str
    released: date
    open_weights: bool
    architecture: str | None = None  # "dense" | "moe"; None when undisclosed
    hf_repo: str | None = None
    predecessor: str | None = None
    notes: str = ""
    figures: dict[str, Figure] = field(default_factory=dict)
    active_excludes_embedding: bool = False  # the developer's "active" leaves it out (gpt-oss)

    def figure(self, name: str) -> Figure | None:
        return self.figures.get(name)

    def value(self, name: str) -> Quantity | None:
        fig = self.figures.get(name)
        return None if fig is None else fig.quantity

    @property
    def is_moe(self) -> bool:
        return self.architecture == "moe"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "aliases": list(self.aliases),
            "developer": self.developer,
            "family": self.family,
            "released": self.released.isoformat(),
            "architecture": self.architecture,
            "open_weights": self.open_weights,
            "hf_repo": self.hf_repo,
            "predecessor": self.predecessor,
            "notes": self.notes,
            "active_excludes_embedding": self.active_excludes_embedding,
            "figures": {k: v.to_dict() for k, v in self.figures.items()},
        }
