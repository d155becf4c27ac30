"""flopcast: compute accounting for AI models.

The public API, one function or type for every command, importable without numpy (heavy
libraries load only when a function needs them)::

    >>> import flopcast
    >>> flopcast.estimate(active_params="288B", tokens="30T").operation_count.value
    5.184e+25
    >>> flopcast.compare("5.18e25", "3.8e25").words
    '36% more'
    >>> flopcast.compare("llama-4-behemoth", "llama-3.1-405b").words
    '36% more'
    >>> round(flopcast.cluster(accelerators="100K", accelerator_name="h100", duration="90d",
    ...                        utilization="40%").total.value / 1e26, 2)
    3.08

Every result has ``.to_dict()``; ``flopcast.answer("compute", active="288B", tokens="30T")``
is a command's whole answer, whose ``.to_dict()`` is what ``flopcast compute ... --json``
prints. ``dir(flopcast)`` lists the API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> (module, attribute): resolved on first use, so `import flopcast` stays light.
_LAZY: dict[str, tuple[str, str]] = {
    "Quantity": ("flopcast.quantity", "Quantity"),
    "Kind": ("flopcast.quantity", "Kind"),
    "parse": ("flopcast.quantity", "parse"),
    "fmt": ("flopcast.quantity", "fmt"),
    "parse_context": ("flopcast.quantity", "parse_context"),
    "FlopcastError": ("flopcast.errors", "FlopcastError"),
    "Sampling": ("flopcast.uncertainty", "Sampling"),
    "estimate": ("flopcast.training", "estimate"),
    "operation_count": ("flopcast.training", "operation_count"),
    "ComputeEstimate": ("flopcast.training", "ComputeEstimate"),
    "compute": ("flopcast.accounting", "compute"),
    "model_compute": ("flopcast.accounting", "model_compute"),
    "ModelCompute": ("flopcast.accounting", "ModelCompute"),
    "headline": ("flopcast.accounting", "headline"),
    "Headline": ("flopcast.accounting", "Headline"),
    "compare": ("flopcast.comparison", "compare"),
    "compare_all": ("flopcast.comparison", "compare_all"),
    "ratio_words": ("flopcast.comparison", "ratio_words"),
    "Comparison": ("flopcast.comparison", "Comparison"),
    "Comparisons": ("flopcast.comparison", "Comparisons"),
    "cluster": ("flopcast.clusters", "cluster"),
    "ClusterEstimate": ("flopcast.clusters", "ClusterEstimate"),
    "frontier": ("flopcast.frontiers", "frontier"),
    "Frontier": ("flopcast.frontiers", "Frontier"),
    "thresholds": ("flopcast.regulation", "thresholds"),
    "threshold_verdicts": ("flopcast.regulation", "threshold_verdicts"),
    "Threshold": ("flopcast.regulation", "Threshold"),
    "ThresholdVerdict": ("flopcast.regulation", "ThresholdVerdict"),
    "accelerator": ("flopcast.hardware", "accelerator"),
    "accelerators": ("flopcast.hardware", "accelerators"),
    "Accelerator": ("flopcast.hardware", "Accelerator"),
    "model": ("flopcast.catalog", "model"),
    "Model": ("flopcast.figures", "Model"),
    "Figure": ("flopcast.figures", "Figure"),
    "models": ("flopcast.listing", "models"),
    "to_dataframe": ("flopcast.listing", "to_dataframe"),
    "architecture": ("flopcast.configs", "architecture"),
    "resolve_config": ("flopcast.configs", "resolve_config"),
    "ResolvedConfig": ("flopcast.configs", "ResolvedConfig"),
    "ArchBreakdown": ("flopcast.arch", "ArchBreakdown"),
    "memory": ("flopcast.inference", "memory"),
    "local": ("flopcast.inference", "local"),
    "machine": ("flopcast.inference", "machine"),
    "machines": ("flopcast.inference", "machines"),
    "custom_machine": ("flopcast.inference", "custom_machine"),
    "detect_machine": ("flopcast.inference", "detect_machine"),
    "weight_format": ("flopcast.inference", "weight_format"),
    "MemoryEstimate": ("flopcast.inference", "MemoryEstimate"),
    "Fit": ("flopcast.inference", "Fit"),
    "Machine": ("flopcast.inference", "Machine"),
    "optimal": ("flopcast.scaling.laws", "optimal"),
    "laws": ("flopcast.scaling.laws", "laws"),
    "OptimalPoint": ("flopcast.scaling.laws", "OptimalPoint"),
    "overtrain": ("flopcast.scaling.overtrain", "overtrain"),
    "OvertrainReport": ("flopcast.scaling.overtrain", "OvertrainReport"),
    "optimality": ("flopcast.model_optimality", "optimality"),
    "Optimality": ("flopcast.model_optimality", "Optimality"),
    "fit": ("flopcast.scaling.fit", "fit_runs"),
    "FitResult": ("flopcast.scaling.fit", "FitResult"),
    "IsoFlopFit": ("flopcast.scaling.fit", "IsoFlopFit"),
    "Runs": ("flopcast.scaling.fit", "Runs"),
    "report": ("flopcast.reporting.build", "report"),
    "Report": ("flopcast.reporting.document", "Report"),
    "plot": ("flopcast.reporting.plots", "plot"),
    "cluster_power": ("flopcast.power", "cluster_power"),
    "accelerators_for_power": ("flopcast.power", "accelerators_for_power"),
    "ClusterPower": ("flopcast.power", "ClusterPower"),
    "run_cost": ("flopcast.cost", "run_cost"),
    "RunCost": ("flopcast.cost", "RunCost"),
    "Price": ("flopcast.prices", "Price"),
    "parse_price": ("flopcast.prices", "parse_price"),
    "hardware_price": ("flopcast.prices", "hardware_price"),
    "cloud_price": ("flopcast.prices", "cloud_price"),
    "electricity_price": ("flopcast.prices", "electricity_price"),
    "cpi_factor": ("flopcast.prices", "cpi_factor"),
    "System": ("flopcast.systems", "System"),
    "system": ("flopcast.systems", "system"),
    "all_systems": ("flopcast.systems", "all_systems"),
    "import_systems": ("flopcast.systems", "import_systems"),
    "largest_systems": ("flopcast.fleet", "largest_systems"),
    "SystemsAt": ("flopcast.fleet", "SystemsAt"),
    "place": ("flopcast.fleet", "place"),
    "Placement": ("flopcast.fleet", "Placement"),
    "training_run": ("flopcast.runs", "training_run"),
    "TrainingRun": ("flopcast.runs", "TrainingRun"),
    "fit_trend": ("flopcast.trends", "fit_trend"),
    "Trend": ("flopcast.trends", "Trend"),
    "count_above": ("flopcast.trends.count", "count_above"),
    "fit_systems_trend": ("flopcast.trends.systems", "fit_systems_trend"),
    "systems_trends": ("flopcast.trends.systems", "systems_trends"),
    "SystemsSelection": ("flopcast.trends.systems", "SystemsSelection"),
    "SystemsTrend": ("flopcast.trends.systems", "SystemsTrend"),
    "SystemsTrends": ("flopcast.trends.systems", "SystemsTrends"),
    "serve": ("flopcast.web", "serve"),
    "answer": ("flopcast.answers", "answer"),
    "plan": ("flopcast.planning", "plan"),
    "plan_search": ("flopcast.planning", "plan_search"),
    "Plan": ("flopcast.planning", "Plan"),
    "PlanSearch": ("flopcast.planning", "PlanSearch"),
}

__all__ = [
    "Accelerator",
    "ArchBreakdown",
    "ClusterEstimate",
    "ClusterPower",
    "Comparison",
    "Comparisons",
    "ComputeEstimate",
    "Figure",
    "Fit",
    "FitResult",
    "FlopcastError",
    "Frontier",
    "Headline",
    "IsoFlopFit",
    "Kind",
    "Machine",
    "MemoryEstimate",
    "Model",
    "ModelCompute",
    "OptimalPoint",
    "Optimality",
    "OvertrainReport",
    "Placement",
    "Plan",
    "PlanSearch",
    "Price",
    "Quantity",
    "Report",
    "ResolvedConfig",
    "RunCost",
    "Runs",
    "Sampling",
    "System",
    "SystemsAt",
    "SystemsSelection",
    "SystemsTrend",
    "SystemsTrends",
    "Threshold",
    "ThresholdVerdict",
    "TrainingRun",
    "Trend",
    "__version__",
    "accelerator",
    "accelerators",
    "accelerators_for_power",
    "all_systems",
    "answer",
    "architecture",
    "cloud_price",
    "cluster",
    "cluster_power",
    "compare",
    "compare_all",
    "compute",
    "count_above",
    "cpi_factor",
    "custom_machine",
    "detect_machine",
    "electricity_price",
    "estimate",
    "fit",
    "fit_systems_trend",
    "fit_trend",
    "fmt",
    "frontier",
    "hardware_price",
    "headline",
    "import_systems",
    "largest_systems",
    "laws",
    "local",
    "machine",
    "machines",
    "memory",
    "model",
    "model_compute",
    "models",
    "operation_count",
    "optimal",
    "optimality",
    "overtrain",
    "parse",
    "parse_context",
    "parse_price",
    "place",
    "plan",
    "plan_search",
    "plot",
    "ratio_words",
    "report",
    "resolve_config",
    "run_cost",
    "serve",
    "system",
    "systems_trends",
    "threshold_verdicts",
    "thresholds",
    "to_dataframe",
    "training_run",
    "weight_format",
]

if TYPE_CHECKING:
    from flopcast.accounting import Headline, ModelCompute, compute, headline, model_compute
    from flopcast.answers import answer
    from flopcast.arch import ArchBreakdown
    from flopcast.catalog import model
    from flopcast.clusters import ClusterEstimate, cluster
    from flopcast.comparison import Comparison, Comparisons, compare, compare_all, ratio_words
    from flopcast.configs import ResolvedConfig, architecture, resolve_config
    from flopcast.cost import RunCost, run_cost
    from flopcast.errors import FlopcastError
    from flopcast.figures import Figure, Model
    from flopcast.fleet import Placement, SystemsAt, largest_systems, place
    from flopcast.frontiers import Frontier, frontier
    from flopcast.hardware import Accelerator, accelerator, accelerators
    from flopcast.inference import (
        Fit,
        Machine,
        MemoryEstimate,
        custom_machine,
        detect_machine,
        local,
        machine,
        machines,
        memory,
        weight_format,
    )
    from flopcast.listing import models, to_dataframe
    from flopcast.model_optimality import Optimality, optimality
    from flopcast.planning import Plan, PlanSearch, plan, plan_search
    from flopcast.power import ClusterPower, accelerators_for_power, cluster_power
    from flopcast.prices import (
        Price,
        cloud_price,
        cpi_factor,
        electricity_price,
        hardware_price,
        parse_price,
    )
    from flopcast.quantity import Kind, Quantity, fmt, parse, parse_context
    from flopcast.regulation import Threshold, ThresholdVerdict, threshold_verdicts, thresholds
    from flopcast.reporting.build import report
    from flopcast.reporting.document import Report
    from flopcast.reporting.plots import plot
    from flopcast.runs import TrainingRun, training_run
    from flopcast.scaling.fit import FitResult, IsoFlopFit, Runs
    from flopcast.scaling.fit import fit_runs as fit
    from flopcast.scaling.laws import OptimalPoint, laws, optimal
    from flopcast.scaling.overtrain import OvertrainReport, overtrain
    from flopcast.systems import System, all_systems, import_systems, system
    from flopcast.training import ComputeEstimate, estimate, operation_count
    from flopcast.trends import Trend, fit_trend
    from flopcast.trends.count import count_above
    from flopcast.trends.systems import (
        SystemsSelection,
        SystemsTrend,
        SystemsTrends,
        fit_systems_trend,
        systems_trends,
    )
    from flopcast.uncertainty import Sampling
    from flopcast.web import serve


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attribute = _LAZY[name]
        value = getattr(importlib.import_module(module), attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'flopcast' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
