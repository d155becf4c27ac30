"""Listing catalog models: filters, sorting, and the catalog as a table (pandas).

Every listing shows a model's headline training compute (:func:`flopcast.accounting.headline`)
with its basis, the same figure ``compute``, ``compare``, ``frontier``, the report and the plots
show. The catalog's own stated figure stays available beside it (``stated_training_compute``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flopcast.accounting import headline
from flopcast.catalog import catalog
from flopcast.datafiles import lenient_key
from flopcast.errors import FlopcastError
from flopcast.figures import Model

#: How ``models(sort=...)`` orders: date ascending; compute and params largest first.
SORT_KEYS: tuple[str, ...] = ("date", "compute", "params", "name")


def headline_flop(m: Model) -> float | None:
    """The central value of a model's headline training compute (None: not disclosed)."""
    h = headline(m)
    return None if h.compute is None else h.compute.value


def _params(m: Model) -> float:
    p = m.value("total_params") or m.value("active_params")
    return 0.0 if p is None else p.value


_SORTERS: dict[str, tuple[Callable[[Model], Any], bool]] = {
    "date": (lambda m: m.released.toordinal(), False),
    "compute": (lambda m: headline_flop(m) or 0.0, True),
    "params": (_params, True),
    "name": (lambda m: m.name.lower(), False),
}


class ModelList(list[Model]):
    """A list of models with ``.to_dataframe()`` (pandas) and ``.to_dict()``."""

    def to_dataframe(self) -> Any:
        return to_dataframe(self)

    def to_dict(self) -> dict[str, Any]:
        out = []
        for m in self:
            h = headline(m)
            out.append({**m.to_dict(), "headline": h.to_dict()})
        return {"models": out}


def models(
    *,
    developer: str | None = None,
    year: int | None = None,
    architecture: str | None = None,
    open_weights: bool | None = None,
    family: str | None = None,
    search: str | None = None,
    above: float | str | None = None,
    sort: str = "date",
) -> ModelList:
    """Catalog models matching every given filter (case-insensitive text matches), sorted.

    ``above`` keeps models whose headline compute is above a figure (``"1e25"``).

    >>> [m.id for m in models(developer="meta", above="3e25")]
    ['llama-3.1-405b', 'llama-4-behemoth']
    """
    if sort not in _SORTERS:
        raise FlopcastError(f"sort {sort!r}: use one of {', '.join(SORT_KEYS)}")
    if architecture is not None and architecture.lower() not in ("dense", "moe"):
        raise FlopcastError(f"architecture {architecture!r}: use dense or moe")
    floor = None
    if above is not None:
        from flopcast.quantity import Kind, parse

        floor = parse(above, Kind.FLOP, what="above", unit="FLOP").value
    out = ModelList()
    for m in catalog():
        if developer and lenient_key(developer) not in lenient_key(m.developer):
            continue
        if year is not None and m.released.year != year:
            continue
        if architecture and m.architecture != architecture.lower():
            continue
        if open_weights is not None and m.open_weights != open_weights:
            continue
        if family and lenient_key(family) != lenient_key(m.family):
            continue
        if search:
            hay = " ".join([m.id, m.name, m.developer, m.family, *m.aliases, m.notes]).lower()
            if not all(word in hay for word in search.lower().split()):
                continue
        if floor is not None and (headline_flop(m) or 0.0) <= floor:
            continue
        out.append(m)
    key, reverse = _SORTERS[sort]
    out.sort(key=key, reverse=reverse)
    return out


def to_dataframe(rows: Iterable[Model] | None = None) -> Any:
    """The catalog (or some models) as a pandas DataFrame: one row per model, central values.

    ``training_compute`` is the headline figure (its basis in ``training_compute_basis``, its
    90% interval in ``training_compute_low_90``/``_high_90``); the catalog's stated figure, when
    it has one, is ``stated_training_compute``. Needs pandas (``pip install
    'flopcast[pandas]'``).
    """
    try:
        import pandas as pd
    except ImportError:
        raise FlopcastError("to_dataframe needs pandas: pip install 'flopcast[pandas]'") from None
    records = []
    for m in catalog() if rows is None else rows:
        rec: dict[str, Any] = {
            "id": m.id,
            "name": m.name,
            "developer": m.developer,
            "released": m.released,
            "architecture": m.architecture,
            "open_weights": m.open_weights,
        }
        for name, fig in m.figures.items():
            column = "stated_training_compute" if name == "training_compute" else name
            rec[column] = fig.quantity.value if fig.quantity is not None else fig.text
            if fig.quantity is not None and fig.quantity.uncertain:
                rec[f"{column}_low_90"] = fig.quantity.low
                rec[f"{column}_high_90"] = fig.quantity.high
        h = headline(m)
        rec["training_compute"] = None if h.compute is None else h.compute.value
        rec["training_compute_low_90"] = None if h.compute is None else h.compute.low
        rec["training_compute_high_90"] = None if h.compute is None else h.compute.high
        rec["training_compute_basis"] = h.label
        records.append(rec)
    return pd.DataFrame.from_records(records)
