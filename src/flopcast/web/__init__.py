"""``flopcast serve``: the analysis in a browser, and the command line's ``--json`` over HTTP.

The app lives in :mod:`flopcast.web.app` (FastAPI, Jinja2 templates, a vendored htmx); it
needs the ``serve`` extra (``pip install 'flopcast[serve]'``). Importing this package needs
nothing beyond flopcast itself, so ``flopcast --help`` and ``import flopcast`` stay light.
"""

from __future__ import annotations

import ipaddress
import sys
from typing import Any

from flopcast.errors import FlopcastError

#: The one line that says how to get what the web app needs.
INSTALL_HINT = "flopcast serve needs its extra: pip install 'flopcast[serve]'"
DEFAULT_PORT = 8000


def require() -> None:
    """Raise a one-line :class:`FlopcastError` when the ``serve`` extra is not installed."""
    import importlib.util

    missing = [m for m in ("fastapi", "uvicorn", "jinja2") if importlib.util.find_spec(m) is None]
    if missing:
        raise FlopcastError(f"{INSTALL_HINT} ({', '.join(missing)} missing)")


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def asgi_app(allowed_hosts: tuple[str, ...] | None = None) -> Any:
    """The ASGI app (for uvicorn, or a test client); by default it answers loopback names."""
    require()
    from flopcast.web.app import LOOPBACK_HOSTS, create_app

    return create_app(LOOPBACK_HOSTS if allowed_hosts is None else allowed_hosts)


def serve(host: str = "127.0.0.1", port: int = DEFAULT_PORT, *, quiet: bool = False) -> None:
    """Run the web app until interrupted (``flopcast serve``): on 127.0.0.1 unless ``host``
    says otherwise, with a warning when it is reachable from other machines."""
    require()
    if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
        raise FlopcastError(f"--port {port!r}: use a port from 1 to 65535 (0: any free one)")
    if not isinstance(host, str) or not host.strip():
        raise FlopcastError("--host: give an address such as 127.0.0.1")
    import uvicorn

    from flopcast.web.app import LOOPBACK_HOSTS

    allowed: tuple[str, ...] | None = LOOPBACK_HOSTS
    if not is_loopback(host):
        sys.stderr.write(
            f"flopcast: warning: serving on {host}, reachable from other machines; flopcast "
            "has no logins and answers anyone who can reach it\n"
        )
        allowed = None  # reached by whatever name the network gives this machine
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    config = uvicorn.Config(
        asgi_app(allowed), host=host, port=port, log_level="warning", access_log=False,
        server_header=False, limit_concurrency=256, timeout_keep_alive=5, lifespan="on",
    )  # fmt: skip
    server = uvicorn.Server(config)
    if not quiet:
        url_host = f"[{shown}]" if ":" in shown else shown
        sys.stderr.write(f"flopcast serve: open http://{url_host}:{port}/ (Ctrl-C stops it)\n")
    server.run()
