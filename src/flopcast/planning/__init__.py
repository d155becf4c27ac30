"""Planning a training run: memory per GPU under parallelism and ZeRO, and the step time.

* :mod:`~flopcast.planning.shape`: a model as the memory formulas see it (from a config.json,
  exactly, or from parameter counts and a typed shape).
* :mod:`~flopcast.planning.layout`: tensor, pipeline, context, data and expert parallelism.
* :mod:`~flopcast.planning.states`: parameters, gradients and optimizer states (ZeRO, or
  DeepSpeed's estimators).
* :mod:`~flopcast.planning.activations`: activations (Korthikanti et al. 2022, adjusted).
* :mod:`~flopcast.planning.timing`: step and run time from FLOPs, peak, utilization, bubble.
* :mod:`~flopcast.planning.build`: ``plan``, all of it for one layout.
* :mod:`~flopcast.planning.search`: ``plan_search``, the layouts that fit a cluster, or the
  smallest cluster for a layout.
"""

from __future__ import annotations

from flopcast.planning.build import Plan, StageMemory, model_shape, plan, plan_shape
from flopcast.planning.layout import Layout
from flopcast.planning.search import Candidate, PlanSearch, plan_search
from flopcast.planning.shape import LayerShape, ModelShape

__all__ = [
    "Candidate",
    "LayerShape",
    "Layout",
    "ModelShape",
    "Plan",
    "PlanSearch",
    "StageMemory",
    "model_shape",
    "plan",
    "plan_search",
    "plan_shape",
]
