"""Running a command for a request: its cached result, else a worker slot's."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from flopcast.web.commands import Command
from flopcast.web.limits import Limiters, ResultCache


def to_json(data: Any) -> bytes:
    """JSON exactly as the command line prints it (``--json``), without the indentation."""
    return json.dumps(data, default=str, ensure_ascii=False).encode("utf-8")


def _freeze(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


async def run_command(
    request: Request, command: Command, values: dict[str, Any], body: bytes | None = None
) -> Any:
    """The command's ``--json`` dict for these inputs (and an upload): cached, else computed
    in a slot. An upload runs in a heavy slot, and is cached by its digest only."""
    import hashlib

    digest = None if body is None else hashlib.sha256(body).hexdigest()
    key = (command.name, digest, tuple(sorted((k, _freeze(v)) for k, v in values.items())))
    cache: ResultCache = request.app.state.cache
    found = cache.get(key)
    if found is not None:
        return found
    heavy = command.heavy or body is not None
    result = await limiters_of(request).run(lambda: command.call(values, body), heavy=heavy)
    if not command.image:  # a figure is hundreds of KB: drawn again rather than held
        cache.put(key, result)
    return result


def limiters_of(request: Request) -> Limiters:
    """The app's worker slots (made in its event loop on first use)."""
    state = request.app.state
    if getattr(state, "limiters", None) is None:
        state.limiters = Limiters()
    limiters: Limiters = state.limiters
    return limiters
