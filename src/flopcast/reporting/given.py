"""A model given by numbers (``flopcast report --active 200B --tokens 40T``): not in the
catalog, every figure "given", and no release date unless one is given."""

from __future__ import annotations

from datetime import date

from flopcast.dates import parse_date
from flopcast.errors import FlopcastError, FlopcastTypeError, opt
from flopcast.figures import Figure, Model
from flopcast.quantity import Kind, QuantityLike, fmt, parse
from flopcast.training import check_accelerators

#: The ``id`` and ``family`` of a model given by numbers.
GIVEN_ID = "custom"
#: Its ``notes`` when no release date was given: it is placed at the day of the report.
UNRELEASED = "unreleased"


def custom_model(
    *,
    name: str,
    active: QuantityLike,
    tokens: QuantityLike,
    total: QuantityLike | None = None,
    gpus: QuantityLike | None = None,
    gpu: str | None = None,
    released: date | None = None,
) -> Model:
    """A model that is not in the catalog, from numbers typed by the user. Without
    ``released`` it is unreleased, compared with what was known on the day of the report."""

    def fig(key: str, arg: str, value: QuantityLike, kind: Kind, unit: str) -> Figure:
        # errors name the argument as typed: --gpus on the command line, gpus in Python
        q = parse(value, kind, what=opt(arg), unit=unit)
        return Figure(key, str(value), "", "you", "given", q, kind)

    if not isinstance(name, str):
        raise FlopcastTypeError(f"name must be a string, not {type(name).__name__}")
    if released is not None:
        released = parse_date(released, opt("released", "--date"))
    figures = {
        "active_params": fig("active_params", "active", active, Kind.COUNT, "params"),
        "training_tokens": fig("training_tokens", "tokens", tokens, Kind.COUNT, "tokens"),
    }
    if total is not None:
        figures["total_params"] = fig("total_params", "total", total, Kind.COUNT, "params")
    if gpus is not None:
        figures["accelerator_count"] = fig(
            "accelerator_count", "gpus", gpus, Kind.COUNT, "accelerators"
        )
        check_accelerators(figures["accelerator_count"].quantity, opt("gpus"))
    if gpu is not None:
        figures["training_hardware"] = Figure("training_hardware", gpu, "", "you", "given")
    n_active = figures["active_params"].quantity
    n_total = figures["total_params"].quantity if "total_params" in figures else None
    if n_total is not None and n_active is not None and n_total.value < n_active.value / 1.0001:
        raise FlopcastError(
            f"{opt('total')} {fmt(n_total, Kind.COUNT)} is below {opt('active')} "
            f"{fmt(n_active, Kind.COUNT)}: the total counts every parameter (swapped?)"
        )
    moe = n_total is not None and n_active is not None and n_total.value > n_active.value
    return Model(
        id=GIVEN_ID,
        name=name,
        aliases=(),
        developer="(given)",
        family=GIVEN_ID,
        released=released or date.today(),
        open_weights=False,
        architecture="moe" if moe else "dense",
        notes="" if released else UNRELEASED,
        figures=figures,
    )


def is_given(m: Model) -> bool:
    """A model given by numbers, not a catalog entry."""
    return m.family == GIVEN_ID


def is_unreleased(m: Model) -> bool:
    return is_given(m) and m.notes == UNRELEASED


def given_label(m: Model) -> str:
    """Its name on a plot: ``Rumoured 2T (unreleased)`` when no date was given."""
    return f"{m.name} (unreleased)" if is_unreleased(m) else m.name
