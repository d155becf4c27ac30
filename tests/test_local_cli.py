"""Local inference answers: machines, custom and detected machines, several models, an unknown
KV cache, the offload option, the OS reserve per kind of machine."""

from __future__ import annotations

import pytest

from flopcast.errors import FlopcastError
from flopcast.inference import GB, custom_machine, detect, machine, os_reserve, os_reserve_gb
from tests.conftest import CLI


def test_machines_lists_memory_bandwidth_and_sources(cli: CLI) -> None:
    r = cli("machines")
    assert r.code == 0, r.err
    row = next(line for line in r.out.splitlines() if line.startswith("rtx-4090 "))
    # 24 GB, all usable, 1,008 GB/s, the OS keeps 4 GB of host RAM, source [2]
    assert row.split() == ["rtx-4090", "24", "24", "1,008", "4", "[2]",
                           "GeForce", "RTX", "4090", "(24", "GB)", "desktop"]  # fmt: skip
    assert "[2] https://www.nvidia.com/en-us/geforce/graphics-cards/40-series/rtx-4090/" in r.out
    mac = next(line for line in r.out.splitlines() if line.startswith("m4-max-128 "))
    assert mac.split()[:5] == ["m4-max-128", "128", "96", "546", "8"]  # Metal: 3/4 of 128
    data = cli("machines", "--json").json()["machines"]
    assert {m["id"] for m in data} >= {"rtx-4090", "m3-ultra-512", "8x-h100"}
    assert all(m["source"].startswith("https://") for m in data)


@pytest.mark.parametrize(
    ("spec", "kind", "devices", "memory", "bandwidth"),
    [
        ("custom:24GB@1008GB/s", "gpu", 1, 24, 1008),
        ("custom: 2x24GB @ 936GB/s", "gpu", 2, 24, 936),
        ("Custom:128GB@546GB/s unified", "unified", 1, 128, 546),
        ("custom:512GB@0.819TB/s mac", "unified", 1, 512, 819),
        ("custom:64GB@89.6GB/s cpu", "cpu", 1, 64, 89.6),
        ("96gib@256gb/s unified", "unified", 1, 96 * 2**30 / 1e9, 256),
    ],
)
def test_custom_machines(
    spec: str, kind: str, devices: int, memory: float, bandwidth: float
) -> None:
    m = machine(spec)
    assert (m.kind, m.devices) == (kind, devices)
    assert m.device_memory_gb == pytest.approx(memory)
    assert m.bandwidth_gbs == pytest.approx(bandwidth)


def test_custom_machine_errors_say_how_to_write_one() -> None:
    with pytest.raises(FlopcastError, match=r"write custom:24GB@1008GB/s"):
        machine("custom:128GB")
    with pytest.raises(FlopcastError, match="only GPUs come in several"):
        custom_machine(128, 546, "unified", devices=2)
    with pytest.raises(FlopcastError, match="bandwidth must be above 0"):
        custom_machine(24, 0)


def test_several_models_on_a_custom_machine(cli: CLI) -> None:
    r = cli("local", "scout", "qwen3-30b-a3b", "--on", "custom:24GB@1008GB/s")
    assert r.code == 0, r.err
    assert "Llama 4 Scout on custom GPU, 24 GB at 1,008 GB/s" in r.out
    assert "Qwen3-30B-A3B on custom GPU, 24 GB at 1,008 GB/s" in r.out
    data = cli("local", "scout", "qwen3-30b-a3b", "--on", "custom:24GB@1008GB/s", "--json").json()
    assert [d["memory"]["model"]["name"] for d in data["models"]] == [
        "Llama 4 Scout",
        "Qwen3-30B-A3B",
    ]
    # the smallest Scout format (weights alone above 24 GB) does not fit a 24 GB GPU without
    # host RAM; Qwen3-30B-A3B's best is Q5_K_M
    assert data["models"][0]["best"]["best_format"] is None
    assert data["models"][1]["best"]["best_format"] == "q5_k_m"
    r = cli("local", "scout", "qwen3-30b-a3b")  # the table, once per model
    assert r.code == 0 and r.out.count("machine  ") == 2


def test_a_missing_kv_cache_is_unknown_never_zero(cli: CLI) -> None:
    r = cli("local", "grok-1", "--on", "rtx 4090")
    assert r.code == 0, r.err
    head = r.out.splitlines()[0]
    assert "before the KV cache (unknown: no config.json)" in head
    assert "KV 0.0 GB" not in r.out and "KV unknown (no config.json)" in r.out
    r = cli("local", "grok-1")
    assert "KV unknown (no config.json)" in r.out.splitlines()[0]
    r = cli("memory", "grok-1")
    assert "+ the KV cache (unknown: no config.json)" in r.out.splitlines()[0]


def test_the_offload_option_beside_the_smaller_format_that_fits(cli: CLI) -> None:
    r = cli("local", "llama-3.1-70b", "--on", "rtx 4090")
    assert r.code == 0, r.err
    assert "a smaller format fits within GPU memory: iq2_xxs" in r.out
    assert "or q4_k_m with CPU offload" in r.out and "GGUF Q4_K_M" in r.out
    best = cli("local", "llama-3.1-70b", "--on", "rtx 4090", "--json").json()["best"]
    assert best["best_format"] == "iq2_xxs"
    off = best["offload_option"]
    assert off["format"] == "q4_k_m" and off["verdict"] == "fits_with_offload"
    # decode bound by hand from its parts: the GPU reads its share of the weights and the KV
    # cache at 1,008 GB/s, the host its share at 89.6 GB/s (dual-channel DDR5-5600)
    need, kv, overhead = off["need_gb"], 2.68435456, 1.0  # KV: 80 layers x 8 x 128 x 2 x 2 B
    weights = need - kv - overhead
    host = off["offloaded_gb"]
    seconds = (weights - host + kv) / 1008 + host / 89.6
    assert off["decode_tokens_per_s_upper_bound"] == pytest.approx(1 / seconds, rel=0.02)
    assert 3.5 < 1 / seconds < 4.0  # "Q4_K_M with offload at <= 3.8 tok/s"


def test_os_reserve_per_kind_of_machine(cli: CLI) -> None:
    # a 24 GB box: Qwen3-30B-A3B at int4 needs 18.6 GB; a desktop OS keeps 4 GB (Windows 11's
    # and Ubuntu Desktop 24.04's stated minimum), leaving 20 GB: it fits; keeping 8 it does not
    r = cli("local", "qwen3-30b-a3b", "--quant", "int4", "--on", "cpu 24gb")
    assert r.code == 0 and ": fits at int4" in r.out.splitlines()[0]
    assert "24 GB RAM less 4 GB for the OS" in r.out
    r = cli("local", "qwen3-30b-a3b", "--quant", "int4", "--on", "cpu 24gb", "--os-reserve", "8")
    assert ": does not fit at int4" in r.out.splitlines()[0]
    assert machine("m4 max 128").os_reserve_gb == 8.0 == os_reserve_gb("macos")
    assert machine("8x h100").os == "server" and machine("dgx spark").os == "desktop"
    for kind in ("macos", "desktop", "server"):
        r_ = os_reserve(kind)
        assert r_["low"] <= r_["gb"] <= r_["high"] and r_["source"].startswith("https://")


def test_the_cli_and_the_library_share_one_set_of_defaults(cli: CLI) -> None:
    from flopcast.defaults import section

    macs = {m["id"]: m for m in cli("machines", "--json").json()["machines"]}
    assert macs["m4-max-128"]["os_reserve_gb"] == section("local")["os_reserve"]["macos"]["gb"]
    fit = cli("local", "llama-3.1-8b", "--on", "m4 max 64", "--json").json()["fit"]
    assert fit["os_reserve_gb"] == os_reserve_gb("macos")
    # the raised limit keeps the reserve: 64 - 8 = 56 GB
    assert fit["max_gb"] == pytest.approx(64 - os_reserve_gb("macos"))


def _fake_probe(
    monkeypatch: pytest.MonkeyPatch,
    *,
    system: str,
    ram: int | None,
    outputs: dict[str, str],
    headless: bool = False,
) -> None:
    def run(cmd: list[str]) -> str | None:
        return outputs.get(cmd[0] if cmd[0] != "sysctl" else cmd[-1])

    monkeypatch.setattr(detect, "run", run)
    monkeypatch.setattr(detect, "system", lambda: system)
    monkeypatch.setattr(detect, "headless", lambda: headless)
    monkeypatch.setattr(detect, "ram_bytes", lambda _: (ram, "sysconf"))


def test_on_this_with_an_nvidia_gpu(cli: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_probe(monkeypatch, system="Linux", ram=64 * 10**9,
                outputs={"nvidia-smi": "NVIDIA GeForce RTX 4090, 24564\n"})  # fmt: skip
    m = machine("this")
    assert (m.kind, m.devices, m.os) == ("gpu", 1, "desktop")
    assert m.device_memory_gb == pytest.approx(24564 * 2**20 / GB)  # 25.76 GB, not "24"
    assert m.bandwidth_gbs == 1008 and m.host_ram_gb == 64
    r = cli("local", "llama-3.1-8b", "--on", "this")
    assert r.code == 0, r.err
    assert "Detected" in r.out and "1 x NVIDIA GeForce RTX 4090, 24,564 MiB each" in r.out
    assert "1,008 GB/s per GPU, the accelerator table's figure for rtx-4090" in r.out


def test_on_this_with_two_h100s_on_a_server(monkeypatch: pytest.MonkeyPatch) -> None:
    smi = "NVIDIA H100 80GB HBM3, 81559\nNVIDIA H100 80GB HBM3, 81559\n"
    _fake_probe(monkeypatch, system="Linux", ram=2 * 10**12, outputs={"nvidia-smi": smi},
                headless=True)  # fmt: skip
    m = machine("this")
    assert (m.devices, m.accelerator, m.os, m.bandwidth_gbs) == (2, "h100-sxm", "server", 3350)


def test_on_this_on_a_mac(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_probe(monkeypatch, system="Darwin", ram=128 * 2**30,
                outputs={"machdep.cpu.brand_string": "Apple M4 Max\n"})  # fmt: skip
    m = machine("this")
    assert (m.kind, m.os, m.bandwidth_gbs, m.gpu_share) == ("unified", "macos", 546, 0.75)
    assert m.memory_gb == pytest.approx(128 * 2**30 / GB)
    assert any("from m4-max-128" in line for line in m.detected)


def test_on_this_without_a_gpu_and_with_an_unknown_one(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_probe(monkeypatch, system="Linux", ram=32 * 10**9, outputs={}, headless=True)
    m = machine("this")
    assert (m.kind, m.memory_gb, m.os, m.os_reserve_gb) == ("cpu", 32, "server", 1.5)
    _fake_probe(monkeypatch, system="Linux", ram=32 * 10**9,
                outputs={"nvidia-smi": "NVIDIA Quadro X9, 49152\n"})  # fmt: skip
    # 49,152 MiB = 51.5e9 bytes: described as custom:52GB@...
    with pytest.raises(FlopcastError, match=r"no memory bandwidth for it: .*custom:52GB@"):
        machine("this")


def test_a_probe_that_cannot_run_finds_nothing() -> None:
    assert detect.run(["flopcast-no-such-tool-anywhere"]) is None


def test_memory_json_carries_the_warnings(cli: CLI) -> None:
    r = cli("memory", "llama-3.1-8b", "--context", "1M", "--json")
    assert r.code == 0, r.err
    # Llama 3.1's maximum is 131,072 tokens; 1M = 1,048,576
    assert r.json()["warnings"] == [
        "context 1,048,576 is above the model's maximum of 131,072 tokens"
    ]


def test_compute_with_gpus_and_mfu_gives_accelerator_hours(cli: CLI) -> None:
    args = ("compute", "--active", "17B", "--tokens", "22T", "--gpus", "16K", "--mfu", "40%",
            "--gpu", "h100")  # fmt: skip
    r = cli(*args)
    assert r.code == 0, r.err
    assert "utilization (MFU)       40%" in r.out  # echoed, as given
    # 6 x 17e9 x 22e12 = 2.244e24 FLOP at 989.4 TFLOP/s x 0.4 = 395.76 TFLOP/s per H100:
    # 2.244e24 / 395.76e12 / 3600 = 1.575M accelerator-hours (4.1 days on 16,000)
    assert "accelerator-hours    1.58M accelerator-hours" in r.out
    hours = cli(*args, "--json").json()["implied_accelerator_hours"]["value"]
    assert hours == pytest.approx(2.244e24 / (989.4e12 * 0.4) / 3600)


def test_a_uniform_width_cites_no_paper_it_is_the_users_figure(cli: CLI) -> None:
    # --quant 3bit is the user's own width (bytes = params x 3 / 8): no source to cite, and
    # certainly not a scaling-law paper (Kaplan et al. was shown here before)
    r = cli("memory", "llama-3-8b", "--quant", "3bit")
    assert r.code == 0, r.err
    assert "2001.08361" not in r.out and "source:" not in r.out
    assert "3 bits/weight (your --quant)" in r.out


def test_memory_on_a_machine_points_to_local(cli: CLI) -> None:
    # a home user types memory ... --on; the machine question is local's: say what to run
    r = cli("memory", "llama-3-8b", "--on", "rtx 4090", "--quant", "q4_k_m")
    assert r.code == 2
    assert "run: flopcast local llama-3-8b --on 'rtx 4090' --quant q4_k_m" in r.err
    assert "--on" not in cli("memory", "--help").out  # not an option of memory's own
