from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from recoup.kernel import clock
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
        throttle.sign_in_succeeded(username)
        return cleaned


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, strip=True)
