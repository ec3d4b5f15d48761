from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from recoup.access.models import User
from recoup.access.two_factor import WrongCode, two_factor_check
from recoup.kernel import clock
from recoup.kernel.errors import DomainError
from recoup.web import throttle


def _locked_message(until: datetime) -> str:
    minutes = max(1, math.ceil((until - clock.now()).total_seconds() / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return (
        "Too many failed sign-in attempts for this username. "
        f"Sign-in is locked for {minutes} {unit}; try again later or ask an administrator."
    )


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing a username that has failed too often of late."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That username and password do not match. Check them and try again.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if username:
            until = throttle.sign_in_locked_until(username)
            if until is not None:
                raise ValidationError(_locked_message(until), code="locked")
        try:
            cleaned = super().clean()
        except ValidationError as error:
            if username and error.code == "invalid_login":
                until = throttle.sign_in_failed(username)
                if until is not None:
                    raise ValidationError(_locked_message(until), code="locked") from error
            raise
        # With a second factor on, the failures are forgotten only once the code is right too: a
        # password alone must not reset the count of wrong codes.
        user = self.get_user()
        if not (isinstance(user, User) and user.totp_secret):
            throttle.sign_in_succeeded(username)
        return cleaned


def _code_field() -> forms.CharField:
    return forms.CharField(
        label="Code",
        max_length=12,
        strip=True,
        help_text="The six digits your authenticator app shows now.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class SignInCodeForm(forms.Form):
    """The second step of signing in: the code, checked once, wrong codes counted like wrong passwords."""

    code = _code_field()

    def __init__(self, *args: Any, user: User, username: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.username = username
        self.locked = False

    def clean(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        code = cleaned.get("code")
        if code is None:
            return cleaned
        until = throttle.sign_in_locked_until(self.username)
        if until is not None:
            self.locked = True
            raise ValidationError(_locked_message(until), code="locked")
        try:
            two_factor_check(user=self.user, code=code, at=clock.now())
        except WrongCode as error:
            until = throttle.sign_in_failed(self.username)
            if until is not None:
                self.locked = True
                raise ValidationError(_locked_message(until), code="locked") from error
            self.add_error("code", error.message.removeprefix("code: "))
            return cleaned
        throttle.sign_in_succeeded(self.username)
        return cleaned


class TwoFactorCodeForm(forms.Form):
    """A current code, to turn the second factor on or off."""

    code = _code_field()

    def refuse(self, error: DomainError) -> None:
        if error.field == "code":
            self.add_error("code", error.message.removeprefix("code: "))
        else:
            self.add_error(None, error.message)


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, strip=True)
