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
    ("/api/report?name=Behemoth&active=288B&total=2T&tokens=30T&gpus=32K&gpu=h100",
     ["report", "--name", "Behemoth", "--active", "288B", "--total", "2T", "--tokens", "30T",
      "--gpus", "32K", "--gpu", "h100"]),
    ("/api/compute?active=288B&tokens=30T..40T&samples=5000&seed=7",
     ["compute", "--active", "288B", "--tokens", "30T..40T", "--samples", "5000", "--seed", "7"]),
    ("/api/cluster?gpus=1000&gpu=h100", ["cluster", "--gpus", "1000", "--gpu", "h100"]),
    ("/api/cluster?gpus=1000&gpu=tpu-v5p&days=30", ["cluster", "--gpus", "1000", "--gpu",
                                                     "tpu-v5p", "--days", "30"]),
    ("/api/arch?config=maverick", ["arch", "maverick"]),
    ("/api/arch?config=meta-llama/Llama-3.1-8B-Instruct&context=32k&layers=true",
     ["arch", "meta-llama/Llama-3.1-8B-Instruct", "--context", "32k", "--layers"]),
    ("/api/arch?types=true", ["arch", "--types"]),
    ("/api/local?model=llama-3.1-8b&model=llama-4-scout&on=cpu 64gb",
     ["local", "llama-3.1-8b", "llama-4-scout", "--on", "cpu 64gb"]),
    ("/api/local?model=llama-3.1-8b&on=custom:24GB@1008GB/s&context=32k",
     ["local", "llama-3.1-8b", "--on", "custom:24GB@1008GB/s", "--context", "32k"]),
    ("/api/machines", ["machines"]),
    ("/api/machines?name=rtx 4090", ["machines", "rtx 4090"]),
    ("/api/machines?name=custom:24GB@1008GB/s unified",
     ["machines", "custom:24GB@1008GB/s unified"]),
    ("/api/plan?model=llama-3.1-405b&gpus=16384&tp=8&pp=16&recompute=full",
     ["plan", "llama-3.1-405b", "--gpus", "16384", "--tp", "8", "--pp", "16",
      "--recompute", "full"]),
    ("/api/plan?model=llama-3.1-405b&gpus=16384&tp=8&pp=16&zero=1&mfu=40%25&mfu-of=step"
     "&global-batch=16M&seq=8k&tokens=15.6T",
     ["plan", "llama-3.1-405b", "--gpus", "16384", "--tp", "8", "--pp", "16", "--zero", "1",
      "--mfu", "40%", "--mfu-of", "step", "--global-batch", "16M", "--seq", "8k",
      "--tokens", "15.6T"]),
    ("/api/plan?model=llama-3.1-8b&gpus=8&search=true",
     ["plan", "llama-3.1-8b", "--gpus", "8", "--search"]),
    ("/api/plan?model=llama-3.1-8b&search=true&tp=2&top=3",
     ["plan", "llama-3.1-8b", "--search", "--tp", "2", "--top", "3"]),
    ("/api/plan?total=7B&active=7B&layers=32&hidden=4096&heads=32&gpus=8&fsdp=true"
     "&flash-attention=false",
     ["plan", "--total", "7B", "--active", "7B", "--layers", "32", "--hidden", "4096",
      "--heads", "32", "--gpus", "8", "--fsdp", "--no-flash-attention"]),
    ("/api/systems?at=2025-04-05&top=10", ["systems", "--at", "2025-04-05", "--top", "10"]),
    ("/api/systems?owner=meta&chip=h100&all=true",
     ["systems", "--owner", "meta", "--chip", "h100", "--all"]),
    ("/api/systems?by=owner", ["systems", "--by", "owner"]),
    ("/api/systems?by=chip&at=2024-06", ["systems", "--by", "chip", "--at", "2024-06"]),
    ("/api/systems?name=Meta 100k", ["systems", "Meta 100k"]),
    ("/api/trend?from=2010&to=2024-05", ["trend", "--from", "2010", "--to", "2024-05"]),
    ("/api/trend?select=frontier&from=2018&at=2027-06&at=2030&when=1e27&when=1e28"
     "&resamples=200",
     ["trend", "--select", "frontier", "--from", "2018", "--at", "2027-06", "--at", "2030",
      "--when", "1e27", "--when", "1e28", "--resamples", "200"]),
    ("/api/trend?count-above=1e25&until=2027&simulations=500&resamples=100",
     ["trend", "--count-above", "1e25", "--until", "2027", "--simulations", "500",
      "--resamples", "100"]),
    ("/api/trend?breakpoint=true&resamples=100&speculative=weight",
     ["trend", "--breakpoint", "--resamples", "100", "--speculative", "weight"]),
    ("/api/trend?break-at=2018&select=language&seed=3&resamples=100",
     ["trend", "--break-at", "2018", "--select", "language", "--seed", "3",
      "--resamples", "100"]),
    ("/api/epoch", ["epoch", "status"]),
    ("/api/trend?systems=true&resamples=200", ["trend", "--systems", "--resamples", "200"]),
    ("/api/trend?systems=true&select=all&metric=chips&metric=power&from=2020",
     ["trend", "--systems", "--select", "all", "--metric", "chips", "--metric", "power",
      "--from", "2020"]),
]  # fmt: skip


@pytest.mark.parametrize(("url", "argv"), SAME_AS_CLI, ids=[u for u, _ in SAME_AS_CLI])
def test_same_json_as_the_command_line(client: Any, cli: CLI, url: str, argv: list[str]) -> None:
    r = client.get(url)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].startswith("application/json")
    run = cli(*argv, "--json")
    assert run.code == 0, run.err
    assert r.json() == run.json()


def test_a_shipped_config_is_named_inside_the_package(client: Any, cli: CLI) -> None:
    # not by where it lies on the server's disk (or on the command line's)
    r = client.get("/api/arch?config=maverick&context=8192")
    assert r.status_code == 200
    assert r.json()["config_origin"]["path"].startswith("data/configs/")
    assert (
        cli("arch", "maverick", "--json")
        .json()["config_origin"]["path"]
        .startswith("data/configs/")
    )


def test_every_command_line_command_is_answered_or_said_why_not() -> None:
    """Each command of flopcast --help has an endpoint, or a reason it has none."""
    from flopcast.cli import COMMANDS as CLI_COMMANDS
    from flopcast.web.commands import COMMANDS

    assert set(CLI_COMMANDS) - {"serve"} - set(COMMANDS) == set()  # serve starts this


def test_every_input_is_a_keyword_of_the_answer_with_its_default() -> None:
    """The web app calls the command line's answer with the same keywords and defaults: an
    input named otherwise, or defaulting otherwise, would drift from the command line."""
    import inspect

    from flopcast.answers import answer_function
    from flopcast.web.commands import COMMANDS

    for command in COMMANDS.values():
        params = inspect.signature(answer_function(command.answer or command.name)).parameters
        for i in command.all_inputs():
            assert i.key in params, (command.name, i.name)
            default = params[i.key].default
            if i.kind is not list and default is not inspect.Parameter.empty:
                assert i.default == default, (command.name, i.name, i.default, default)
        if command.upload is not None:
            assert command.upload in params, command.name


RUNS_CSV = "N,D,loss\n" + "".join(
    f"{n:g},{d:g},{1.69 + 406.4 / n**0.34 + 410.7 / d**0.28 + 0.003 * ((i * 7) % 5 - 2):.5f}\n"
    for i, (n, d) in enumerate(
        (n, d) for n in (7e7, 1.5e8, 3e8, 6e8, 1.2e9, 2.5e9) for d in (1e9, 3e9, 1e10, 3e10, 1e11)
    )
)  # Hoffmann et al. 2022's fitted L(N, D) (eq. 10), with a small deterministic scatter


ISOFLOP_CSV = "N,D,C,loss\n" + "".join(
    f"{n:.6g},{d:.6g},{c:g},{1.69 + 406.4 / n**0.34 + 410.7 / d**0.28:.6f}\n"
    for c in (1e18, 1e19, 1e20)
    for n, d in ((n, c / (6 * n)) for n in (f * (c / 120) ** 0.5 for f in (0.25, 0.5, 1, 2, 4)))
)  # three isoFLOP profiles of the same law


def _comparable(data: Any) -> Any:
    """A fit names its runs (the file on the command line, "the uploaded CSV" over HTTP) and
    says how long it took."""
    return {k: v for k, v in data.items() if k not in ("name", "source", "timings")}


@pytest.mark.parametrize(
    ("query", "argv"),
    [
        ("bootstrap=40&budget=1e24", ["--bootstrap", "40", "--budget", "1e24"]),
        ("approach=2&bootstrap=20", ["--approach", "2", "--bootstrap", "20"]),
    ],
)
def test_fit_of_an_uploaded_csv_is_the_command_line_s(
    client: Any, cli: CLI, tmp_path: Path, query: str, argv: list[str]
) -> None:
    csv = ISOFLOP_CSV if "approach=2" in query else RUNS_CSV
    path = tmp_path / "runs.csv"
    path.write_text(csv)
    r = client.post(f"/api/fit?{query}", content=csv.encode())
    assert r.status_code == 200, r.text[:300]
    run = cli("fit", str(path), *argv, "--json")
    assert run.code == 0, run.err
    assert _comparable(r.json()) == _comparable(run.json())
    assert r.json()["saved_to"] is None and r.json()["source"] == "the uploaded CSV"


@pytest.mark.parametrize(
    ("body", "query", "words"),
    [
        (b"", "", "empty"),
        (b"N,D\n1e8,1e9\n", "", "no column 'loss'"),
        (b"N,D,loss\n1e8,1e9,nan\n", "", "loss"),
        (b"\xff\xfe\x00x", "", "UTF-16"),
        (RUNS_CSV.encode(), "approach=4", "approach"),
        (RUNS_CSV.encode(), "bootstrap=5000", "bootstrap"),
        (RUNS_CSV.encode(), "n-col=params", "no column 'params'"),
        (("N,D,loss\n" + "1e8,1e9,3\n" * 2500).encode(), "", "more than 2,000 runs"),
    ],
)
def test_fit_refuses_a_bad_upload(client: Any, body: bytes, query: str, words: str) -> None:
    r = client.post(f"/api/fit?{query}", content=body)
    assert r.status_code == 422, (r.status_code, r.text[:300])
    assert words in r.json()["error"] and "\n" not in r.json()["error"]


@pytest.mark.parametrize(
    ("query", "argv"),
    [
        ("timeline?highlight=maverick&start=2022", ["timeline", "--highlight", "maverick",
                                                    "--start", "2022"]),
        ("tokens-per-param?law=llama3&sparsity=8&sparsity=32",
         ["tokens-per-param", "--law", "llama3", "--sparsity", "8", "--sparsity", "32"]),
        ("memory?model=llama-4-scout&context=32k&machine=rtx 4090",
         ["memory", "llama-4-scout", "--context", "32k", "--machine", "rtx 4090"]),
        ("trend?select=frontier&start=2018&highlight=behemoth",
         ["trend", "--select", "frontier", "--from", "2018", "--highlight", "behemoth"]),
        ("trend?systems=true&metric=power", ["trend", "--systems", "--metric", "power"]),
    ],
)  # fmt: skip
def test_a_plot_is_the_command_line_s_svg(
    client: Any, cli: CLI, tmp_path: Path, query: str, argv: list[str]
) -> None:
    r = client.get(f"/api/plot/{query}")
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].startswith("image/svg+xml")
    path = tmp_path / "plot.svg"
    run = cli("plot", *argv, "-o", str(path))
    assert run.code == 0, run.err
    assert r.text == path.read_text()  # the same figure, byte for byte (a fixed hash salt)


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
    for name, command in COMMANDS.items():
        path = command.address
        assert ("get" in paths[path]) == command.get, name
        assert ("post" in paths[path]) == (command.upload is not None), name
    assert "post" in paths["/api/arch"] and "post" in paths["/api/fit"]
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
    ("/api/report?active=288B", "--tokens"),
    ("/api/report?date=2026-01-01", "--date is for a model given by numbers"),
    ("/api/local?model=llama-3.1-8b&on=this", "the server"),
    ("/api/machines?name=this", "the server"),
    ("/api/machines?name=toaster", "unknown machine 'toaster'"),
    ("/api/plan?model=gpt-4&gpus=8", "ships no config.json"),
    ("/api/plan?model=llama-3.1-8b&gpus=8&dp=2&search=true", "leave --dp out"),
    ("/api/plan?model=llama-3.1-8b&gpus=lots", "--gpus"),
    ("/api/plan?model=llama-3.1-8b&gpus=8&tp=3", "not a multiple"),
    ("/api/plan?model=llama-3.1-8b&mfu-of=all", "mfu-of"),
    ("/api/plan?model=llama-3.1-8b&tp=0", "tp"),
    ("/api/plan", "name a model"),
    ("/api/systems?name=nonexistent cluster", "unknown system"),
    ("/api/systems?by=country", "by"),
    ("/api/systems?at=someday", "someday"),
    ("/api/trend?select=nonsense", "unknown selection"),
    ("/api/trend?resamples=100000", "resamples"),
    ("/api/trend?simulations=100000000&count-above=1e25", "simulations"),
    ("/api/trend?at=2027-13", "--at"),
    ("/api/trend?when=lots", "--when"),
    ("/api/trend?" + "&".join(["at=2027"] * 11), "at most 10"),
    ("/api/fit?bootstrap=10", "Method Not Allowed"),
    ("/api/plot/pie", "unknown plot 'pie'"),
    ("/api/plot/memory", "needs a model"),
    ("/api/plot/tokens-per-param?sparsity=nan", "--sparsity"),
    ("/api/plot/memory?model=llama-4-scout&machine=this", "the server"),
    ("/api/plot/timeline?highlight=nonsense-model", "unknown model"),
    ("/api/plot/trend?systems=true&until=2030", "not with --systems"),
    ("/api/trend?systems=true&at=2027", "not with --systems"),
    ("/api/trend?metric=chips", "--metric is for --systems"),
]


@pytest.mark.parametrize(("url", "words"), BAD, ids=[u for u, _ in BAD])
def test_bad_input_is_a_422_with_a_message(client: Any, url: str, words: str) -> None:
    r = client.get(url)
    assert r.status_code == (405 if url.startswith("/api/fit") else 422), r.text[:300]
    message = r.json()["error"]
    assert words in message
    assert "\n" not in message and "Traceback" not in message


def test_every_endpoint_has_a_bad_input_test() -> None:
    from flopcast.web.commands import COMMANDS

    covered = {u.split("?")[0].split("/")[2] for u, _ in BAD}
    covered.add("show")  # /api/models/maverik
    assert set(COMMANDS) - {"laws", "epoch"} <= covered  # laws and epoch take no input


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
        "/api/plan?model=/etc/passwd",
        "/api/plan?model=meta-llama/Llama-3.1-8B",
        "/api/local?model=../config.json",
        "/api/machines?name=this",
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


def test_the_trend_page_shows_the_trend_s_warnings(client: Any) -> None:
    # two months of models: the CLI warns that a yearly rate extrapolates; the page must too
    page = client.get("/calc/trend", params={"from": "2024-05", "to": "2024-06"})
    assert page.status_code == 200
    assert 'class="warning">warning: the models span' in page.text
    assert "warning: the models span" not in client.get("/calc/trend").text
