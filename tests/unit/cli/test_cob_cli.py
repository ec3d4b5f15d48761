"""`recoup cob` refuses a number of parts that is not a whole number of at least one, before it
touches the database."""

import pytest

from recoup.cli.main import main


@pytest.mark.parametrize("parts", ["0", "-2", "two"])
def test_a_number_of_parts_below_one_is_refused_by_name(
    parts: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["cob", "--as-of", "2025-06-14", "--parts", parts])

    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert "--parts" in error
    assert "1 or more" in error
