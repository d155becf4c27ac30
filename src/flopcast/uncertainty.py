"""Propagating 90% intervals through formulas by Monte Carlo.

The central value of every result is computed exactly from the central inputs, so
hand-worked numbers reproduce to the digit. When any input is uncertain, each uncertain input
is sampled from its two-piece lognormal (one log-spread below the central value, one above,
see :class:`flopcast.quantity.Quantity`), the same formula is evaluated on the samples, and the
5th and 95th percentiles of the results are the 90% interval. Sampling is seeded, so results
are reproducible; numpy is imported only when something is uncertain.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flopcast.errors import FlopcastError, FlopcastTypeError, opt
from flopcast.quantity import SMALLEST, Quantity, fmt_sci
from flopcast.settings import DEFAULT_SAMPLES, DEFAULT_SEED, MAX_SAMPLES

#: The largest seed (numpy takes any non-negative integer; 128 bits is all it uses).
MAX_SEED = 2**128 - 1


@dataclass(frozen=True)
class Sampling:
    """How intervals are computed: Monte Carlo sample count and seed."""

    samples: int = DEFAULT_SAMPLES
    seed: int = DEFAULT_SEED

    def __post_init__(self) -> None:
        samples, seed = opt("samples"), opt("seed")
        for name, value in ((samples, self.samples), (seed, self.seed)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                raise FlopcastTypeError(f"{name} must be an integer, not {value!r}")
        if not 100 <= self.samples <= MAX_SAMPLES:
            raise FlopcastError(
                f"{samples} {self.samples}: use from 100 to {MAX_SAMPLES:,} Monte Carlo samples "
                f"(the default, {DEFAULT_SAMPLES:,}, gives intervals exact to about 1e-6)"
            )
        if not 0 <= self.seed <= MAX_SEED:
            raise FlopcastError(f"{seed} {self.seed}: a seed is a non-negative integer (e.g. 0)")


# Coefficients of Acklam's rational approximation to the inverse normal CDF (P. J. Acklam,
# "An algorithm for computing the inverse normal cumulative distribution function", 2003;
# relative error below 1.15e-9), so sampling needs numpy only, not scipy.
_A = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02,
      1.383577518672690e02, -3.066479806614716e01, 2.506628277459239e00)  # fmt: skip
_B = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02,
      6.680131188771972e01, -1.328068155288572e01)  # fmt: skip
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00,
      -2.549732539343734e00, 4.374664141464968e00, 2.938163982698783e00)  # fmt: skip
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00,
      3.754408661907416e00)  # fmt: skip
_P_LOW = 0.02425


def normal_ppf(p: Any) -> Any:
    """The standard normal quantile function, elementwise on a numpy array in (0, 1)."""
    import numpy as np

    p = np.asarray(p, dtype=float)
    z = np.empty_like(p)
    low = p < _P_LOW
    high = p > 1 - _P_LOW
    mid = ~(low | high)
    q = p[mid] - 0.5
    r = q * q
    a, b, c, d = _A, _B, _C, _D
    z[mid] = (
        (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5])
        * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    )
    for mask, sign, tail in ((low, 1.0, p[low]), (high, -1.0, 1 - p[high])):
        t = np.sqrt(-2 * np.log(tail))
        z[mask] = sign * (
            (((((c[0] * t + c[1]) * t + c[2]) * t + c[3]) * t + c[4]) * t + c[5])
            / ((((d[0] * t + d[1]) * t + d[2]) * t + d[3]) * t + 1)
        )
    return z


def draw(q: Quantity, n: int, rng: Any) -> Any:
    """``n`` samples of ``q`` from its two-piece lognormal (a numpy array).

    Latin hypercube sampling: one draw in each of ``n`` equal-probability strata, in random
    order, so the percentiles of a result that depends on one input are nearly exact and
    several inputs still combine independently.
    """
    import numpy as np

    s_low, s_high = q.log_spreads
    u = (rng.permutation(n) + rng.random(n)) / n
    z = normal_ppf(u)
    return q.value * np.exp(np.where(z < 0, z * s_low, z * s_high))


def propagate(
    f: Callable[..., Mapping[str, Any]],
    inputs: Mapping[str, Quantity],
    units: Mapping[str, str] | None = None,
    sampling: Sampling | None = None,
    labels: Mapping[str, str] | None = None,
) -> dict[str, Quantity]:
    """Evaluate ``f(**inputs)`` exactly at the central values, and by Monte Carlo for intervals.

    ``f`` takes the inputs as keyword arguments and returns a mapping of named outputs; it
    must be written with arithmetic that works on floats and numpy arrays alike. Outputs
    derived from the same inputs share samples, so their correlation is kept.

    Every output must be a positive finite number, its 90% interval too: one that overflows
    (or underflows to zero) is an error naming the inputs. ``labels`` describes inputs and
    outputs by name for that message (``{"tokens": "--tokens 22T"}``); by default, the names
    and values.
    """
    sampling = sampling or Sampling()
    units = units or {}
    labels = labels or {}

    def overflow(key: str, large: bool, interval: bool = False) -> FlopcastError:
        given = ", ".join(labels.get(n) or f"{n} {_show(q)}" for n, q in sorted(inputs.items()))
        bound = "above 1.8e308" if large else "below 2.2e-308"
        where = " at an end of its 90% interval" if interval else ""
        return FlopcastError(
            f"the {labels.get(key) or key.replace('_', ' ')} is too "
            f"{'large' if large else 'small'} to compute ({bound}){where} for {given}: "
            "check the magnitudes of these inputs"
        )

    try:
        with np_errstate():
            central = f(**{name: q.value for name, q in inputs.items()})
    except (OverflowError, ZeroDivisionError):
        raise overflow("result", True) from None
    for key, value in central.items():
        c = float(value)
        if not c < math.inf:
            raise overflow(key, True)
        if not c >= SMALLEST:
            raise overflow(key, False)
    uncertain = sorted(name for name, q in inputs.items() if q.uncertain)
    if not uncertain:
        return {k: Quantity(float(v), unit=units.get(k, "")) for k, v in central.items()}

    import numpy as np

    rng = np.random.default_rng(sampling.seed)
    args: dict[str, Any] = {name: q.value for name, q in inputs.items()}
    with np.errstate(all="ignore"):
        for name in uncertain:  # sorted: the same inputs always get the same draws
            args[name] = draw(inputs[name], sampling.samples, rng)
        sampled = f(**args)
    out: dict[str, Quantity] = {}
    for key, value in central.items():
        c = float(value)
        values = np.asarray(sampled[key], dtype=float)
        if values.ndim == 0:  # this output does not depend on an uncertain input
            out[key] = Quantity(c, unit=units.get(key, ""))
            continue
        with np.errstate(all="ignore"):
            low, high = (float(v) for v in np.quantile(values, [0.05, 0.95]))
        if not high < math.inf:
            raise overflow(key, True, interval=True)
        if not low >= SMALLEST:
            raise overflow(key, False, interval=True)
        # the central value is exact; Monte Carlo noise must not push it outside its interval
        out[key] = Quantity(c, min(low, c), max(high, c), units.get(key, ""))
    return out


def _show(q: Quantity) -> str:
    text = fmt_sci(q.value)
    if q.uncertain and q.low is not None and q.high is not None:
        text += f" ({fmt_sci(q.low)}..{fmt_sci(q.high)})"
    return text


def np_errstate() -> Any:
    """numpy's floating-point warnings silenced, if numpy is already imported (else nothing)."""
    import contextlib
    import sys

    np = sys.modules.get("numpy")
    return np.errstate(all="ignore") if np is not None else contextlib.nullcontext()
