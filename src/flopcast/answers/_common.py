"""What the answers share."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
