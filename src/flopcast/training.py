"""Training compute, both ways, reconciled.

* Operation counting: C = 6·N·D with N the **active** parameters per token and D the training
  tokens (Kaplan et al. 2020, arXiv:2001.08361, sec. 2.1; Hoffmann et al. 2022,
  arXiv:2203.15556, sec. 3). Forward = 2 FLOP per parameter per token (one multiply-add = 2
  FLOP); training = 3x forward, 4x with full activation recomputation.
* Hardware method (Epoch AI's): C = accelerators × dense peak FLOP/s × utilization × time, or
  accelerator-hours × 3600 × peak × utilization, or an achieved FLOP/s per accelerator instead
  of peak × utilization.
* Reconciled: with both, the utilization the operation count implies (or the duration it
  implies on a cluster of a known size).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flopcast.conventions import FLOP_PER_PARAM_TOKEN, FLOP_PER_PARAM_TOKEN_RECOMPUTE
from flopcast.defaults import section
from flopcast.errors import FlopcastError, opt
from flopcast.hardware import Accelerator, accelerator, normalize_precision
from flopcast.quantity import (
    SECONDS_PER_DAY,
    Kind,
    Quantity,
    QuantityLike,
    check_positive,
    check_result,
    fmt,
    parse,
)
from flopcast.uncertainty import Sampling, propagate

#: Implied utilizations above this are flagged as unusual.
UNUSUAL_MFU = 0.6


@dataclass(frozen=True)
class Input:
    """An input figure and where it came from (``given``, ``assumed``, a table or catalog)."""

    name: str
    quantity: Quantity
    kind: Kind
    origin: str
    source: str = ""
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {**self.quantity.to_dict(), "origin": self.origin}
        if self.source:
            out["source"] = self.source
        if self.note:
            out["note"] = self.note
        return out


def flop_per_param_token(*, recompute: bool = False) -> int:
    """6 for training (2 forward × 3), 8 with full activation recomputation (2 × 4)."""
    return FLOP_PER_PARAM_TOKEN_RECOMPUTE if recompute else FLOP_PER_PARAM_TOKEN


def operation_count(active_params: float, tokens: float, *, recompute: bool = False) -> float:
    """Training FLOP by counting operations: ``operation_count(17e9, 22e12)`` is 2.244e24.

    Both arguments are positive finite numbers; a product beyond the range of floats is an
    error naming them.
    """
    check_positive(active_params, "active_params")
    check_positive(tokens, "tokens")
    # C = 6·N·D: Kaplan et al. 2020 sec. 2.1, Hoffmann et al. 2022 sec. 3 (8·N·D with recompute)
    c = flop_per_param_token(recompute=bool(recompute)) * float(active_params) * float(tokens)
    return check_result(
        c, f"the operation count for active_params={active_params!r} and tokens={tokens!r}"
    )


def hardware_flop(accelerator_seconds: float, flops_per_accelerator: float) -> float:
    """Training FLOP from hardware: accelerator-seconds × achieved FLOP/s per accelerator."""
    # C = n·t·peak·MFU: Epoch AI, "Estimating training compute of deep learning models" (2022)
    return accelerator_seconds * flops_per_accelerator


def default_utilization() -> Input:
    """The utilization flopcast assumes when none is given, with its range and source."""
    entry = section("utilization")
    q = parse(entry["value"], Kind.FRACTION, what="default utilization")
    return Input("utilization", q, Kind.FRACTION, "assumed", entry["source"], entry["note"])


def table_peak(acc: Accelerator, precision: str) -> Input:
    """The dense peak of an accelerator at a precision, as an input citing the table."""
    return Input(
        "peak",
        Quantity.exact(acc.peak_flops(precision)),
        Kind.RATE,
        f"table: {acc.name}, dense {precision}",
        acc.source,
    )


def mfu_and_achieved() -> str:
    """The error for a utilization given with an achieved FLOP/s (which already includes it)."""
    return (
        f"{opt('utilization')} and {opt('achieved')} both given: an achieved FLOP/s already "
        "includes the utilization; give one of them"
    )


def labels(inputs: Mapping[str, Input], outputs: Mapping[str, str] | None = None) -> dict[str, str]:
    """Inputs as the caller gave them (``--days 90 days``) and outputs in words, for the
    messages of :func:`flopcast.uncertainty.propagate` when a result overflows."""
    out = {
        k: f"{opt(k)} {fmt(i.quantity, i.kind)}"
        if i.origin == "given"
        else f"{k.replace('_', ' ')} {fmt(i.quantity, i.kind)} ({i.origin})"
        for k, i in inputs.items()
    }
    return {**{k: v for k, v in (outputs or {}).items() if k not in out}, **out}


def default_precision() -> str:
    return str(section("precision")["value"])


@dataclass(frozen=True)
class ComputeEstimate:
    """Training compute by operation counting and by hardware, reconciled.

    Every output is a :class:`Quantity` (central value exact, 90% interval when any input is
    uncertain) or ``None`` when its inputs were not given.
    """

    inputs: dict[str, Input]
    flop_per_param_token: int
    operation_count: Quantity | None = None
    hardware: Quantity | None = None
    implied_utilization: Quantity | None = None
    implied_flops_per_accelerator: Quantity | None = None
    implied_duration: Quantity | None = None
    duration: Quantity | None = None
    tokens_per_param: Quantity | None = None
    accelerator: Accelerator | None = None
    precision: str | None = None
    warnings: tuple[str, ...] = ()
    formulas: dict[str, str] = field(default_factory=dict)

    @property
    def best(self) -> Quantity:
        """The headline figure: the operation count when known, else the hardware estimate."""
        best = self.operation_count or self.hardware
        if best is None:  # pragma: no cover - estimate() guarantees one of them
            raise FlopcastError("no compute estimate")
        return best

    @property
    def implied_accelerator_hours(self) -> Quantity | None:
        """Accelerator-hours the run takes at the given rate: accelerators × implied duration
        (= 6·N·D ÷ (rate per accelerator × 3600 s/h), whatever the number of accelerators)."""
        n = self.inputs.get("accelerators")
        if self.implied_duration is None or n is None or n.quantity.uncertain:
            return None
        return self.implied_duration.scaled(n.quantity.value / 3600, "accelerator-hours")

    def to_dict(self) -> dict[str, Any]:
        def q(x: Quantity | None) -> dict[str, Any] | None:
            return None if x is None else x.to_dict()

        return {
            "training_compute_flop": self.best.to_dict(),
            "operation_count_flop": q(self.operation_count),
            "hardware_flop": q(self.hardware),
            "implied_utilization": q(self.implied_utilization),
            "implied_flops_per_accelerator": q(self.implied_flops_per_accelerator),
            "implied_duration_days": q(_days(self.implied_duration)),
            "implied_accelerator_hours": q(self.implied_accelerator_hours),
            "duration_days": q(_days(self.duration)),
            "tokens_per_param": q(self.tokens_per_param),
            "flop_per_param_token": self.flop_per_param_token,
            "accelerator": None if self.accelerator is None else self.accelerator.id,
            "precision": self.precision,
            "inputs": {k: v.to_dict() for k, v in self.inputs.items()},
            "formulas": dict(self.formulas),
            "warnings": list(self.warnings),
        }


def _days(q: Quantity | None) -> Quantity | None:
    return None if q is None else q.scaled(1 / SECONDS_PER_DAY, "days")


def _given(
    name: str,
    value: QuantityLike | None,
    kind: Kind,
    unit: str = "",
    default_duration: str | None = None,
) -> Input | None:
    if value is None:
        return None
    q = parse(value, kind, what=opt(name), unit=unit, default_duration=default_duration)
    if name == "accelerators":
        check_accelerators(q, opt(name))
    return Input(name, q, kind, "given")


def check_accelerators(q: Quantity | None, what: str) -> None:
    """A number of accelerators is at least one (``--gpus 0.5`` is a typo, not a cluster)."""
    if q is not None and (q.low if q.low is not None else q.value) < 1:
        raise FlopcastError(f"{what} {fmt(q, Kind.COUNT)}: a cluster has at least 1 accelerator")


def estimate(
    *,
    active_params: QuantityLike | None = None,
    tokens: QuantityLike | None = None,
    accelerators: QuantityLike | None = None,
    accelerator_name: str | Accelerator | None = None,
    precision: str | None = None,
    peak: QuantityLike | None = None,
    utilization: QuantityLike | None = None,
    achieved: QuantityLike | None = None,
    duration: QuantityLike | None = None,
    accelerator_hours: QuantityLike | None = None,
    recompute: bool = False,
    sampling: Sampling | None = None,
) -> ComputeEstimate:
    """Training compute from whatever is known, by both methods where possible.

    Strings are parsed as analysts write them (``"288B"``, ``"30T..40T"``, ``"90d"``); a bare
    number for ``duration`` is read as days.
    """
    inputs: dict[str, Input] = {}
    for item in (
        _given("active_params", active_params, Kind.COUNT, "params"),
        _given("tokens", tokens, Kind.COUNT, "tokens"),
        _given("accelerators", accelerators, Kind.COUNT, "accelerators"),
        _given("peak", peak, Kind.RATE),
        _given("utilization", utilization, Kind.FRACTION),
        _given("achieved", achieved, Kind.RATE),
        _given("duration", duration, Kind.DURATION, default_duration="d"),
        _given("accelerator_hours", accelerator_hours, Kind.COUNT, "accelerator-hours"),
    ):
        if item is not None:
            inputs[item.name] = item
    _check_rates(inputs)

    has_counting = "active_params" in inputs or "tokens" in inputs
    if has_counting and not ("active_params" in inputs and "tokens" in inputs):
        missing = opt("tokens" if "active_params" in inputs else "active_params")
        raise FlopcastError(
            f"operation counting needs both the active parameters and the tokens: add {missing}"
        )
    if "utilization" in inputs and "achieved" in inputs:
        raise FlopcastError(mfu_and_achieved())
    if "accelerator_hours" in inputs and "duration" in inputs and "accelerators" in inputs:
        hours, gpus, days = opt("accelerator_hours"), opt("accelerators"), opt("duration")
        raise FlopcastError(
            f"{hours}, {gpus} and {days} all given: they over-determine the run; "
            f"give {hours} alone or {gpus} with {days}"
        )
    if "duration" in inputs and "accelerators" not in inputs and "accelerator_hours" not in inputs:
        raise FlopcastError(
            f"{opt('duration')} needs the number of accelerators: add {opt('accelerators')}"
        )

    hardware_given = any(
        k in inputs for k in ("accelerators", "accelerator_hours", "achieved", "peak")
    ) or (accelerator_name is not None)
    if not has_counting and not hardware_given:
        raise FlopcastError(
            f"nothing to compute: give {opt('active_params')} and {opt('tokens')} (operation "
            f"counting), and/or {opt('accelerators')} with {opt('duration')} or "
            f"{opt('accelerator_hours')} and {opt('accelerator_name')} (hardware method)"
        )

    # The accelerator's dense peak, from the table unless given.
    acc: Accelerator | None = None
    prec: str | None = None
    if accelerator_name is not None:
        acc = (
            accelerator_name
            if isinstance(accelerator_name, Accelerator)
            else accelerator(accelerator_name)
        )
    if precision is not None or acc is not None or "peak" in inputs:
        prec = normalize_precision(precision or default_precision())
    if "peak" not in inputs and acc is not None:
        assert prec is not None
        inputs["peak"] = table_peak(acc, prec)

    has_time = "accelerator_hours" in inputs or ("accelerators" in inputs and "duration" in inputs)
    if hardware_given and "accelerators" not in inputs and "accelerator_hours" not in inputs:
        raise FlopcastError(
            f"the hardware method needs how much hardware: add {opt('accelerators')} with "
            f"{opt('duration')}, or {opt('accelerator_hours')}"
        )
    needs_rate = has_time or (has_counting and "accelerators" in inputs)
    if needs_rate and "achieved" not in inputs and "peak" not in inputs:
        raise FlopcastError(
            f"the hardware method needs a FLOP/s per accelerator: add {opt('accelerator_name')} "
            f"(e.g. h100), {opt('peak')} (e.g. 989T), or {opt('achieved')} (e.g. 390T)"
        )
    # The utilization is assumed only where a result depends on it.
    uses_utilization = "achieved" not in inputs and (
        has_time or (has_counting and "accelerators" in inputs)
    )
    if uses_utilization and "utilization" not in inputs:
        inputs["utilization"] = default_utilization()

    names = set(inputs)
    k = flop_per_param_token(recompute=recompute)

    def f(**x: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        rate = None
        if "achieved" in names:
            rate = x["achieved"]
        elif "peak" in names and "utilization" in names:
            rate = x["peak"] * x["utilization"]
        if "accelerator_hours" in names:
            acc_seconds = x["accelerator_hours"] * 3600.0
            if "accelerators" in names:
                out["duration"] = acc_seconds / x["accelerators"]
        elif "accelerators" in names and "duration" in names:
            acc_seconds = x["accelerators"] * x["duration"]
            out["duration"] = x["duration"]
        else:
            acc_seconds = None
        if has_counting:
            c = k * x["active_params"] * x["tokens"]  # C = 6·N·D (Kaplan et al. 2020 sec. 2.1)
            out["operation_count"] = c
            out["tokens_per_param"] = x["tokens"] / x["active_params"]
            if acc_seconds is not None:
                out["implied_flops_per_accelerator"] = c / acc_seconds
                if "peak" in names:
                    out["implied_utilization"] = c / (acc_seconds * x["peak"])
            elif "accelerators" in names and rate is not None:
                out["implied_duration"] = c / (x["accelerators"] * rate)
        if acc_seconds is not None and rate is not None:
            out["hardware"] = hardware_flop(acc_seconds, rate)
        return out

    units = {
        "operation_count": "FLOP",
        "hardware": "FLOP",
        "tokens_per_param": "tokens/param",
        "implied_flops_per_accelerator": "FLOP/s",
    }
    results = propagate(
        f,
        {n: i.quantity for n, i in inputs.items()},
        units,
        sampling,
        labels(inputs, {"hardware": "hardware estimate"}),
    )
    if "operation_count" not in results and "hardware" not in results:
        raise FlopcastError(
            f"nothing to compute from the hardware alone: add {opt('duration')} (how long it "
            f"ran) or {opt('accelerator_hours')}, or {opt('active_params')} and {opt('tokens')}"
        )

    warnings = []
    mfu = results.get("implied_utilization")
    if mfu is not None:
        if mfu.value > 1:
            warnings.append(
                f"implied utilization {fmt(mfu, Kind.FRACTION)} is impossible (above 100%): "
                "usually a 'with sparsity' peak or wrong accelerator-hours"
            )
        elif mfu.value > UNUSUAL_MFU:
            warnings.append(
                f"implied utilization {fmt(mfu, Kind.FRACTION)} is unusually high "
                f"(above {UNUSUAL_MFU:.0%}): check the peak precision and the hours"
            )
    formulas = {}
    if has_counting:
        formulas["operation_count"] = f"C = {k}·N·D (N active parameters, D tokens)"
    if "hardware" in results:
        rate_text = "achieved FLOP/s" if "achieved" in names else "peak × utilization"
        time_text = (
            "accelerator-hours × 3600" if "accelerator_hours" in names else "accelerators × time"
        )
        formulas["hardware"] = f"C = {time_text} × {rate_text}"
    return ComputeEstimate(
        inputs=inputs,
        flop_per_param_token=k,
        operation_count=results.get("operation_count"),
        hardware=results.get("hardware"),
        implied_utilization=mfu,
        implied_flops_per_accelerator=results.get("implied_flops_per_accelerator"),
        implied_duration=results.get("implied_duration"),
        duration=results.get("duration"),
        tokens_per_param=results.get("tokens_per_param"),
        accelerator=acc,
        precision=prec,
        warnings=tuple(warnings),
        formulas=formulas,
    )


_MIN_RATE = 1e9  # below a GFLOP/s, a rate was almost surely typed without its T


def _check_rates(inputs: Mapping[str, Input]) -> None:
    for name in ("peak", "achieved"):
        flag = opt(name)
        item = inputs.get(name)
        if item is not None and (item.quantity.low or item.quantity.value) < _MIN_RATE:
            raise FlopcastError(
                f"{flag} {item.quantity.value:g} FLOP/s is implausibly small for an accelerator: "
                f"write it with its prefix, e.g. {flag} {item.quantity.value:g}T for TFLOP/s"
            )
