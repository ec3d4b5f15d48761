"""Forms for arrangements, credits and approval decisions, read as typed for the operations to judge."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms

from recoup.collections.arrangements import ArrangementTerms
from recoup.collections.credits import CREDIT_REASONS
from recoup.collections.models import ArrangementKind, CreditKind
from recoup.kernel.errors import DomainError
from recoup.web.refusals import RefusingForm, date_field, number_field

SETTLEMENT_LINES = 3  # dated amounts offered for a settlement; blank lines are left out


class ArrangementForm(RefusingForm):
    refusal_fields: ClassVar[Mapping[str, str | None]] = {
        "kind": "kind",
        "periods": "periods",
        "extra": "periods",
        "new_first_due_date": "new_due_date",
        "new_due_date": "new_due_date",
        "from_installment": "from_installment",
        "first_due_date": "new_due_date",
        "amount": "amount",
        "first_date": "first_date",
        "payments": "payment_0_amount",
    }
    first_field = "kind"

    kind = forms.ChoiceField(label="Arrangement", choices=ArrangementKind.choices)
    periods = forms.IntegerField(
        label="Months (or installments)",
        required=False,
        min_value=1,
        max_value=120,
        help_text="A deferral's periods, the installments an extension adds, or a plan's monthly payments.",
    )
    new_due_date = date_field("New due date", required=False, help_text="For a due-date change.")
    from_installment = forms.IntegerField(
        label="From installment",
        required=False,
        min_value=1,
        help_text="Leave empty for the next installment not yet due.",
    )
    amount = number_field(
        "Payment a month", example="150.00", required=False, help_text="For a reduced-payment plan."
    )
    first_date = date_field("First payment", required=False, help_text="For a reduced-payment plan.")
    note = forms.CharField(
        label="Note", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in range(SETTLEMENT_LINES):
            self.fields[f"payment_{row}_amount"] = number_field(
                f"Settlement amount {row + 1}", example="7000.00", required=False
            )
            self.fields[f"payment_{row}_date"] = date_field(f"Paid by {row + 1}", required=False)

    def settlement_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"payment_{row}_amount"], self[f"payment_{row}_date"]) for row in range(SETTLEMENT_LINES)
        ]

    @property
    def _line_rows(self) -> list[int]:
        data = self.cleaned_data
        return [
            row
            for row in range(SETTLEMENT_LINES)
            if data.get(f"payment_{row}_amount") or data.get(f"payment_{row}_date")
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ArrangementKind.SETTLEMENT:
            for row in self._line_rows:
                if not data.get(f"payment_{row}_date"):
                    self.add_error(f"payment_{row}_date", "Enter the date this amount is paid by.")
                if not data.get(f"payment_{row}_amount"):
                    self.add_error(f"payment_{row}_amount", "Enter the amount paid by this date.")
        return data

    def terms(self) -> ArrangementTerms:
        data = self.cleaned_data
        settlement = data["kind"] == ArrangementKind.SETTLEMENT
        return ArrangementTerms(
            kind=data["kind"],
            periods=data.get("periods"),
            new_due_date=data.get("new_due_date"),
            from_installment=data.get("from_installment"),
            amount=data.get("amount") or None,
            first_date=data.get("first_date"),
            payments=tuple(
                (data[f"payment_{row}_date"], data[f"payment_{row}_amount"]) for row in self._line_rows
            )
            if settlement
            else (),
        )

    def refuse(self, error: DomainError) -> None:
        """A settlement line's error ("payments.1.date", counting the lines given) beside its input."""
        parts = (error.field or "").split(".")
        if len(parts) != 3 or parts[0] != "payments" or not parts[1].isdigit():
            super().refuse(error)
            return
        rows = self._line_rows
        index = int(parts[1])
        row = rows[index] if index < len(rows) else 0
        text = error.message.removeprefix(f"{error.field}: ")
        self.add_error(f"payment_{row}_{parts[2]}", text[:1].upper() + text[1:].rstrip(".") + ".")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    note = forms.CharField(required=False, max_length=500)


class CreditForm(RefusingForm):
    refusal_fields: ClassVar[Mapping[str, str | None]] = {
        "kind": "kind",
        "amount": "amount",
        "reason": "reason",
    }
    first_field = "kind"

    kind = forms.ChoiceField(label="Kind", choices=CreditKind.choices)
    amount = number_field("Amount", example="25.00")
    reason = forms.ChoiceField(label="Reason", choices=list(CREDIT_REASONS.items()))
    note = forms.CharField(
        label="Note", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
