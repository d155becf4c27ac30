"""Hostile input against a real server on 127.0.0.1: each request is refused cleanly (a 4xx
with a one-line message, never a 500, no user text unescaped in a page) and the server
still answers afterwards."""

from __future__ import annotations

import json
from typing import Any

import pytest

from flopcast.web.commands import COMMANDS

httpx = pytest.importorskip("httpx")

SCRIPT = "<script>alert('x')</script>\"'><img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def http(server: str) -> Any:
    with httpx.Client(base_url=server, timeout=60) as c:
        yield c


def _still_answers(http: Any) -> None:
    r = http.get("/api/compute", params={"active": "288B", "tokens": "30T"})
    assert r.status_code == 200 and r.json()["training_compute_flop"]["value"] == 5.184e25


def test_oversized_upload_is_refused(http: Any) -> None:
    big = b'{"model_type": "llama", "x": "' + b"a" * (2 * 1024 * 1024) + b'"}'
    r = http.post("/api/arch", content=big)
    assert r.status_code == 413 and "KB" in r.json()["error"]
    files = {"upload": ("config.json", big, "application/json")}
    r = http.post("/calc/arch", files=files)
    assert r.status_code == 413
    _still_answers(http)


def test_oversized_or_hostile_runs_csv_is_refused(http: Any) -> None:
    big = b"N,D,loss\n" + b"1e8,1e9,3.1\n" * 40_000  # 480 KB
    r = http.post("/api/fit", content=big)
    assert r.status_code == 413 and "KB" in r.json()["error"]
    for body in (
        b"N,D,loss\n" + SCRIPT.encode() + b",1e9,3\n",
        b'N,D,loss\n"unterminated,1e9,3\n',
        b"N,D,loss\n1e8,1e9,3\n" * 3,  # the same run three times
        b"N,D,loss\n1e400,1e9,3\n1e8,1e9,3\n",
        b"\x00\x01\x02",
    ):
        r = http.post("/api/fit?bootstrap=10", content=body)
        assert r.status_code == 422, (body[:40], r.text[:200])
        assert "\n" not in r.json()["error"]  # JSON (nosniff), never a page: text stays text
        assert r.headers["content-type"].startswith("application/json")
    r = http.post("/api/fit?bootstrap=999999", content=b"N,D,loss\n")
    assert r.status_code == 422 and "bootstrap" in r.json()["error"]
    _still_answers(http)


def test_oversized_chunked_body_is_cut_off(http: Any) -> None:
    def chunks() -> Any:
        for _ in range(64):
            yield b"x" * 16384

    r = http.post("/api/arch", content=chunks())  # no Content-Length: counted as it arrives
    assert r.status_code == 413
    _still_answers(http)


@pytest.mark.parametrize(
    "body",
    [
        b'{"model_type": "llama", "hidden_size": ',
        b"\xff\xfe\x00garbage",
        b"[" * 5000 + b"]" * 5000,
        b'{"model_type": "llama", "num_hidden_layers": NaN}',
        b'{"model_type": "llama", "num_hidden_layers": 1000000000, "hidden_size": 4096}',
        b'{"model_type": "llama", "hidden_size": 1e300}',
        json.dumps({"model_type": SCRIPT}).encode(),
    ],
    ids=["truncated", "binary", "deep", "nan", "huge-layers", "huge-width", "script-type"],
)
def test_malformed_config_is_refused(http: Any, body: bytes) -> None:
    r = http.post("/api/arch", content=body)
    assert r.status_code == 422, r.text[:300]
    assert "\n" not in r.json()["error"]
    files = {"upload": ("../../etc/passwd", body, "application/json")}  # a path-like name
    page = http.post("/calc/arch", files=files)
    assert page.status_code == 200  # the page, with the message beside the file field
    assert 'id="err-upload">' in page.text and "<script>alert" not in page.text
    _still_answers(http)


def test_script_in_every_text_field_is_escaped(http: Any) -> None:
    from flopcast.web.pages import CALCULATORS

    calculators = list(CALCULATORS)
    assert {"plan", "trend"} <= set(calculators)

    for calc in calculators:
        command = COMMANDS[CALCULATORS[calc]["command"]]
        for field in command.all_inputs():
            if field.kind is not str:
                continue
            r = http.get(f"/calc/{calc}", params={field.name: SCRIPT})
            assert r.status_code == 200, (calc, field.name)
            assert "<script>alert" not in r.text and "<img src=x" not in r.text, (calc, field.name)
            api = http.get(f"/api/{command.name}", params={field.name: SCRIPT})
            assert api.status_code in (200, 422), (command.name, field.name, api.text[:200])
            assert api.headers["content-type"].startswith("application/json")
    for path in ("/catalog", "/search"):
        r = http.get(
            path, params={"search": SCRIPT, "q": SCRIPT, "developer": SCRIPT}, follow_redirects=True
        )
        assert r.status_code == 200 and "<script>alert" not in r.text
    r = http.get("/models/" + SCRIPT)
    assert r.status_code in (404, 422) and "<script>alert" not in r.text
    for name, command in COMMANDS.items():  # the endpoints without a page too
        address = command.address.replace("{kind}", "memory").replace("{name}", "maverick")
        for field in command.all_inputs():
            if field.kind in (str, list) and command.get and field.name != command.path_input:
                api = http.get(address, params={field.name: SCRIPT})
                assert api.status_code in (200, 422), (name, field.name, api.text[:200])
    _still_answers(http)


@pytest.mark.parametrize("samples", ["1000000000", "99999999999999999999999", "-5", "1e9", "nan"])
def test_huge_sample_counts_are_refused(http: Any, samples: str) -> None:
    params = {"active": "288B", "tokens": "30T..40T", "samples": samples}
    r = http.get("/api/compute", params=params)
    assert r.status_code == 422 and "samples" in r.json()["error"]
    page = http.get("/calc/compute", params=params)
    assert page.status_code == 200 and "--samples" in page.text
    _still_answers(http)


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd", "/etc/passwd", "~/.bashrc", "C:\\Windows\\win.ini", "file:///etc/passwd",
     "meta-llama/../../etc", "\x00", "a" * 5000],
)  # fmt: skip
def test_path_like_names_are_refused(http: Any, name: str) -> None:
    for path, params in (
        ("/api/compute", {"model": name}),
        ("/api/memory", {"model": name}),
        ("/api/arch", {"config": name}),
        ("/api/overtrain", {"model": name}),
        ("/api/overtrain", {"active": "7B", "tokens": "2T", "law": name}),
        ("/api/report", {"names": name}),
        ("/api/plan", {"model": name, "gpus": "8"}),
        ("/api/local", {"model": name}),
        ("/api/optimal", {"model": name}),
        ("/api/cluster", {"gpus": "8", "gpu": "h100", "power": None, "law": name}),
    ):
        r = http.get(path, params=params)
        assert r.status_code in (414, 422), (path, name, r.status_code, r.text[:200])
        assert "root:" not in r.text
    _still_answers(http)


def test_a_long_address_is_refused(http: Any) -> None:
    r = http.get("/api/compare", params=[("figures", "1e25")] * 2000)
    assert r.status_code == 414
    r = http.get("/api/compare", params=[("figures", "1e25")] * 30)
    assert r.status_code == 422 and "at most" in r.json()["error"]
    _still_answers(http)
