"""KV-cache element types and their bits per element: one table (``data/kv_dtypes.toml``) for
the architecture accounting and for local inference alike."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

from flopcast.datafiles import NameIndex, load_validated


@dataclass(frozen=True)
class KVDtype:
    """A KV-cache element type: its bits per element (block scales included) and source."""

    id: str
    aliases: tuple[str, ...]
    bits: Fraction
    source: str
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "aliases": list(self.aliases),
            "bits": float(self.bits),
            "source": self.source,
            "note": self.note,
        }


def _schema() -> Any:
    from pydantic import BaseModel, ConfigDict, Field, HttpUrl

    class Row(BaseModel):
        model_config = ConfigDict(extra="forbid")
        id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
        aliases: list[str] = []
        bits: float = Field(gt=0, le=32)
        source: HttpUrl
        note: str

    class Table(BaseModel):
        model_config = ConfigDict(extra="forbid")
        kv_dtype: list[Row]

    return Table


@cache
def kv_dtypes() -> tuple[KVDtype, ...]:
    """Every KV-cache element type flopcast knows."""
    rows = load_validated("kv_dtypes.toml", _schema, Path(__file__))["kv_dtype"]
    return tuple(
        KVDtype(r["id"], tuple(r["aliases"]), Fraction(str(r["bits"])), r["source"], r["note"])
        for r in rows
    )


@cache
def _index() -> NameIndex[KVDtype]:
    return NameIndex(
        "data/kv_dtypes.toml",
        "KV-cache dtype",
        ((k.id, k.aliases, k) for k in kv_dtypes()),
        hint=lambda: "known: " + ", ".join(k.id for k in kv_dtypes()),
    )


def kv_dtype(name: str) -> KVDtype:
    """A KV-cache dtype by id or alias: ``bf16``, ``fp8``, ``q8_0``, ``int8``, ``nvfp4``.

    >>> kv_dtype("Q8_0").bits
    Fraction(17, 2)
    """
    return _index().get(name)
