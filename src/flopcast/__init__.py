"""flopcast: compute accounting for AI models.

The public API, importable without numpy (heavy libraries load only when a function needs
them)::

    import flopcast
    est = flopcast.estimate(active_params="288B", tokens="30T..40T")
    est.operation_count            # Quantity(value=5.99e25, low=5.18e25, high=6.91e25, ...)
    flopcast.compare("5.18e25", "3.8e25").words   # '36% more'
    flopcast.cluster(accelerators="100K", accelerator_name="h100", duration="90d",
                     utilization=0.4).total        # 3.08e26 FLOP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# name -> module: resolved on first use, so `import flopcast` stays light.
_LAZY = {
    "Quantity": "flopcast.quantity",
    "Kind": "flopcast.quantity",
    "parse": "flopcast.quantity",
    "fmt": "flopcast.quantity",
    "estimate": "flopcast.compute",
    "operation_count": "flopcast.compute",
    "compare": "flopcast.compute",
    "ratio_words": "flopcast.compute",
    "ComputeEstimate": "flopcast.compute",
    "Comparison": "flopcast.compute",
    "cluster": "flopcast.cluster",
    "ClusterEstimate": "flopcast.cluster",
    "accelerator": "flopcast.hardware",
    "accelerators": "flopcast.hardware",
    "Accelerator": "flopcast.hardware",
    "Sampling": "flopcast.uncertainty",
    "FlopcastError": "flopcast.errors",
    "model": "flopcast.catalog",
    "models": "flopcast.catalog",
    "Model": "flopcast.catalog",
    "to_dataframe": "flopcast.catalog",
    "model_compute": "flopcast.accounting",
    "ModelCompute": "flopcast.accounting",
    "frontier": "flopcast.frontier",
    "thresholds": "flopcast.frontier",
}

__all__ = [
    "Accelerator",
    "ClusterEstimate",
    "Comparison",
    "ComputeEstimate",
    "FlopcastError",
    "Kind",
    "Model",
    "ModelCompute",
    "Quantity",
    "Sampling",
    "accelerator",
    "accelerators",
    "cluster",
    "compare",
    "estimate",
    "fmt",
    "frontier",
    "model",
    "model_compute",
    "models",
    "operation_count",
    "parse",
    "ratio_words",
    "thresholds",
    "to_dataframe",
]

if TYPE_CHECKING:
    from flopcast.accounting import ModelCompute, model_compute
    from flopcast.catalog import Model, model, models, to_dataframe
    from flopcast.cluster import ClusterEstimate, cluster
    from flopcast.compute import (
        Comparison,
        ComputeEstimate,
        compare,
        estimate,
        operation_count,
        ratio_words,
    )
    from flopcast.errors import FlopcastError
    from flopcast.frontier import frontier, thresholds
    from flopcast.hardware import Accelerator, accelerator, accelerators
    from flopcast.quantity import Kind, Quantity, fmt, parse
    from flopcast.uncertainty import Sampling


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'flopcast' has no attribute {name!r}")
