"""``flopcast compute``: training compute both ways, the thresholds, the comparisons, and for a
catalog model its place against the frontier trend and its run's power and cost."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flopcast.settings import DEFAULT_SAMPLES, DEFAULT_SEED

if TYPE_CHECKING:
    from collections.abc import Sequence

    from flopcast.accounting import ModelCompute
    from flopcast.comparison import Comparison
    from flopcast.figures import Model
    from flopcast.quantity import Quantity
    from flopcast.regulation import ThresholdVerdict
    from flopcast.runs import TrainingRun
    from flopcast.training import ComputeEstimate
    from flopcast.trends.forecast import Placement


@dataclass(frozen=True)
class ComputeAnswer:
    """What ``flopcast compute`` says: the estimate (or a catalog model's compute), where it
    stands against the thresholds and the ``--vs`` figures, and for a catalog model its place
    against the frontier trend and its training run (None where unknown)."""

    result: ComputeEstimate | ModelCompute
    thresholds: tuple[ThresholdVerdict, ...]
    comparisons: tuple[Comparison, ...] = ()
    model: Model | None = None
    placement: Placement | None = None
    run: TrainingRun | None = None

    @property
    def compute(self) -> Quantity:
        """The answer's figure: the estimate's best, or the model's headline."""
        from flopcast.training import ComputeEstimate

        if isinstance(self.result, ComputeEstimate):
            return self.result.best
        return self.result.headline

    def to_dict(self) -> dict[str, Any]:
        from flopcast.comparison import against_json

        data = self.result.to_dict()
        data["thresholds"] = [v.to_dict() for v in self.thresholds]
        if self.model is None:
            data.update(against_json(self.comparisons))
            return data
        data["frontier_trend"] = None if self.placement is None else self.placement.to_dict()
        data.update(against_json(self.comparisons))
        data["training_run"] = None if self.run is None else self.run.to_dict()
        return data


def compute_answer(
    model: str | Model | None = None,
    *,
    active: str | None = None,
    tokens: str | None = None,
    gpus: str | None = None,
    gpu: str | None = None,
    precision: str | None = None,
    peak: str | None = None,
    mfu: str | None = None,
    achieved: str | None = None,
    days: str | None = None,
    gpu_hours: str | None = None,
    recompute: bool = False,
    vs: Sequence[str] | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
) -> ComputeAnswer:
    """``flopcast compute [MODEL] ...``: by 6·N·D and by hardware, reconciled."""
    from flopcast.answers._common import catalog_model, sampling, several
    from flopcast.comparison import compare
    from flopcast.regulation import threshold_verdicts

    s = sampling(samples, seed)
    kw: dict[str, Any] = dict(
        active_params=active, tokens=tokens, accelerators=gpus, accelerator_name=gpu,
        precision=precision, peak=peak, utilization=mfu, achieved=achieved, duration=days,
        accelerator_hours=gpu_hours, recompute=recompute, sampling=s,
    )  # fmt: skip
    if model is None:
        from flopcast.training import estimate

        est = estimate(**kw)
        return ComputeAnswer(
            est,
            tuple(threshold_verdicts(est.best)),
            tuple(compare(est.best, v, a_label="this run", sampling=s) for v in several(vs, "vs")),
        )
    from flopcast.accounting import model_compute
    from flopcast.runs import training_run

    m = catalog_model(model)
    res = model_compute(m, **kw)
    return ComputeAnswer(
        res,
        tuple(threshold_verdicts(res.headline)),
        tuple(compare(res.headline, v, a_label=m.name, sampling=s) for v in several(vs, "vs")),
        model=m,
        placement=placement(m, res.headline),
        run=training_run(m, res, sampling=s),  # power, energy, costs, its developer's systems
    )


def placement(m: Model, compute: Quantity) -> Placement | None:
    """The model against the frontier trend at its release (None where the trend is silent)."""
    from flopcast.errors import FlopcastError
    from flopcast.trends.forecast import place

    try:
        return place(m.name, m.released, compute.value)
    except FlopcastError:
        return None
