"""The web app: the JSON API under ``/api/``, the pages, and what keeps it safe.

Built with FastAPI (OpenAPI at ``/openapi.json``) and Jinja2; ``flopcast serve`` runs it
under uvicorn. Safe by default: every input goes through the command line's parsers, a
request's body and query string are capped, a body is never written to disk, every library
call runs in a bounded worker slot (:mod:`flopcast.web.limits`), only the hosts the server
was started for are answered (no DNS rebinding), and every page is sent with a content
security policy that allows nothing from elsewhere.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from flopcast import __version__
from flopcast.errors import FlopcastError
from flopcast.web import inputs
from flopcast.web.commands import COMMANDS, Command, Input
from flopcast.web.limits import MAX_BODY_BYTES, MAX_QUERY_BYTES, Busy, Limiters, ResultCache
from flopcast.web.runner import run_command, to_json

HERE = Path(__file__).resolve().parent
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")
UPLOADS = (
    f"the file as the request body (at most {inputs.MAX_UPLOAD_BYTES // 1024} KB, read in "
    "memory, never stored)"
)

#: Sent with every response: nothing from elsewhere, no inline scripts, no framing by others.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'self'"
)
#: The embedded report: its own inline stylesheet and data: images, and no scripts at all.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'self'"
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class Guard:
    """ASGI middleware: the host check, size caps and security headers, before any parsing."""

    def __init__(self, app: ASGIApp, allowed_hosts: Sequence[str] | None) -> None:
        self.app = app
        self.allowed = None if allowed_hosts is None else {h.lower() for h in allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        hostname = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        if self.allowed is not None and hostname.lower() not in self.allowed:
            await _plain(send, 400, "unknown host: open the address flopcast serve printed")
            return
        if len(scope.get("query_string", b"")) > MAX_QUERY_BYTES:
            await _plain(send, 414, f"the address is over {MAX_QUERY_BYTES} bytes long")
            return
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            await _plain(send, 413, f"the request is over {MAX_BODY_BYTES // 1024} KB")
            return
        received = 0
        too_big = False

        async def bounded_receive() -> Message:
            nonlocal received, too_big
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > MAX_BODY_BYTES:
                    too_big = True
                    raise BodyTooLarge
            return message

        started = False

        async def secured_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                path = str(scope.get("path", ""))
                csp = REPORT_CSP if path.endswith("/report.html") else CSP
                extra = [
                    (b"content-security-policy", csp.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"SAMEORIGIN"),
                ]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        try:
            await self.app(scope, bounded_receive, secured_send)
        except BodyTooLarge:
            if not started:
                await _plain(send, 413, f"the request is over {MAX_BODY_BYTES // 1024} KB")
        if too_big and not started:  # pragma: no cover - answered above
            return


class BodyTooLarge(Exception):
    """A streamed body went past the cap."""


async def _plain(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"content-security-policy", CSP.encode()),
                (b"x-content-type-options", b"nosniff"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _api_endpoint(command: Command, post: bool = False) -> Callable[..., Awaitable[Response]]:
    """An endpoint whose query parameters are the command's inputs (typed, bounded); a POST's
    body is the command's upload (capped by :class:`Guard`, held in memory only)."""

    async def endpoint(**params: Any) -> Response:
        request: Request = params.pop("request")
        values = {k: v for k, v in params.items() if v is not None}
        body = await request.body() if post else None
        result = await run_command(request, command, values, body)
        if command.image:
            return Response(result, 200, {"cache-control": "max-age=3600"}, "image/svg+xml")
        return Response(to_json(result), 200, None, "application/json")

    parameters = [inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request)]
    for i in command.all_inputs():
        parameters.append(
            inspect.Parameter(
                i.key, inspect.Parameter.KEYWORD_ONLY, default=_query(i, command),
                annotation=_annotation(i),
            )
        )  # fmt: skip
    endpoint.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    endpoint.__name__ = f"api_{command.name}" + ("_upload" if post else "")
    return endpoint


def _annotation(i: Input) -> Any:
    if i.kind is list:
        return list[str] | None
    return i.kind | None


def _query(i: Input, command: Command) -> Any:
    if command.path_input == i.name:
        return PathParam(description=i.help, max_length=inputs.MAX_TEXT)
    kw: dict[str, Any] = {"alias": i.name, "description": i.help}
    if i.kind is str:
        kw["max_length"] = inputs.MAX_TEXT
        if i.choices:
            kw["pattern"] = "^(" + "|".join(i.choices) + ")$"
    if i.kind in (int, float):
        kw["ge"], kw["le"] = i.ge, i.le
    default = i.default if i.kind is not list else None
    return Query(default, **kw)


def create_app(allowed_hosts: Sequence[str] | None = LOOPBACK_HOSTS) -> Any:
    """The app (an ASGI callable). ``allowed_hosts``: the Host names it answers (None: any)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        app.state.limiters = Limiters()
        yield

    app = FastAPI(
        title="flopcast",
        version=__version__,
        summary="Compute accounting for AI models: the command line's --json, over HTTP.",
        description=(
            "Every endpoint under /api/ returns what the command of the same name prints with "
            "--json, for the same inputs, named as the command line names them without the "
            'dashes (gpu-hours for --gpu-hours). Bad input: 422 with {"error": message}.'
        ),
        docs_url=None,  # the interactive docs load scripts from a CDN; the JSON is enough
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.cache = ResultCache()
    app.state.limiters = None

    for command in COMMANDS.values():
        path = command.address
        if command.get:
            media = "image/svg+xml" if command.image else "application/json"
            app.add_api_route(
                path, _api_endpoint(command), methods=["GET"], summary=command.summary,
                tags=["commands"], response_class=Response,
                responses={200: {"content": {media: {}}}},
            )  # fmt: skip
        if command.upload is not None:
            summary = command.summary if not command.get else f"{command.name}: POST {UPLOADS}"
            app.add_api_route(
                path, _api_endpoint(command, post=True), methods=["POST"], summary=summary,
                tags=["commands"], response_class=JSONResponse,
            )  # fmt: skip

    from flopcast.web.pages import add_pages

    add_pages(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _add_error_handlers(app)
    return Guard(app, allowed_hosts)


def _wantsto_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path.startswith("/fragment/")


def _add_error_handlers(app: FastAPI) -> None:
    from flopcast.web.pages import error_page

    async def bad_input(request: Request, exc: Exception) -> Response:
        message = str(exc) or "bad input"
        if _wantsto_json(request):
            return JSONResponse({"error": message}, 422)
        return error_page(request, 422, message)

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = exc.errors()
        first = errors[0] if errors else {}
        where = [str(p) for p in first.get("loc", ()) if p not in ("query", "path", "body")]
        name = where[-1] if where else "input"
        message = f"{name}: {first.get('msg', 'invalid')}"
        detail = [{"loc": list(e.get("loc", ())), "msg": e.get("msg")} for e in errors]
        if _wantsto_json(request):
            return JSONResponse({"error": message, "detail": detail}, 422)
        return error_page(request, 422, message)

    async def busy(request: Request, exc: Exception) -> Response:
        message = "the server is busy: try again in a moment"
        if _wantsto_json(request):
            return JSONResponse({"error": message}, 503, {"Retry-After": "5"})
        return error_page(request, 503, message)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = str(exc.detail)
        if _wantsto_json(request):
            return JSONResponse({"error": message}, exc.status_code)
        return error_page(request, exc.status_code, message)

    async def internal(request: Request, exc: Exception) -> Response:
        message = f"internal error: {type(exc).__name__} (please report it)"
        if _wantsto_json(request):
            return JSONResponse({"error": message}, 500)
        return error_page(request, 500, message)

    app.add_exception_handler(FlopcastError, bad_input)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(Busy, busy)

    async def too_large(request: Request, exc: Exception) -> Response:
        return JSONResponse({"error": f"the request is over {MAX_BODY_BYTES // 1024} KB"}, 413)

    app.add_exception_handler(BodyTooLarge, too_large)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, internal)
