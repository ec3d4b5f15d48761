"""Forms for arrangements, credits and approval decisions, read as typed for the operations to judge."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from django import forms

from recoup.collections.arrangements import ArrangementTerms
from recoup.collections.credits import CREDIT_REASONS
from recoup.collections.models import ArrangementKind, CreditKind
from recoup.web.refusals import RefusingForm, date_field, number_field


class ArrangementForm(RefusingForm):
    refusal_fields: ClassVar[Mapping[str, str | None]] = {
        "kind": "kind",
        "periods": "periods",
        "extra": "periods",
        "new_first_due_date": "new_due_date",
        "new_due_date": "new_due_date",
        "from_installment": "from_installment",
        "first_due_date": "new_due_date",
    }
    first_field = "kind"

    kind = forms.ChoiceField(label="Arrangement", choices=ArrangementKind.choices)
    periods = forms.IntegerField(
        label="Months (or installments)",
        required=False,
        min_value=1,
        max_value=120,
        help_text="A deferral's periods, or the installments an extension adds.",
    )
    new_due_date = date_field("New due date", required=False, help_text="For a due-date change.")
    from_installment = forms.IntegerField(
        label="From installment",
        required=False,
        min_value=1,
        help_text="Leave empty for the next installment not yet due.",
    )
    note = forms.CharField(
        label="Note", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def terms(self) -> ArrangementTerms:
        data = self.cleaned_data
        return ArrangementTerms(
            kind=data["kind"],
            periods=data.get("periods"),
            new_due_date=data.get("new_due_date"),
            from_installment=data.get("from_installment"),
        )


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
