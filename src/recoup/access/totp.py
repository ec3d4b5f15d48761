"""Time-based one-time codes (RFC 6238): six digits, a new one every 30 seconds, from a shared secret.

Pure: the moment is passed in. A code is accepted for the current 30-second step or one step either
side, so a phone clock a little fast or slow still works; the step a code matched is returned so the
caller can refuse that step, and every earlier one, ever after (a code cannot be used twice).
"""

from __future__ import annotations

from datetime import datetime

import pyotp
import segno

ISSUER = "Recoup"
DIGITS = 6
STEP_SECONDS = 30
DRIFT_STEPS = 1


def secret_new() -> str:
    """A fresh random secret: 32 base32 characters (160 bits), as authenticator apps expect."""
    return pyotp.random_base32()


def provisioning_uri(*, secret: str, username: str) -> str:
    """The otpauth:// address an authenticator app reads, from the QR code or typed in."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=username, issuer_name=ISSUER
    )


def qr_svg(uri: str) -> str:
    """The address as a QR code, an inline SVG element with a title for screen readers."""
    return segno.make(uri, error="m").svg_inline(scale=4, title="QR code for your authenticator app")


def code_at(*, secret: str, at: datetime) -> str:
    """The code an authenticator app shows at this moment (for tests and for support staff)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).at(at)


def code_step(*, secret: str, code: str, at: datetime, after_step: int | None = None) -> int | None:
    """The time step this code belongs to, within one step of `at` and later than `after_step`; else None."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    now_step = totp.timecode(at)
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if after_step is not None and step <= after_step:
            continue
        if pyotp.utils.strings_equal(code, totp.generate_otp(step)):
            return step
    return None
