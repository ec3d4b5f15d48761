"""Time-based codes against RFC 6238's own test values (SHA-1, last six of its eight digits)."""

from datetime import UTC, datetime, timedelta

import pytest

from recoup.access import totp

# base32 of the RFC's ASCII secret "12345678901234567890".
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


def at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


@pytest.mark.parametrize(
    ("seconds", "code"),
    [
        (59, "287082"),
        (1111111109, "081804"),
        (1111111111, "050471"),
        (1234567890, "005924"),
        (2000000000, "279037"),
    ],
)
def test_codes_match_the_rfc_test_values(seconds: int, code: str):
    assert totp.code_at(secret=RFC_SECRET, at=at(seconds)) == code
    assert totp.code_step(secret=RFC_SECRET, code=code, at=at(seconds)) == seconds // 30


def test_a_code_is_accepted_one_step_early_or_late_but_not_two():
    now = at(1234567890)
    code = totp.code_at(secret=RFC_SECRET, at=now)

    assert totp.code_step(secret=RFC_SECRET, code=code, at=now + timedelta(seconds=30)) is not None
    assert totp.code_step(secret=RFC_SECRET, code=code, at=now - timedelta(seconds=30)) is not None
    assert totp.code_step(secret=RFC_SECRET, code=code, at=now + timedelta(seconds=60)) is None


def test_a_code_for_a_step_already_used_is_refused():
    now = at(1234567890)
    code = totp.code_at(secret=RFC_SECRET, at=now)

    assert totp.code_step(secret=RFC_SECRET, code=code, at=now, after_step=now.timestamp() // 30) is None


@pytest.mark.parametrize("typed", ["005 924", " 005924 ", "００５９２４"])
def test_spaces_and_full_width_digits_a_phone_keyboard_types_are_accepted(typed: str):
    assert totp.code_step(secret=RFC_SECRET, code=typed, at=at(1234567890)) == 1234567890 // 30


@pytest.mark.parametrize("typed", ["", "5924", "0059245", "abcdef"])
def test_anything_but_six_digits_is_refused(typed: str):
    assert totp.code_step(secret=RFC_SECRET, code=typed, at=at(1234567890)) is None


def test_the_address_names_recoup_and_the_user():
    uri = totp.provisioning_uri(secret=RFC_SECRET, username="sam")

    assert uri == f"otpauth://totp/Recoup:sam?secret={RFC_SECRET}&issuer=Recoup"


def test_a_new_secret_is_32_base32_characters_and_never_the_same_twice():
    first, second = totp.secret_new(), totp.secret_new()

    assert len(first) == 32
    assert set(first) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert first != second


def test_the_qr_code_is_an_svg_with_a_title():
    svg = totp.qr_svg(totp.provisioning_uri(secret=RFC_SECRET, username="sam"))

    assert svg.startswith("<svg")
    assert "<title>QR code for your authenticator app</title>" in svg
