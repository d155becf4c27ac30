"""What the answers share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flopcast.figures import Model
    from flopcast.uncertainty import Sampling


def sampling(samples: int, seed: int) -> Sampling:
    """The Monte Carlo sampling of ``--samples`` and ``--seed`` (checked by :class:`Sampling`)."""
    from flopcast.uncertainty import Sampling

    return Sampling(samples=samples, seed=seed)


def catalog_model(model: str | Model) -> Model:
    """A catalog model: by name (lenient, as the command line reads it), or as given."""
    from flopcast.figures import Model

    if isinstance(model, Model):
        return model
    from flopcast.catalog import model as lookup

    return lookup(model)


def several(value: object, name: str) -> list[Any]:
    """A repeatable option (``--vs a --vs b``) as a list: None is none, one value is one."""
    from flopcast.errors import FlopcastTypeError, opt
    from flopcast.sanitize import short

    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return list(value)
    raise FlopcastTypeError(f"{opt(name)} is a list of values, not {short(value)}")


def text(value: object, name: str, *, required: bool = False) -> str | None:
    """An option that takes text (a name, a date, a format): a string, or None where the
    option may be left out."""
    from flopcast.errors import FlopcastTypeError, opt
    from flopcast.sanitize import short

    if (value is None and not required) or isinstance(value, str):
        return value
    raise FlopcastTypeError(f"{opt(name)} is text, not {short(value)}")
