"""``flopcast serve``: the command, its safe defaults, and the start-up cost it must not add."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import CLI


def test_help_and_import_load_no_web_library() -> None:
    code = (
        "import sys, flopcast\n"
        "from flopcast.cli import main\n"
        "main(['--help'])\n"
        "dir(flopcast); flopcast.serve\n"
        "print('WEB:' + ','.join(m for m in ('fastapi', 'starlette', 'uvicorn', 'jinja2') "
        "if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "WEB:\n" in out.stdout, out.stdout[-300:]


def test_without_the_extra_one_line_says_how_to_install(
    cli: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        return None if name in ("fastapi", "uvicorn") else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    r = cli("serve")
    assert r.code == 2
    assert r.err.count("\n") == 1
    assert "pip install 'flopcast[serve]'" in r.err


def test_serve_refuses_a_bad_port_before_listening(cli: CLI) -> None:
    r = cli("serve", "--port", "70000")
    assert r.code == 2 and "--port" in r.err


def test_loopback_is_the_default_and_other_hosts_are_named() -> None:
    from flopcast.web import is_loopback

    assert all(is_loopback(h) for h in ("127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.168.1.4", "example.org", "::"))


def test_serve_warns_when_reachable_from_elsewhere(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("uvicorn")
    import uvicorn

    import flopcast.web

    seen: dict[str, Any] = {}

    class FakeServer:
        def __init__(self, config: Any) -> None:
            seen["host"] = config.host

        def run(self) -> None:
            seen["ran"] = True

    monkeypatch.setattr(uvicorn, "Server", FakeServer)
    flopcast.web.serve("0.0.0.0", 8123)
    err = capsys.readouterr().err
    assert seen == {"host": "0.0.0.0", "ran": True}
    assert "warning: serving on 0.0.0.0" in err and "reachable from other machines" in err
    flopcast.web.serve()  # the default: loopback, no warning
    err = capsys.readouterr().err
    assert seen["host"] == "127.0.0.1" and "warning" not in err
    assert "http://127.0.0.1:8000/" in err
