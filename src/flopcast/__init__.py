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
    # training systems: power, energy, prices and cost of a run
    "cluster_power": "flopcast.power",
    "accelerators_for_power": "flopcast.power",
    "ClusterPower": "flopcast.power",
    "run_cost": "flopcast.cost",
    "RunCost": "flopcast.cost",
    "Price": "flopcast.prices",
    "parse_price": "flopcast.prices",
    "hardware_price": "flopcast.prices",
    "cloud_price": "flopcast.prices",
    "electricity_price": "flopcast.prices",
    "cpi_factor": "flopcast.prices",
    "System": "flopcast.systems",
    "system": "flopcast.systems",
    "all_systems": "flopcast.systems",
    "import_systems": "flopcast.systems",
    "largest_systems": "flopcast.fleet",
    "SystemsAt": "flopcast.fleet",
    "place": "flopcast.fleet",
    "Placement": "flopcast.fleet",
    "training_run": "flopcast.training_run",
    "TrainingRun": "flopcast.training_run",
    "fit_trend": "flopcast.trends",
    "Trend": "flopcast.trends",
    "count_above": "flopcast.trends.count",
}

__all__ = [
    "Accelerator",
    "ClusterEstimate",
    "ClusterPower",
    "Comparison",
    "ComputeEstimate",
    "FlopcastError",
    "Headline",
    "Kind",
    "Model",
    "ModelCompute",
    "Placement",
    "Price",
    "Quantity",
    "RunCost",
    "Sampling",
    "System",
    "SystemsAt",
    "TrainingRun",
    "Trend",
    "accelerator",
    "accelerators",
    "accelerators_for_power",
    "all_systems",
    "cloud_price",
    "cluster",
    "cluster_power",
    "compare",
    "count_above",
    "cpi_factor",
    "electricity_price",
    "estimate",
    "fit_trend",
    "fmt",
    "frontier",
    "hardware_price",
    "headline",
    "import_systems",
    "largest_systems",
    "model",
    "model_compute",
    "models",
    "operation_count",
    "parse",
    "parse_price",
    "place",
    "ratio_words",
    "run_cost",
    "system",
    "thresholds",
    "to_dataframe",
    "training_run",
]

if TYPE_CHECKING:
    from flopcast.accounting import Headline, ModelCompute, headline, model_compute
    from flopcast.catalog import model
    from flopcast.clusters import ClusterEstimate, cluster
    from flopcast.comparison import Comparison, compare, ratio_words
    from flopcast.cost import RunCost, run_cost
    from flopcast.errors import FlopcastError
    from flopcast.figures import Model
    from flopcast.fleet import Placement, SystemsAt, largest_systems, place
    from flopcast.frontiers import frontier
    from flopcast.hardware import Accelerator, accelerator, accelerators
    from flopcast.listing import models, to_dataframe
    from flopcast.power import ClusterPower, accelerators_for_power, cluster_power
    from flopcast.prices import (
        Price,
        cloud_price,
        cpi_factor,
        electricity_price,
        hardware_price,
        parse_price,
    )
    from flopcast.quantity import Kind, Quantity, fmt, parse
    from flopcast.regulation import thresholds
    from flopcast.systems import System, all_systems, import_systems, system
    from flopcast.training import ComputeEstimate, estimate, operation_count
    from flopcast.training_run import TrainingRun, training_run
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
