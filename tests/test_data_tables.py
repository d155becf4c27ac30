"""Every data table: validated, and its names and aliases unique (one test per table)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from flopcast.datafiles import NameIndex
from flopcast.errors import FlopcastError


def _catalog() -> Any:
    from flopcast.catalog import _index, catalog

    assert catalog() and _index()
    from flopcast.datafiles import check_unique_names

    check_unique_names("catalog", ((m.id, m.aliases) for m in catalog()))


def _accelerators() -> Any:
    from flopcast.hardware import _index

    return _index()


def _machines() -> Any:
    from flopcast.inference.devices import _ambiguous, _index

    _ambiguous()
    return _index()


def _formats() -> Any:
    from flopcast.inference.quantization import _format_index, ggml_types

    assert ggml_types()
    return _format_index()


def _kv_dtypes() -> Any:
    from flopcast.kvdtypes import _index

    return _index()


def _laws() -> Any:
    from flopcast.scaling.laws import _index

    return _index()


def _thresholds() -> Any:
    from flopcast.regulation import _index, thresholds

    return _index(thresholds())


def _configs() -> Any:
    from flopcast.configs import _table

    return _table()


def _defaults() -> Any:
    from flopcast.defaults import defaults

    return defaults()


TABLES: dict[str, Callable[[], Any]] = {
    "models": _catalog, "accelerators": _accelerators, "machines": _machines,
    "formats": _formats, "kv_dtypes": _kv_dtypes, "scaling_laws": _laws,
    "thresholds": _thresholds, "configs/derived": _configs, "defaults": _defaults,
}  # fmt: skip


@pytest.mark.parametrize("table", TABLES)
def test_table_loads_with_unique_names(table: str) -> None:
    TABLES[table]()  # raises FlopcastError on a shared name or an invalid row


def test_a_shared_name_is_refused() -> None:
    # "mxfp4-moe" folds to "mxfp4moe", the id of another format: the bug this rule catches
    rows = [("mxfp4", ("mxfp4-moe",), 1), ("mxfp4_moe", (), 2)]
    with pytest.raises(FlopcastError, match="used by both mxfp4 and mxfp4_moe"):
        NameIndex("formats", "weight format", rows)


def test_the_two_mxfp4_mixes_are_distinct() -> None:
    import flopcast.inference as M

    native = M.weights(M.model_spec("gpt-oss-120b"), "mxfp4")
    gguf = M.weights(M.model_spec("gpt-oss-120b"), "mxfp4_moe")
    assert M.weight_format("gguf-mxfp4").id == M.weight_format("mxfp4-moe").id == "mxfp4_moe"
    assert M.weight_format("gpt-oss").id == "mxfp4"
    # the checkpoint keeps non-expert weights in BF16 (2 bytes), the GGUF in Q8_0 (34/32 bytes):
    # 114,661,785,600 expert weights x 17/32 B + 2,167,371,072 other params x 2 B
    assert native.bytes == 65_248_815_744
    assert gguf.bytes < native.bytes


def test_a_cache_written_by_other_code_is_not_used(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flopcast.datafiles as D

    monkeypatch.setenv("FLOPCAST_CACHE_DIR", str(tmp_path))
    src = tmp_path / "table.toml"
    src.write_text("x = 1")
    monkeypatch.setattr(D, "_code_fingerprint", lambda: "flopcast as it was")
    assert D.validated("t", [src], lambda: "old value") == "old value"
    assert D.validated("t", [src], lambda: "never") == "old value"  # same code: cached
    monkeypatch.setattr(D, "_code_fingerprint", lambda: "flopcast after an upgrade")
    assert D.validated("t", [src], lambda: "new value") == "new value"  # other code: rebuilt
