"""Comparing training compute: figures or models, with each other and with the frontier.

A subject is a compute figure (``"5.18e25"``, ``"3e26~3x"``) or a model name
(``"maverick"``), resolved to its headline compute (:func:`flopcast.accounting.headline`). The
ratio of two subjects carries a 90% interval and is said in the words analysts use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flopcast.accounting import headline
from flopcast.catalog import model
from flopcast.errors import FlopcastError, FlopcastTypeError, opt
from flopcast.quantity import Kind, Quantity, QuantityLike, parse
from flopcast.uncertainty import Sampling, propagate


def ratio_words(r: float) -> str:
    """A ratio in the words people use: 1.364 → "36% more"; 0.66 → "1.5x less"; 134 → "134x more".

    Up to 2x larger, the excess as a percentage; from 2x, a multiple. Below 1, a percentage
    down to three quarters (``0.8`` → "20% less"), then the inverse multiple (``0.68`` →
    "1.5x less"), which is how analysts say it.

    >>> ratio_words(5.18e25 / 3.8e25), ratio_words(0.68)
    ('36% more', '1.5x less')
    """
    if not (isinstance(r, int | float) and 2.3e-308 < r < 4.4e307):  # and 1/r finite
        raise FlopcastError(f"a ratio of compute figures is a positive finite number, not {r!r}")
    if 0.995 <= r < 1.005:
        return "about the same"
    if r > 1:
        if r < 2:
            return f"{round((r - 1) * 100)}% more"
        return f"{_multiple(r)}x more"
    if r >= 0.75:
        return f"{round((1 - r) * 100)}% less"
    return f"{_multiple(1 / r)}x less"


def _multiple(x: float) -> str:
    if x >= 1e6:
        return f"{x:.2g}".replace("e+", "e")
    if x < 10:
        text = f"{x:.1f}"
        return text[:-2] if text.endswith(".0") else text
    return f"{round(x):,}"


@dataclass(frozen=True)
class Subject:
    """Something compared: a label, its training compute, and how that figure was obtained."""

    label: str
    compute: Quantity
    basis: str = ""  # "" for a figure typed by the user
    model: str | None = None  # the model id, when a model was named

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"label": self.label, **self.compute.to_dict()}
        if self.basis:
            out["basis"] = self.basis
        if self.model:
            out["model"] = self.model
        return out


def subject(value: QuantityLike | Subject, label: str | None = None) -> Subject:
    """A compute figure (``"5.18e25"``, a number, a Quantity) or a model name, as a Subject.

    >>> subject("llama-3.1-405b").basis
    'reported by Meta'
    """
    if isinstance(value, Subject):
        return value
    if isinstance(value, str) and value.strip() and not value.strip()[0].isdigit():
        try:
            q = parse(value, Kind.FLOP, what="figure", unit="FLOP")
        except FlopcastError:
            m = model(value)
            h = headline(m)
            if h.compute is None:
                raise FlopcastError(
                    f"{m.name}: training compute not disclosed, so it cannot be compared; "
                    "give a figure instead (e.g. 3e25~3x)"
                ) from None
            return Subject(label or m.name, h.compute, h.label, m.id)
        return Subject(label or value, q)
    if value is None:
        raise FlopcastError("a compute figure or a model name is needed, not None")
    q = parse(value, Kind.FLOP, what=label or "figure", unit="FLOP")
    text = value if isinstance(value, str) else f"{q.value:g}"
    return Subject(label or text, q)


@dataclass(frozen=True)
class Comparison:
    """``a`` relative to ``b``: the ratio a/b with its interval, and in words."""

    a: Quantity
    b: Quantity
    ratio: Quantity
    words: str
    a_label: str = "a"
    b_label: str = "b"
    a_basis: str = ""
    b_basis: str = ""

    def to_dict(self) -> dict[str, Any]:
        a = {"label": self.a_label, **self.a.to_dict()}
        b = {"label": self.b_label, **self.b.to_dict()}
        if self.a_basis:
            a["basis"] = self.a_basis
        if self.b_basis:
            b["basis"] = self.b_basis
        return {"a": a, "b": b, "ratio": self.ratio.to_dict(), "words": self.words}


def compare(
    a: QuantityLike | Subject,
    b: QuantityLike | Subject,
    *,
    a_label: str | None = None,
    b_label: str | None = None,
    sampling: Sampling | None = None,
) -> Comparison:
    """Compare two compute figures or models: a/b with its 90% interval, and in words.

    >>> compare("5.18e25", "3.8e25").words
    '36% more'
    >>> compare("llama-4-behemoth", "llama-3.1-405b").words
    '36% more'
    """
    sa, sb = subject(a, a_label), subject(b, b_label)
    res = propagate(
        lambda a, b: {"ratio": a / b}, {"a": sa.compute, "b": sb.compute}, sampling=sampling
    )
    ratio = res["ratio"]
    return Comparison(
        sa.compute, sb.compute, ratio, ratio_words(ratio.value), sa.label, sb.label, sa.basis,
        sb.basis,
    )  # fmt: skip


def frontier_subjects(
    first: str, at: date | str | None = None, top: int = 3, named: Sequence[str] = ()
) -> list[Subject]:
    """The largest runs released before a model (or up to ``at``), as subjects to compare;
    the models already ``named`` (by id) are left out, so none is listed twice."""
    from flopcast.frontiers import frontier

    if at is not None:
        f = frontier(at, top + len(named))
        exclude = ""
    else:
        try:
            m = model(first)
        except FlopcastError:
            raise FlopcastError(
                f"comparing {first!r} with the frontier needs a model name, or a date "
                f"({opt('at')} 2025-04-05)"
            ) from None
        # strictly before the release, so same-day siblings are not "the frontier"
        f = frontier(m.released - timedelta(days=1), top + 1 + len(named))
        exclude = m.id
    return [
        Subject(
            f"{e.model.name} (frontier, {e.model.released.isoformat()})",
            e.compute,
            e.basis,
            e.model.id,
        )
        for e in f.entries
        if e.model.id != exclude and e.model.id not in named
    ][:top]


@dataclass(frozen=True)
class Comparisons:
    """The first subject against each of the others."""

    first: Subject
    others: tuple[Subject, ...]
    results: tuple[Comparison, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"first": self.first.to_dict(), "comparisons": [r.to_dict() for r in self.results]}


def compare_all(
    subjects: Sequence[QuantityLike | Subject],
    *,
    frontier: bool = False,
    at: date | str | None = None,
    top: int = 3,
    sampling: Sampling | None = None,
) -> Comparisons:
    """The first figure or model against each of the others (and the frontier before it).

    >>> [c.words for c in compare_all(["5.18e25", "3.8e25", "3e26"]).results]
    ['36% more', '5.8x less']
    """
    if isinstance(subjects, str | bytes) or not isinstance(subjects, Sequence):
        raise FlopcastTypeError(
            f"subjects is a list of figures or model names, not {type(subjects).__name__}"
        )
    if not subjects:
        raise FlopcastError("nothing to compare: give figures or model names")
    if len(subjects) < 2 and not frontier:
        raise FlopcastError(
            "comparing needs at least two figures or models (e.g. 5.18e25 and 3.8e25), "
            "or one with the frontier"
        )
    resolved = [subject(s) for s in subjects]
    if frontier:
        named = [s.model for s in resolved if s.model]
        resolved += frontier_subjects(str(subjects[0]), at, top, named)
    first, rest = resolved[0], tuple(resolved[1:])
    results = tuple(compare(first, other, sampling=sampling) for other in rest)
    return Comparisons(first, rest, results)


def against_json(comparisons: Sequence[Comparison]) -> dict[str, Any]:
    """The JSON of a figure compared with several others (``compute --vs A --vs B``):
    ``comparisons``, one per figure, and ``comparison``, the first; nothing without any."""
    if not comparisons:
        return {}
    return {
        "comparison": comparisons[0].to_dict(),
        "comparisons": [c.to_dict() for c in comparisons],
    }
