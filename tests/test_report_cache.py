"""``flopcast report`` keeps what it built on disk: the same report a second time is read back,
not built again; other arguments, other code or data, or other imported data build anew."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CLI


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FLOPCAST_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("FLOPCAST_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def _forbid_building(monkeypatch: pytest.MonkeyPatch) -> None:
    import flopcast.reporting.build
    import flopcast.reporting.figures

    def boom(*_: Any, **__: Any) -> Any:
        raise AssertionError("built again")

    monkeypatch.setattr(flopcast.reporting.build, "build", boom)
    monkeypatch.setattr(flopcast.reporting.figures, "report_figures", boom)


def test_the_same_report_is_read_back(
    cli: CLI, own_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = cli("report", "maverick")
    html = own_cache / "m.html"
    assert cli("report", "maverick", "-o", str(html)).code == 0
    page = html.read_text(encoding="utf-8")
    _forbid_building(monkeypatch)
    again = cli("report", "maverick")
    assert again.code == 0 and again.out == first.out
    assert cli("report", "maverick", "-o", str(html)).code == 0
    assert html.read_text(encoding="utf-8") == page
    assert cli("report", "maverick", "--json").code == 0


def test_other_arguments_or_data_build_anew(
    cli: CLI, own_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("report", "maverick").code == 0
    _forbid_building(monkeypatch)
    assert "built again" in cli("report", "maverick", "--law", "hoffmann2022").err
    assert "built again" in cli("report", "scout").err
    data = own_cache / "data"
    data.mkdir()
    (data / "epoch_models.json").write_text("{}", encoding="utf-8")  # an import of the user's
    assert "built again" in cli("report", "maverick").err
