from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "statements"


@pytest.fixture
def statement_file():
    """The bytes of a sample statement file, by name."""

    def read(name: str) -> bytes:
        return (FIXTURES / name).read_bytes()

    return read
