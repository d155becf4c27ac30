"""The JSON API, in-process: every endpoint returns what its command prints with --json, and
bad input is a 422 (or 400/413) with a one-line message, never a 500."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CLI

CONFIGS = Path(__file__).resolve().parents[2] / "src" / "flopcast" / "data" / "configs"

#: (API address, the same command line): the JSON must be identical.
SAME_AS_CLI = [
    ("/api/compute?active=288B&tokens=30T", ["compute", "--active", "288B", "--tokens", "30T"]),
    (
        "/api/compute?active=288B&tokens=30T[30T..40T]&gpus=32K&achieved=390T&vs=3.8e25",
        ["compute", "--active", "288B", "--tokens", "30T[30T..40T]", "--gpus", "32K",
         "--achieved", "390T", "--vs", "3.8e25"],
    ),
    (
        "/api/compute?active=17B&tokens=22T&gpu-hours=2.38M&gpu=h100",
        ["compute", "--active", "17B", "--tokens", "22T", "--gpu-hours", "2.38M", "--gpu", "h100"],
    ),
    ("/api/compute?model=maverick", ["compute", "maverick"]),
    ("/api/compute?model=behemoth&vs=llama-3.1-405b",
     ["compute", "behemoth", "--vs", "llama-3.1-405b"]),
    ("/api/compare?figures=5.18e25&figures=3.8e25", ["compare", "5.18e25", "3.8e25"]),
    ("/api/compare?figures=behemoth&figures=llama-3.1-405b&frontier=true",
     ["compare", "behemoth", "llama-3.1-405b", "--frontier"]),
    ("/api/frontier?date=2025-04-05&top=5", ["frontier", "--date", "2025-04-05", "--top", "5"]),
    (
        "/api/cluster?gpus=100K&gpu=h100&days=90&mfu=0.4&date=2024-10",
        ["cluster", "--gpus", "100K", "--gpu", "h100", "--days", "90", "--mfu", "0.4",
         "--date", "2024-10"],
    ),
    (
        "/api/cluster?power=1GW&gpu=gb200&days=120&mfu=40%25&date=2025-06",
        ["cluster", "--power", "1GW", "--gpu", "gb200", "--days", "120", "--mfu", "40%",
         "--date", "2025-06"],
    ),
    ("/api/cluster?gpus=32K&achieved=390T&compute=5.18e25",
     ["cluster", "--gpus", "32K", "--achieved", "390T", "--compute", "5.18e25"]),
    ("/api/models?developer=meta&sort=compute", ["models", "--developer", "meta", "--sort",
                                                 "compute"]),
    ("/api/models?open=true&arch=moe&above=1e24", ["models", "--open", "--arch", "moe",
                                                   "--above", "1e24"]),
    ("/api/models/maverick", ["show", "maverick"]),
    ("/api/optimal?compute=5.2e25&sparsity=8&law=llama3",
     ["optimal", "--compute", "5.2e25", "--sparsity", "8", "--law", "llama3"]),
    ("/api/optimal?model=maverick", ["optimal", "maverick"]),
    ("/api/overtrain?model=maverick&law=fixed:40", ["overtrain", "maverick", "--law", "fixed:40"]),
    ("/api/overtrain?active=7B&tokens=2T", ["overtrain", "--active", "7B", "--tokens", "2T"]),
    ("/api/laws", ["laws"]),
    ("/api/hardware", ["hardware"]),
    ("/api/hardware?name=h100", ["hardware", "h100"]),
    ("/api/memory?model=maverick&quant=int4&context=128k",
     ["memory", "maverick", "--quant", "int4", "--context", "128k"]),
    ("/api/memory?total=109B&active=17B", ["memory", "--total", "109B", "--active", "17B"]),
    ("/api/local?model=llama-3.1-8b&quant=q4_k_m", ["local", "llama-3.1-8b", "--quant", "q4_k_m"]),
    ("/api/local?model=llama-4-scout&on=2x rtx 3090",
     ["local", "llama-4-scout", "--on", "2x rtx 3090"]),
    ("/api/local?model=llama-3.1-8b&on=cpu 64gb", ["local", "llama-3.1-8b", "--on", "cpu 64gb"]),
    ("/api/report?names=llama-4-maverick", ["report", "llama-4-maverick"]),
]  # fmt: skip


def _without_paths(data: Any) -> Any:
    """The API names a shipped config inside the package, the command line on this disk."""
    if isinstance(data, dict):
        return {k: (None if k == "path" else _without_paths(v)) for k, v in data.items()}
    if isinstance(data, list):
        return [_without_paths(v) for v in data]
    return data


@pytest.mark.parametrize(("url", "argv"), SAME_AS_CLI, ids=[u for u, _ in SAME_AS_CLI])
def test_same_json_as_the_command_line(client: Any, cli: CLI, url: str, argv: list[str]) -> None:
    r = client.get(url)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].startswith("application/json")
    run = cli(*argv, "--json")
    assert run.code == 0, run.err
    assert r.json() == run.json()


def test_arch_of_a_shipped_config_is_the_cli_s(client: Any, cli: CLI) -> None:
    r = client.get("/api/arch?config=maverick&context=8192")
    assert r.status_code == 200
    expected = cli("arch", "maverick", "--json").json()
    assert _without_paths(r.json()) == _without_paths(expected)
    # the config is named inside the package, not by where it lies on the server's disk
    assert r.json()["config_origin"]["path"].startswith("data/configs/")


def test_behemoth_headline(client: Any) -> None:
    # 6 x 288e9 x 30e12 = 5.184e25 (the essay's Behemoth: 288B active x 30T tokens)
    data = client.get("/api/compute?active=288B&tokens=30T").json()
    assert data["training_compute_flop"]["value"] == pytest.approx(5.184e25)
    assert [t["verdict"] for t in data["thresholds"]][:1] == ["above"]  # EU AI Act: 1e25


def test_upload_counts_a_config_exactly(client: Any, cli: CLI) -> None:
    path = CONFIGS / "meta-llama__Llama-3.1-8B-Instruct.json"
    r = client.post("/api/arch?context=4096", content=path.read_bytes())
    assert r.status_code == 200, r.text
    data = r.json()
    expected = cli("arch", str(path), "--context", "4096", "--json").json()
    assert data["total_params"] == expected["total_params"] == 8_030_261_248
    assert data["kv_cache"] == expected["kv_cache"]
    assert data["flops_per_token"] == expected["flops_per_token"]
    assert data["config"] == "uploaded config.json"
    assert data["config_origin"]["origin"] == "dict" and data["config_origin"]["path"] is None


def test_openapi_describes_every_endpoint(client: Any) -> None:
    from flopcast.web.commands import COMMANDS

    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for name in COMMANDS:
        assert ("/api/models/{name}" if name == "show" else f"/api/{name}") in paths
    assert "post" in paths["/api/arch"]
    names = {p["name"] for p in paths["/api/compute"]["get"]["parameters"]}
    assert {"active", "tokens", "gpu-hours", "samples", "seed"} <= names


#: One bad request per endpoint: (address, words the message must hold).
BAD = [
    ("/api/compute?active=17X&tokens=22T", "cannot read --active '17X'"),
    ("/api/compute?active=17B", "--tokens"),
    ("/api/compute?model=maverik", "did you mean llama-4-maverick"),
    ("/api/compute?active=288B&tokens=30T&samples=10", "samples"),
    ("/api/compute?active=288B&tokens=30T&samples=100000000", "samples"),
    ("/api/compute?active=288B&tokens=30T&seed=-1", "seed"),
    ("/api/compare?figures=5e25&figures=lots", "lots"),
    ("/api/compare", "two or more"),
    ("/api/frontier?date=yesterday", "YYYY-MM-DD"),
    ("/api/frontier?top=0", "top"),
    ("/api/cluster?gpu=h100&days=90", "--gpus"),
    ("/api/cluster?gpus=100K&gpu=h10&days=90", "unknown accelerator 'h10'"),
    ("/api/cluster?gpus=100K&gpu=h100&days=90&cloud-term=forever", "cloud-term"),
    ("/api/models?sort=size", "sort"),
    ("/api/models?above=big", "above"),
    ("/api/models?year=99999", "year"),
    ("/api/models/maverik", "unknown model"),
    ("/api/optimal", "give a budget"),
    ("/api/optimal?compute=5e25&law=chinchilla-ish", "--law"),
    ("/api/overtrain?active=7B", "tokens"),
    ("/api/hardware?name=h10", "unknown accelerator"),
    ("/api/memory", "name a model"),
    ("/api/memory?model=maverick&context=lots", "context"),
    ("/api/memory?model=maverick&quant=q9_z", "q9_z"),
    ("/api/local?model=llama-3.1-8b&on=toaster", "toaster"),
    ("/api/local?model=llama-3.1-8b&os-reserve=-3", "os-reserve"),
    ("/api/arch?config=gpt-4", "no config.json"),
    ("/api/arch?config=maverick&kv-dtype=fp3", "fp3"),
    ("/api/arch?config=maverick&context=0", "context"),
    ("/api/report?names=nonsense-model", "nonsense-model"),
    ("/api/report?names=a&names=b&names=c&names=d&names=e&names=f&names=g", "at most"),
]


@pytest.mark.parametrize(("url", "words"), BAD, ids=[u for u, _ in BAD])
def test_bad_input_is_a_422_with_a_message(client: Any, url: str, words: str) -> None:
    r = client.get(url)
    assert r.status_code == 422, (r.status_code, r.text[:300])
    message = r.json()["error"]
    assert words in message
    assert "\n" not in message and "Traceback" not in message


def test_every_endpoint_has_a_bad_input_test() -> None:
    from flopcast.web.commands import COMMANDS

    covered = {u.split("?")[0].split("/")[2] for u, _ in BAD}
    covered.add("show")  # /api/models/maverik
    assert set(COMMANDS) - {"laws"} <= covered  # laws takes no input


@pytest.mark.parametrize(
    "url",
    [
        "/api/compute?model=../../etc/passwd",
        "/api/memory?model=/etc/passwd",
        "/api/local?model=~/.ssh/id_rsa",
        "/api/arch?config=/etc/passwd",
        "/api/arch?config=../../../etc/hostname",
        "/api/arch?config=meta-llama/Not-Shipped-Anywhere",
        "/api/overtrain?model=maverick&law=/tmp/fit.json",
        "/api/optimal?compute=5e25&law=../fit.json",
        "/api/report?names=../../etc",
    ],
)
def test_no_endpoint_reads_a_file_or_the_network(client: Any, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 422, r.text[:300]
    assert "root:" not in r.text


def test_upload_errors(client: Any) -> None:
    r = client.post("/api/arch", content=b'{"model_type": "llama", "hidden_size": ')
    assert r.status_code == 422 and "not valid JSON" in r.json()["error"]
    r = client.post("/api/arch", content=b"[1, 2, 3]")
    assert r.status_code == 422 and "JSON object" in r.json()["error"]
    r = client.post("/api/arch", content=b"")
    assert r.status_code == 422 and "empty" in r.json()["error"]
    r = client.post("/api/arch", content=json.dumps({"model_type": "nonsense"}).encode())
    assert r.status_code == 422
    big = b'{"model_type": "llama", "pad": "' + b"x" * 400_000 + b'"}'
    r = client.post("/api/arch", content=big)
    assert r.status_code == 413 and "KB" in r.json()["error"]


def test_unknown_hosts_are_refused(client: Any) -> None:
    # DNS rebinding: a page elsewhere cannot reach the local server under its own name
    r = client.get("/api/laws", headers={"host": "evil.example"})
    assert r.status_code == 400
    assert client.get("/api/laws").status_code == 200


def test_security_headers(client: Any) -> None:
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    report = client.get("/models/llama-4-scout/report.html")
    assert "default-src 'none'" in report.headers["content-security-policy"]


def test_results_are_cached_and_bounded() -> None:
    from flopcast.web.limits import ResultCache

    cache = ResultCache(size=2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # a is now the most recent
    cache.put("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
