"""The per-account reference cycle kept in bench/, loaded for the tests that hold the batch to it."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

_PATH = Path(__file__).resolve().parents[3] / "bench" / "reference.py"


def reference_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_reference", _PATH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
