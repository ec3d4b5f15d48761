"""Forms that read what a person typed for one operation, and show what the operation refuses.

The forms only parse raw text: amounts and rates stay text (never a float) and reach the operation
as typed; dates and whole numbers are read as such. The operation checks everything else, and its
DomainError, naming an input such as "vehicle.vin", is shown beside the field for that input.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError

from recoup.kernel.errors import DomainError

# Only what is not written as a plain number is refused here (letters, exponents, a comma in the
# wrong place, more whole digits than any contract needs); the operation names everything else.
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d*)(\.\d*)?%?$")
_MAX_WHOLE_DIGITS = 12
AMOUNT, RATE, FACTOR = "15000 or 15,000.00", "7.9", "0.00125"


def plain_number(example: str) -> Callable[[str], None]:
    """A validator refusing text that is not a plain decimal number, suggesting `example` instead."""

    def check(value: str) -> None:
        whole_digits = sum(ch.isdigit() for ch in value.split(".", 1)[0])
        has_digits = any(ch.isdigit() for ch in value)
        if not _PLAIN_NUMBER.match(value) or not has_digits or whole_digits > _MAX_WHOLE_DIGITS:
            raise ValidationError(f"Enter a number such as {example}.", code="number")

    return check


def number_field(label: str, *, example: str, required: bool = True, help_text: str = "") -> forms.CharField:
    """An amount or a rate, kept as the text typed."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=24,
        help_text=help_text,
        validators=[plain_number(example)],
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "class": "input-number"}
        ),
    )


def text_field(
    label: str,
    *,
    required: bool = True,
    max_length: int = 200,
    help_text: str = "",
    attrs: dict[str, str] | None = None,
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs),
    )


def choice_field(label: str, choices: Sequence[tuple[str, Any]], **kwargs: Any) -> forms.CharField:
    """A drop-down whose value is handed on as text, so that the operation names a value it does not know."""
    return forms.CharField(label=label, widget=forms.Select(choices=choices), **kwargs)


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."


class RefusingForm(forms.Form):
    """A form that shows a domain error beside the input it names, and focuses the first input to fix.

    `refusal_fields` maps the names an operation gives its inputs to this form's fields; None stands
    for an input the form has no field for. An error naming no field here is shown above the form.
    """

    refusal_fields: ClassVar[Mapping[str, str | None]] = {}
    first_field: ClassVar[str]

    def refuse(self, error: DomainError) -> None:
        name = error.field or ""
        if name in self.refusal_fields:
            text = error.message.removeprefix(f"{name}: ")
            self.add_error(self.refusal_fields[name], _sentence(text))
        else:
            self.add_error(None, _sentence(error.message))

    def focus(self, *, first: bool = True) -> None:
        """Autofocus the first input in error; with none in error, the first input if `first`."""
        wrong = [name for name in self.fields if name in self.errors]
        if wrong or first:
            self.fields[wrong[0] if wrong else self.first_field].widget.attrs["autofocus"] = True
