"""Settings read from the environment refuse what they cannot use, naming the variable."""

import os
import subprocess
import sys

import pytest


def settings_import(**variables: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **variables}
    return subprocess.run(
        [sys.executable, "-c", "import recoup.settings as s; print(s.RECOUP_COB_PARTS, s.EMAIL_PORT)"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("name", ["RECOUP_COB_PARTS", "RECOUP_EMAIL_PORT", "RECOUP_CONN_MAX_AGE"])
@pytest.mark.parametrize("value", ["two", "-1", "1.5"])
def test_a_number_that_is_not_a_whole_number_is_refused_by_name(name: str, value: str) -> None:
    result = settings_import(**{name: value})

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name} must be a whole number of 0 or more, not {value!r}" in result.stderr


def test_whole_numbers_are_read_and_blank_takes_the_default() -> None:
    result = settings_import(RECOUP_COB_PARTS=" 3 ", RECOUP_EMAIL_PORT="")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "25"]
