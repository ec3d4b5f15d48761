"""The schedule calculator's form: terms as typed, for Quote.parse to read and name what is wrong."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms

from recoup.kernel.money import CURRENCY_EXPONENTS, Rounding
from recoup.portfolio.daycount import DayCount
from recoup.portfolio.schedules import Frequency
from recoup.web.refusals import AMOUNT, FACTOR, RATE, RefusingForm, choice_field, number_field

LOAN, LEASE = "loan", "lease"
# The names Quote.parse gives the terms it reads; the calculator's fields carry the same names.
QUOTE_INPUTS = (
    "principal",
    "apr",
    "term",
    "start",
    "first_due",
    "balloon",
    "residual",
    "money_factor",
    "day_count",
    "rounding",
    "frequency",
    "currency",
)


class QuoteForm(RefusingForm):
    """Each term goes to Quote.parse as the text typed (dates and term too), so the engine names faults."""

    refusal_fields: ClassVar[Mapping[str, str | None]] = {
        **{name: name for name in QUOTE_INPUTS},
        "payment": None,  # a payment that cannot work follows from the terms together
    }
    first_field = "principal"
    INITIAL: ClassVar[dict[str, str]] = {
        "mode": LOAN,
        "frequency": Frequency.MONTHLY.value,
        "currency": "USD",
        "day_count": DayCount.THIRTY_360.value,
        "rounding": Rounding.HALF_UP.value,
    }
    MISSING: ClassVar[dict[str, str]] = {
        "apr": "Enter the APR.",
        "residual": "Enter the residual value.",
        "money_factor": "Enter the money factor.",
    }

    mode = forms.ChoiceField(
        label="Kind",
        choices=[(LOAN, "Loan (APR)"), (LEASE, "Lease (money factor)")],
        required=False,
        widget=forms.RadioSelect,
    )
    principal = number_field("Amount financed", example=AMOUNT, help_text="A lease’s capitalised cost.")
    apr = number_field("APR (%)", example=RATE, required=False)
    residual = number_field(
        "Residual", example=AMOUNT, required=False, help_text="What the vehicle is worth at the end."
    )
    money_factor = number_field("Money factor", example=FACTOR, required=False)
    term = forms.CharField(
        label="Term",
        max_length=6,
        help_text="Number of installments.",
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "class": "input-number"}
        ),
    )
    frequency = choice_field("Frequency", [(f.value, f.value.capitalize()) for f in Frequency])
    start = forms.CharField(
        label="Start date",
        help_text="Interest runs from this day.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    first_due = forms.CharField(label="First due date", widget=forms.DateInput(attrs={"type": "date"}))
    balloon = number_field(
        "Balloon", example=AMOUNT, required=False, help_text="Final payment left over; blank for none."
    )
    currency = choice_field("Currency", [(code, code) for code in CURRENCY_EXPONENTS])
    day_count = choice_field("Day count", [(d.value, d.value) for d in DayCount])
    rounding = choice_field("Rounding", [(r.value, r.value.capitalize()) for r in Rounding])

    @property
    def is_lease(self) -> bool:
        return self.data.get("mode") == LEASE

    def clean(self) -> dict[str, Any]:
        super().clean()
        for name in ("residual", "money_factor") if self.is_lease else ("apr",):
            if name not in self.errors and not self.cleaned_data.get(name):
                self.add_error(name, self.MISSING[name])
        return self.cleaned_data

    def terms(self) -> dict[str, Any]:
        """The keyword arguments for Quote.parse; a lease takes no APR or balloon, a loan no residual."""
        data = self.cleaned_data
        lease = self.is_lease
        return {
            "principal": data["principal"],
            "term": data["term"],
            "start": data["start"],
            "first_due": data["first_due"],
            "currency": data["currency"],
            "apr": None if lease else data["apr"],
            "day_count": data["day_count"],
            "rounding": data["rounding"],
            "balloon": "0" if lease else data["balloon"] or "0",
            "frequency": data["frequency"],
            "lease": lease,
            "residual": data["residual"] if lease else None,
            "money_factor": data["money_factor"] if lease else None,
        }
