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
    "estimate": "flopcast.training",
    "operation_count": "flopcast.training",
    "compare": "flopcast.comparison",
    "ratio_words": "flopcast.comparison",
    "ComputeEstimate": "flopcast.training",
    "Comparison": "flopcast.comparison",
    "cluster": "flopcast.clusters",
    "ClusterEstimate": "flopcast.clusters",
    "accelerator": "flopcast.hardware",
    "accelerators": "flopcast.hardware",
    "Accelerator": "flopcast.hardware",
    "Sampling": "flopcast.uncertainty",
    "FlopcastError": "flopcast.errors",
    "model": "flopcast.catalog",
    "models": "flopcast.listing",
    "Model": "flopcast.figures",
    "to_dataframe": "flopcast.listing",
    "headline": "flopcast.accounting",
    "Headline": "flopcast.accounting",
    "model_compute": "flopcast.accounting",
    "ModelCompute": "flopcast.accounting",
    "frontier": "flopcast.frontiers",
    "thresholds": "flopcast.regulation",
    "fit_trend": "flopcast.trends",
    "Trend": "flopcast.trends",
    "count_above": "flopcast.trends.count",
}

__all__ = [
    "Accelerator",
    "ClusterEstimate",
    "Comparison",
    "ComputeEstimate",
    "FlopcastError",
    "Headline",
    "Kind",
    "Model",
    "ModelCompute",
    "Quantity",
    "Sampling",
    "Trend",
    "accelerator",
    "accelerators",
    "cluster",
    "compare",
    "count_above",
    "estimate",
    "fit_trend",
    "fmt",
    "frontier",
    "headline",
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
    from flopcast.accounting import Headline, ModelCompute, headline, model_compute
    from flopcast.catalog import model
    from flopcast.clusters import ClusterEstimate, cluster
    from flopcast.comparison import Comparison, compare, ratio_words
    from flopcast.errors import FlopcastError
    from flopcast.figures import Model
    from flopcast.frontiers import frontier
    from flopcast.hardware import Accelerator, accelerator, accelerators
    from flopcast.listing import models, to_dataframe
    from flopcast.quantity import Kind, Quantity, fmt, parse
    from flopcast.regulation import thresholds
    from flopcast.training import ComputeEstimate, estimate, operation_count
    from flopcast.trends import Trend, fit_trend
    from flopcast.trends.count import count_above
    from flopcast.uncertainty import Sampling


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'flopcast' has no attribute {name!r}")
