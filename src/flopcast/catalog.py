"""The model catalog: notable models with a source for every figure, looked up by name.

The data is ``data/models.toml`` and any ``data/models/*.toml`` (one ``[[model]]`` table per
model, validated with pydantic on first use; the conventions are in ``models.toml``'s header).
Every figure is a quantity in flopcast's syntax with its source, who stated or estimated it,
and whether the developer reported it or someone estimated it.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flopcast.datafiles import (
    check_unique_names,
    data_path,
    did_you_mean,
    first_error,
    lenient_key,
    load_toml,
    validated,
)
from flopcast.epoch import confidence_factor, epoch_index
from flopcast.errors import FlopcastError, FlopcastTypeError, listing
from flopcast.figures import FIGURE_KINDS, TEXT_FIGURES, UNITS, Figure, Model
from flopcast.quantity import Quantity, parse

if TYPE_CHECKING:
    from pydantic import BaseModel

CATALOG_FILE = "data/models.toml"


@cache
def _schema() -> type[BaseModel]:
    from typing import Literal

    from pydantic import BaseModel, ConfigDict, Field, HttpUrl

    class FigureRow(BaseModel):
        model_config = ConfigDict(extra="forbid")
        value: str = Field(min_length=1)
        source: HttpUrl
        by: str = Field(min_length=1)
        basis: Literal["reported", "estimated"]
        note: str = ""
        confidence: Literal["Confident", "Likely", "Speculative"] | None = None

    fields: dict[str, Any] = {
        name: (FigureRow | None, None) for name in (*FIGURE_KINDS, *TEXT_FIGURES)
    }

    class Identity(BaseModel):
        model_config = ConfigDict(extra="forbid")
        id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
        name: str
        aliases: list[str] = []
        developer: str
        family: str
        released: date
        open_weights: bool
        architecture: Literal["dense", "moe"] | None = None
        hf_repo: str | None = Field(None, pattern=r"^[\w.-]+/[\w.-]+$")
        predecessor: str | None = None
        notes: str = ""
        active_excludes_embedding: bool = False

    from pydantic import create_model

    return create_model("ModelRow", __base__=Identity, **fields)


def catalog_files() -> tuple[Path, ...]:
    """The catalog's data files: ``models.toml``, then ``models/*.toml`` in name order."""
    extra = sorted(data_path("models").glob("*.toml")) if data_path("models").is_dir() else []
    return (data_path("models.toml"), *extra)


def _parse_entry(raw: dict[str, Any], index: int, file: str = CATALOG_FILE) -> Model:
    from pydantic import ValidationError

    label = f"{file}: model #{index + 1} ({raw.get('id', '?')})"
    try:
        row: Any = _schema().model_validate(raw)
    except ValidationError as exc:
        raise FlopcastError(f"{label}: field {first_error(exc)}") from None
    figures: dict[str, Figure] = {}
    for name in (*FIGURE_KINDS, *TEXT_FIGURES):
        fig = getattr(row, name)
        if fig is None:
            continue
        quantity, kind = None, FIGURE_KINDS.get(name)
        if kind is not None:
            try:
                quantity = parse(
                    fig.value, kind, what=name, unit=UNITS.get(name, ""), default_duration="d"
                )
            except FlopcastError as exc:
                raise FlopcastError(f"{label}: field {name}: {exc}") from None
            if fig.confidence is not None:
                if quantity.uncertain:
                    raise FlopcastError(
                        f"{label}: field {name}: a '{fig.confidence}' estimate takes its band "
                        f"from its label; write the central value alone"
                    )
                factor = confidence_factor(fig.confidence)
                assert factor is not None  # the schema allows only the labels epoch.toml has
                v = quantity.value
                quantity = Quantity(v, v / factor, v * factor, quantity.unit)
            if fig.basis == "estimated" and not quantity.uncertain:
                raise FlopcastError(
                    f"{label}: field {name}: an estimate needs a range (e.g. '{fig.value}~3x')"
                )
        figures[name] = Figure(
            name=name,
            text=fig.value,
            source=str(fig.source),
            by=fig.by,
            basis=fig.basis,
            quantity=quantity,
            kind=kind,
            note=fig.note,
            confidence=fig.confidence,
        )
    return Model(
        id=row.id,
        name=row.name,
        aliases=tuple(row.aliases),
        developer=row.developer,
        family=row.family,
        released=row.released,
        open_weights=row.open_weights,
        architecture=row.architecture,
        hf_repo=row.hf_repo,
        predecessor=row.predecessor,
        notes=row.notes,
        figures=figures,
        active_excludes_embedding=row.active_excludes_embedding,
    )


@cache
def catalog() -> tuple[Model, ...]:
    """Every curated model, validated on first use (and cached: see :func:`validated`)."""
    import flopcast.quantity

    files = catalog_files()

    def build() -> tuple[Model, ...]:
        out: list[Model] = []
        for path in files:
            rel = path.relative_to(data_path("")).as_posix()
            rows = load_toml(rel).get("model", [])
            out += [_parse_entry(raw, i, f"data/{rel}") for i, raw in enumerate(rows)]
        check_unique_names(CATALOG_FILE, ((m.id, m.aliases) for m in out))
        return tuple(out)

    sources = (*files, data_path("epoch.toml"), Path(__file__), Path(flopcast.quantity.__file__))
    return validated("catalog", sources, build)


def _names(m: Model) -> set[str]:
    names = {m.id, m.name, *m.aliases}
    if m.hf_repo:
        names |= {m.hf_repo, m.hf_repo.split("/", 1)[1]}
    return {lenient_key(n) for n in names}


@cache
def _index() -> dict[str, tuple[Model, ...]]:
    index: dict[str, list[Model]] = {}
    for m in catalog():
        for key in _names(m):
            index.setdefault(key, []).append(m)
    return {k: tuple(v) for k, v in index.items()}


#: Suffixes that name a variant of the same model ("Llama-3.1-8B-Instruct" is Llama 3.1 8B).
VARIANT_WORDS = ("instruct", "base", "chat", "it", "hf", "preview", "fp8", "bf16", "original")


def _variant_of(query: str, known: str) -> bool:
    """Whether a folded query names a known model loosely: a variant suffix, or a prefix."""
    if query.startswith(known):
        return query[len(known) :] in VARIANT_WORDS
    return len(query) >= 5 and known.startswith(query)


def _ambiguous(name: str, candidates: list[Model]) -> FlopcastError:
    choices = ", ".join(sorted({m.id for m in candidates})[:8])
    return FlopcastError(f"model name {name!r} is ambiguous: did you mean one of {choices}?")


def model(name: str) -> Model:
    """A model by any of its names: ``maverick``, ``Llama 4 Maverick``, ``llama4-maverick``,
    ``Llama-4-Maverick-17B-128E``. The curated catalog first, then Epoch AI's dataset (for
    models the catalog lacks). Ambiguous or unknown names are one-line errors."""
    if not isinstance(name, str):
        raise FlopcastTypeError(f"a model name is text, not {type(name).__name__}")
    key = lenient_key(name)
    if not key:
        raise FlopcastError(f"empty model name: {listing('models')}")
    exact = _index().get(key, ())
    if len(exact) == 1:  # the common case: no need to read Epoch AI's dataset
        return exact[0]
    indexes = (_index(), epoch_extras_index())
    for index in indexes:
        exact = index.get(key, ())
        if len(exact) == 1:
            return exact[0]
        if exact:
            raise _ambiguous(name, list(exact))
    for index in indexes:
        loose = {m.id: m for k, ms in index.items() if _variant_of(key, k) for m in ms}
        if len(loose) == 1:
            return next(iter(loose.values()))
        if loose:
            raise _ambiguous(name, list(loose.values()))
    folded = {k: ms[0].id for k, ms in _index().items()}
    hint = did_you_mean(name.replace(" ", "-"), [m.id for m in catalog()], folded)
    if not hint:  # Epoch AI's names, for a model the catalog lacks
        hint = did_you_mean(name, [m.name for ms in indexes[1].values() for m in ms])
    raise FlopcastError(f"unknown model {name!r}: {hint}{listing('models')}")


def epoch_extras_index() -> dict[str, tuple[Model, ...]]:
    """Epoch AI's models that the curated catalog lacks (curated entries win on a clash)."""
    curated = _index()
    return {k: v for k, v in epoch_index().items() if k not in curated}


def epoch_extras() -> list[Model]:
    """Epoch AI's models that the curated catalog lacks, as a flat list."""
    return [m for models in epoch_extras_index().values() for m in models]


def family_members(name: str) -> list[Model]:
    """The models of a family (``llama-4``), in release order; empty if none."""
    key = lenient_key(name)
    return sorted((m for m in catalog() if lenient_key(m.family) == key), key=lambda m: m.released)
