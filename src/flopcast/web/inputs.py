"""What the web app accepts: the checks it makes before it calls a command's answer.

The answer itself is the command line's (:mod:`flopcast.answers`): ``GET /api/NAME?...``
calls ``NAME_answer`` with the same keywords as ``flopcast NAME ... --json``. What the command
line may read from files or the network is refused here first: a model is a catalog name
(never a path), a config.json is a catalog model, a shipped repo id or the bytes of an upload
(parsed in memory), a runs CSV is an upload, a scaling law is one of the named laws or
``fixed:R``, a machine is never "this" (the server's own). Sizes are capped below the command
line's where one request could hold a worker for long: Monte Carlo samples, bootstrap
resamples, simulated futures, uploads. Errors are :class:`flopcast.errors.FlopcastError`,
worded as on the command line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from flopcast.errors import FlopcastError

if TYPE_CHECKING:
    from flopcast.configs import ResolvedConfig
    from flopcast.figures import Model

#: Longest text accepted in any field (a name, a quantity, a price).
MAX_TEXT = 200
#: Monte Carlo samples: at least the library's minimum, at most twice the command's default.
MIN_SAMPLES = 100
MAX_SAMPLES = 200_000
#: Figures one comparison may name.
MAX_FIGURES = 20
#: Models one report may hold.
MAX_REPORT_MODELS = 6
#: Bytes of an uploaded config.json (the largest shipped one is under 10 KB) or runs CSV.
MAX_UPLOAD_BYTES = 256 * 1024
#: Runs of an uploaded CSV (2,000 runs with 1,000 bootstrap refits fit in about 10 s).
MAX_FIT_RUNS = 2_000
#: Bootstrap resamples of a fit or a trend, and simulated futures of a count.
MAX_BOOTSTRAP = 1_000
MAX_RESAMPLES = 2_000
MAX_SIMULATIONS = 10_000
#: Dates one trend request may ask about (--at, --when, --count-above each).
MAX_FORECASTS = 10

_NAME = re.compile(r"^[\w .,:()+'’-]+$")
_REPO = re.compile(r"^[\w.-]+/[\w.-]+$")
_FIXED_LAW = re.compile(r"^fixed:\s*[0-9.eE+-]+$")

Guard = Callable[[MutableMapping[str, Any]], None]


def text(value: str | None, what: str) -> str | None:
    """A text field, stripped; empty means not given. Over-long or control characters: refused."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if len(value) > MAX_TEXT:
        raise FlopcastError(f"{what} is {len(value)} characters long: at most {MAX_TEXT}")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise FlopcastError(f"{what} holds control characters: type plain text")
    return value


def check_sampling(samples: int, seed: int) -> None:
    """Monte Carlo samples within the web's bounds, and a seed the library takes."""
    if not MIN_SAMPLES <= samples <= MAX_SAMPLES:
        raise FlopcastError(
            f"--samples {samples}: use {MIN_SAMPLES:,} to {MAX_SAMPLES:,} Monte Carlo samples"
        )
    if not 0 <= seed < 2**32:
        raise FlopcastError(f"--seed {seed}: use a whole number from 0 to {2**32 - 1}")


def catalog_model(name: str, what: str = "model") -> Model:
    """A catalog model by name (lenient, as ``flopcast show`` reads it); never a path."""
    from flopcast.catalog import model

    if not _NAME.match(name) or name.startswith((".", "~")):
        raise FlopcastError(
            f"{what} {name!r}: give a catalog model's name (letters, digits, spaces, . - _); "
            "run 'flopcast models' to list them"
        )
    return model(name)


def named_law(law: str | None) -> str | None:
    """A law's name: a shipped law or ``fixed:R`` (saved fits are files, not read here)."""
    if law is None:
        return None
    from flopcast.scaling import law_names

    if law in law_names() or _FIXED_LAW.match(law):
        return law
    raise FlopcastError(
        f"--law {law!r}: use one of {', '.join(law_names())} or fixed:R (R tokens per parameter)"
    )


def shipped_config(config: str) -> ResolvedConfig:
    """A config.json flopcast ships: by a catalog model's name or a repo id; never a path or
    the Hub."""
    from flopcast.configs import config_for_model, config_for_repo

    if _REPO.match(config):
        resolved = config_for_repo(config)
        if resolved is None:
            raise FlopcastError(
                f"{config}: flopcast ships no config.json for it; upload the config.json instead"
            )
        return resolved
    m = catalog_model(config, "config")
    resolved = config_for_model(m)
    if resolved is None:
        raise FlopcastError(
            f"{m.name}: flopcast ships no config.json for it (closed weights?); upload a "
            "config.json instead"
        )
    return resolved


def upload(body: bytes, what: str) -> bytes:
    """An uploaded file's bytes, within :data:`MAX_UPLOAD_BYTES` (held in memory only)."""
    if len(body) > MAX_UPLOAD_BYTES:
        raise FlopcastError(f"{what} is over {MAX_UPLOAD_BYTES // 1024} KB: is it {what}?")
    return body


def runs_csv(body: bytes) -> bytes:
    """An uploaded runs CSV: within the size cap and :data:`MAX_FIT_RUNS` runs."""
    body = upload(body, "the uploaded CSV")
    if body.count(b"\n") > MAX_FIT_RUNS + 1:
        raise FlopcastError(
            f"the uploaded CSV has more than {MAX_FIT_RUNS:,} runs: fit up to {MAX_FIT_RUNS:,} "
            "here, or more with flopcast fit on the command line"
        )
    return body


def machine_name(on: str | None, what: str = "--on") -> str | None:
    """A machine as ``local --on`` reads it, but never 'this' (it would be the server)."""
    if on is not None and on.strip().lower() == "this":
        raise FlopcastError(
            f"{what} this describes the machine flopcast runs on, here the server: name a "
            "machine ('rtx 4090', '2x rtx 3090') or describe yours: custom:24GB@1008GB/s"
        )
    return on


def at_most(values: list[str] | None, limit: int, what: str) -> None:
    if values and len(values) > limit:
        raise FlopcastError(f"{len(values)} values of {what}: give at most {limit}")


# ---- the checks of each command, on the keywords of its answer -----------------------------


def model_guard(key: str = "model") -> Guard:
    """A catalog model for ``key``: its :class:`~flopcast.figures.Model`, never a path."""

    def guard(kw: MutableMapping[str, Any]) -> None:
        if kw.get(key) is not None:
            kw[key] = catalog_model(kw[key])

    return guard


def law_guard(kw: MutableMapping[str, Any]) -> None:
    if kw.get("law") is not None:
        kw["law"] = named_law(kw["law"])


def compare_guard(kw: MutableMapping[str, Any]) -> None:
    figures = kw.get("figures") or []
    if not figures:
        raise FlopcastError("give two or more compute figures or models: 5.18e25 3.8e25")
    if len(figures) > MAX_FIGURES:
        raise FlopcastError(f"{len(figures)} figures: compare at most {MAX_FIGURES} at once")


def local_guard(kw: MutableMapping[str, Any]) -> None:
    models = kw.get("models") or []
    at_most(models, MAX_FIGURES, "model")
    kw["models"] = [catalog_model(m) for m in models] or None
    kw["on"] = machine_name(kw.get("on"))


def machines_guard(kw: MutableMapping[str, Any]) -> None:
    kw["name"] = machine_name(kw.get("name"), "machines")


def arch_guard(kw: MutableMapping[str, Any]) -> None:
    if kw.get("config") is None and not kw.get("types"):
        raise FlopcastError("give a CONFIG (a catalog model or a shipped repo id), or upload one")
    if isinstance(kw.get("config"), str):
        kw["config"] = shipped_config(kw["config"])
    elif isinstance(kw.get("config"), bytes):
        kw["config"] = upload(kw["config"], "the uploaded config.json")


def report_guard(kw: MutableMapping[str, Any]) -> None:
    names = kw.get("names") or []
    if len(names) > MAX_REPORT_MODELS:
        raise FlopcastError(f"{len(names)} models: a report holds at most {MAX_REPORT_MODELS}")
    for n in names:
        if not _NAME.match(n):
            raise FlopcastError(f"{n!r}: give catalog model or family names")
    law_guard(kw)


def trend_guard(kw: MutableMapping[str, Any]) -> None:
    for key, flag in (("at", "--at"), ("when", "--when"), ("count_above", "--count-above"),
                      ("metric", "--metric")):  # fmt: skip
        at_most(kw.get(key), MAX_FORECASTS, flag)


def plan_guard(kw: MutableMapping[str, Any]) -> None:
    if kw.get("model") is not None:
        kw["model"] = catalog_model(kw["model"])


def fit_guard(kw: MutableMapping[str, Any]) -> None:
    kw["runs"] = runs_csv(kw.get("runs") or b"")
    at_most(kw.get("budget"), MAX_FORECASTS, "--budget")


def plot_guard(kw: MutableMapping[str, Any]) -> None:
    if kw.get("model") is not None:
        kw["model"] = catalog_model(kw["model"])
    law_guard(kw)
    kw["machines"] = [machine_name(m, "machine") for m in kw.get("machines") or ()]
    for key in ("highlight", "formats", "machines", "sparsity"):
        at_most(kw.get(key), MAX_FIGURES, key)
    sparsities = []
    for text_value in kw.get("sparsity") or ():
        try:
            value = float(text_value)
        except ValueError:
            raise FlopcastError(f"--sparsity {text_value!r}: write a number, 1 to 1000") from None
        if not 1 <= value <= 1000:  # NaN included
            raise FlopcastError(f"--sparsity {text_value!r}: write a number, 1 to 1000")
        sparsities.append(value)
    kw["sparsity"] = sparsities


def guards(*checks: Guard) -> Guard:
    """Several checks, in order."""

    def guard(kw: MutableMapping[str, Any]) -> None:
        for check in checks:
            check(kw)

    return guard
