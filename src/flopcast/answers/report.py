"""``flopcast report``: the whole analysis of models, a family, or a model given by numbers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flopcast.reporting.document import Report


@dataclass(frozen=True)
class ReportRequest:
    """A checked report request: what it is built from (plain values, a cache key) and how."""

    key: dict[str, Any]
    build: Callable[[], Report]


def report_request(
    names: Sequence[str] | None = None,
    *,
    law: str | None = None,
    moe: str | None = None,
    name: str = "Unreleased model",
    active: str | None = None,
    total: str | None = None,
    tokens: str | None = None,
    gpus: str | None = None,
    gpu: str | None = None,
    date: str | None = None,
) -> ReportRequest:
    """The report of :func:`report_answer`, checked but not yet built."""
    from flopcast.errors import FlopcastError, opt

    if active is not None or tokens is not None:
        if active is None or tokens is None:
            raise FlopcastError(
                f"a model given by numbers needs {opt('active')} and {opt('tokens')}"
            )
        if names:
            raise FlopcastError(
                f"give model names or numbers ({opt('active')}, {opt('tokens')}), not both"
            )
        from flopcast.dates import parse_date
        from flopcast.reporting.given import custom_model

        m = custom_model(
            name=name, active=active, tokens=tokens, total=total, gpus=gpus, gpu=gpu,
            released=None if date is None else parse_date(date, opt("date")),
        )  # fmt: skip
        given = {"name": name, "active": active, "total": total, "tokens": tokens,
                 "gpus": gpus, "gpu": gpu, "date": m.released.isoformat()}  # fmt: skip

        def given_report() -> Report:
            from flopcast.reporting.build import build

            return build(models=[m], title=f"Compute accounting: {name}", law=law, moe=moe)

        return ReportRequest({"given": given, "law": law, "moe": moe}, given_report)
    if date is not None:
        raise FlopcastError(
            f"{opt('date')} is for a model given by numbers ({opt('active')}, {opt('tokens')})"
        )
    listed = list(names or [])

    def named_report() -> Report:
        from flopcast.reporting.build import build

        return build(listed, law=law, moe=moe)

    return ReportRequest({"names": listed, "law": law, "moe": moe}, named_report)


def report_answer(
    names: Sequence[str] | None = None,
    *,
    law: str | None = None,
    moe: str | None = None,
    name: str = "Unreleased model",
    active: str | None = None,
    total: str | None = None,
    tokens: str | None = None,
    gpus: str | None = None,
    gpu: str | None = None,
    date: str | None = None,
) -> Report:
    """``flopcast report [NAMES]... [--law L] [--moe M]``, or a model given by numbers
    (``--active``, ``--tokens``, ``--total``, ``--gpus``, ``--gpu``, ``--date``, ``--name``)."""
    return report_request(
        names, law=law, moe=moe, name=name, active=active, total=total, tokens=tokens,
        gpus=gpus, gpu=gpu, date=date,
    ).build()  # fmt: skip
