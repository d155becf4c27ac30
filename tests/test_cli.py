"""End-to-end: the essay's compute questions typed on the command line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import CLI


def test_behemoth_compute_human_output(cli: CLI) -> None:
    r = cli("compute", "--active", "288B", "--tokens", "30T")
    assert r.code == 0, r.err
    assert "Training compute: 5.18e25 FLOP" in r.out
    assert "104 tokens/param" in r.out


def test_maverick_compute_json(cli: CLI) -> None:
    r = cli("compute", "--active", "17B", "--tokens", "22T", "--json")
    assert r.code == 0, r.err
    data = r.json()
    assert data["operation_count_flop"]["value"] == pytest.approx(2.244e24)
    assert "low_90" not in data["operation_count_flop"]  # exact inputs, exact result


def test_range_shown_with_its_interval(cli: CLI) -> None:
    r = cli("compute", "--active", "288B", "--tokens", "30T..40T")
    assert r.code == 0, r.err
    assert "5.99e25 FLOP (90%: 5.18e25–6.91e25)" in r.out
    r = cli("compute", "--active", "288B", "--tokens", "30T[30T..40T]", "--json")
    c = r.json()["training_compute_flop"]
    assert round(c["value"] / 1e25, 2) == 5.18
    assert round(c["low_90"] / 1e25, 2) == 5.18
    assert round(c["high_90"] / 1e25, 2) == 6.91


def test_compare_in_words(cli: CLI) -> None:
    r = cli("compare", "5.18e25", "3.8e25")
    assert r.code == 0, r.err
    assert "1.36x" in r.out and "36% more" in r.out
    r = cli("compare", "2.24e24", "3e26", "--json")
    (comparison,) = r.json()["comparisons"]
    assert comparison["words"] == "134x less"


def test_compute_with_vs(cli: CLI) -> None:
    r = cli("compute", "--active", "288B", "--tokens", "30T", "--vs", "3.8e25", "--json")
    assert r.json()["comparison"]["words"] == "36% more"


def test_cluster_100k_h100_90_days(cli: CLI) -> None:
    r = cli("cluster", "--gpus", "100K", "--peak", "989.4T", "--days", "90", "--mfu", "0.4")
    assert r.code == 0, r.err
    assert "3.08e26 FLOP" in r.out


def test_cluster_time_for_behemoth(cli: CLI) -> None:
    r = cli("cluster", "--gpus", "32K", "--achieved", "390 TFLOP/s", "--compute", "5.18e25")
    assert r.code == 0, r.err
    assert "48 days" in r.out  # 5.18e25 rounded → 48.0 days; 5.184e25 → 48.1
    r = cli(
        "compute",
        "--active",
        "288B",
        "--tokens",
        "30T",
        "--gpus",
        "32K",
        "--achieved",
        "390T",
        "--json",
    )
    assert round(r.json()["implied_duration_days"]["value"], 1) == 48.1


def test_maverick_implied_mfu_with_peak(cli: CLI) -> None:
    r = cli(
        "compute",
        "--active",
        "17B",
        "--tokens",
        "22T",
        "--gpu-hours",
        "2.38M",
        "--peak",
        "989.4T",
    )
    assert r.code == 0, r.err
    assert "implied utilization" in r.out and "26.5%" in r.out
    assert "assumed" in r.out  # the hardware estimate's utilization was not given


def test_sig_changes_the_printed_precision(cli: CLI) -> None:
    r = cli("compute", "--active", "288B", "--tokens", "30T", "--sig", "5")
    assert "5.184e25 FLOP" in r.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compute", "--active", "17X", "--tokens", "22T"], "cannot read --active '17X'"),
        (["compute", "--active", "-17B", "--tokens", "22T"], "greater than zero"),
        (["compute", "--active", "17B", "--tokens", "0"], "greater than zero"),
        (["compute", "--active", "17B", "--tokens", "40T..30T"], "low end is above"),
        (
            ["cluster", "--gpus", "1K", "--peak", "1P", "--days", "9", "--mfu", "1.5"],
            "above 1",
        ),
        (
            [
                "cluster",
                "--gpus",
                "1K",
                "--peak",
                "1P",
                "--days",
                "9",
                "--mfu",
                "0.4",
                "--achieved",
                "400T",
            ],
            "--mfu and --achieved both given",
        ),
        (["compute", "--active", "17B"], "add --tokens"),
        (["cluster", "--days", "9", "--peak", "1P"], "--gpus 100K, or a site's power"),
        (["compute", "--frobnicate"], "No such option"),
        (["compare", "5e25"], "at least two"),
        (["nonsense"], "No such command"),
        (["compar", "gpt-4"], "No such command 'compar': did you mean compare, compute?"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli: CLI, args: list[str], message: str) -> None:
    r = cli(*args)
    assert r.code == 2
    assert message in r.err
    assert r.err.count("\n") == 1, r.err  # one line
    assert "Traceback" not in r.err
    assert r.out == ""


def test_python_dash_m_and_exit_code_in_a_real_process() -> None:
    env = {**os.environ, "FLOPCAST_DEBUG": ""}
    ok = subprocess.run(
        [sys.executable, "-m", "flopcast", "compare", "5.18e25", "3.8e25"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert ok.returncode == 0 and "36% more" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "flopcast", "compute", "--active", "17X", "--tokens", "1T"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("flopcast: error: cannot read --active '17X'")
    assert "Traceback" not in bad.stderr


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "from flopcast.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('numpy', 'scipy', 'pydantic', 'matplotlib', 'torch') "
        "if m in sys.modules]\n"
        "print('HEAVY:' + ','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "HEAVY:\n" in out, out[-200:]


def test_every_command_a_module_registers_is_listed() -> None:
    """The lazy top-level group lists exactly the commands the modules define."""
    from flopcast.cli import COMMANDS, _module_commands

    defined = set()
    for module in {m for m, _ in COMMANDS.values()}:
        defined |= set(_module_commands(module))
    assert defined == set(COMMANDS)


def test_help_lists_every_command(cli: CLI) -> None:
    from flopcast.cli import COMMANDS

    r = cli("--help")
    assert r.code == 0
    for name in COMMANDS:
        assert f"  {name} " in r.out
