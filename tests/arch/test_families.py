"""Each supported model_type is counted by its family module, loaded when first needed."""

from __future__ import annotations

import subprocess
import sys

from flopcast.arch import FAMILIES, SUPPORTED_MODEL_TYPES, builder


def test_every_model_type_has_a_family_that_builds_it() -> None:
    for model_type in SUPPORTED_MODEL_TYPES:
        build = builder(model_type)
        assert callable(build)
        assert build.__module__ == f"flopcast.arch.{FAMILIES[model_type]}"
    assert builder("not_a_model_type") is None


def test_counting_one_family_loads_only_its_module() -> None:
    code = (
        "import sys; from flopcast.arch import from_config; "
        "from_config('meta-llama/Llama-4-Scout-17B-16E-Instruct'); "
        "loaded = {m.rsplit('.', 1)[-1] for m in sys.modules if m.startswith('flopcast.arch.')}; "
        "assert 'llama4' in loaded, loaded; "
        "assert not loaded & {'gemma4', 'deepseek_v4', 'nemotron_h', 'jamba'}, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
