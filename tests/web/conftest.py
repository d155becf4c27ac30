"""The web app in-process (the framework's test client) and on a real socket (uvicorn on
127.0.0.1, for the browser and hostile-input tests)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed: pip install '.[serve]'")
pytest.importorskip("httpx", reason="the test client needs httpx (the test extra)")


@pytest.fixture(scope="session")
def client() -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from flopcast.web import asgi_app

    with TestClient(asgi_app(("testserver",)), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    """A real server on a free port of 127.0.0.1; its base URL."""
    import uvicorn

    from flopcast.web import asgi_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(asgi_app(), log_level="warning", access_log=False, lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
