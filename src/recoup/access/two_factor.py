"""The optional second factor: a user turns it on with a code from their authenticator app, signs in
with a code after the password, turns it off with a code, or an administrator resets it.

Turning it on, off and resetting it are audited. A code is accepted once: the time step it matched
is kept on the user, and a later sign-in must match a later step. The secret is never audited.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q

from recoup.access import totp
from recoup.access.models import Role, User
from recoup.access.operations import audit_record
from recoup.kernel.errors import DomainError


class WrongCode(DomainError):
    """The code is not the current one (within a step of clock drift), or was already used."""


class TwoFactorNotAllowed(DomainError):
    """Turning the second factor on when it is on, off when it is off, or a reset by someone who may not."""


def _wrong_code() -> WrongCode:
    return WrongCode(
        "code: that code is not right. Enter the six digits your authenticator app shows now.",
        field="code",
    )


def two_factor_enable(*, user: User, secret: str, code: str, at: datetime) -> User:
    """Turn the second factor on with the secret the user was shown, proven by a current code from it.

    Raises WrongCode, TwoFactorNotAllowed (already on).
    """
    step = totp.code_step(secret=secret, code=code, at=at)
    if step is None:
        raise _wrong_code()
    with transaction.atomic():
        updated = User.objects.filter(pk=user.pk, totp_secret="").update(
            totp_secret=secret, totp_last_step=step
        )
        if not updated:
            raise TwoFactorNotAllowed("Two-step sign-in is already on for this user.")
        audit_record(
            actor=user,
            action="user.two_factor.enable",
            object_type="user",
            object_id=user.pk,
            at=at,
            before={"two_factor": False},
            after={"two_factor": True},
        )
    user.refresh_from_db(fields=["totp_secret", "totp_last_step"])
    return user


def two_factor_check(*, user: User, code: str, at: datetime) -> None:
    """Accept a current code once: the step it matched, and every earlier one, is used up.

    Two requests racing with the same code cannot both pass: the step is claimed by a conditional update.
    Raises WrongCode (also when the second factor is off: there is nothing to check against).
    """
    user.refresh_from_db(fields=["totp_secret", "totp_last_step"])
    if not user.totp_secret:
        raise _wrong_code()
    step = totp.code_step(secret=user.totp_secret, code=code, at=at, after_step=user.totp_last_step)
    if step is None:
        raise _wrong_code()
    claimed = (
        User.objects.filter(pk=user.pk, totp_secret=user.totp_secret)
        .filter(Q(totp_last_step__isnull=True) | Q(totp_last_step__lt=step))
        .update(totp_last_step=step)
    )
    if not claimed:
        raise _wrong_code()
    user.totp_last_step = step


def two_factor_disable(*, user: User, code: str, at: datetime) -> User:
    """Turn the second factor off, proven by a current code (a stolen session alone cannot).

    Raises TwoFactorNotAllowed (it is off), WrongCode.
    """
    if not user.totp_secret:
        raise TwoFactorNotAllowed("Two-step sign-in is already off for this user.")
    with transaction.atomic():
        two_factor_check(user=user, code=code, at=at)
        _turn_off(user=user, actor=user, action="user.two_factor.disable", at=at)
    return user


def two_factor_reset(*, user: User, by: User, at: datetime) -> User:
    """An administrator turns a user's second factor off, e.g. after a lost phone; they set it up again.

    Raises TwoFactorNotAllowed (not an administrator, or it is off).
    """
    if by.role != Role.ADMINISTRATOR or not by.is_active:
        raise TwoFactorNotAllowed(
            f"by: only an administrator may reset a second factor; {by.username} is not one.", field="by"
        )
    if not user.totp_secret:
        raise TwoFactorNotAllowed(
            f"username: two-step sign-in is not on for {user.username}.", field="username"
        )
    with transaction.atomic():
        _turn_off(user=user, actor=by, action="user.two_factor.reset", at=at)
    return user


def _turn_off(*, user: User, actor: User, action: str, at: datetime) -> None:
    User.objects.filter(pk=user.pk).update(totp_secret="", totp_last_step=None)
    user.totp_secret, user.totp_last_step = "", None
    audit_record(
        actor=actor,
        action=action,
        object_type="user",
        object_id=user.pk,
        at=at,
        before={"two_factor": True},
        after={"two_factor": False, "username": user.username},
    )
