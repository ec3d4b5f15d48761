"""The form for logging a contact on an account, with the promise lines shown when the outcome is a
promise to pay. Amounts stay the text typed; contact_record reads them exactly in the account's
currency and names the line at fault, which is shown beside that line's input."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar

from django import forms

from recoup.collections.contacts import MAX_NOTES, MAX_PROMISE_PAYMENTS
from recoup.collections.models import Channel, Direction, Outcome
from recoup.compliance.errors import ContactNotPermitted
from recoup.kernel.errors import DomainError
from recoup.web.refusals import RefusingForm, choice_field, date_field, number_field

PROMISE_ROWS = 2  # promise lines offered at first; "Add a payment" offers one more, up to the limit
PROMISE_AMOUNT = "150.00"


def _rows(data: Mapping[str, Any] | None, *, add: bool) -> int:
    try:
        rows = int((data or {}).get("rows", PROMISE_ROWS))
    except (TypeError, ValueError):
        rows = PROMISE_ROWS
    return max(1, min(MAX_PROMISE_PAYMENTS, rows + (1 if add else 0)))


class ContactForm(RefusingForm):
    refusal_fields: ClassVar[Mapping[str, str | None]] = {
        "channel": "channel",
        "direction": "direction",
        "outcome": "outcome",
        "next_action_date": "next_action_date",
        "notes": "notes",
        "acknowledged_reasons": "acknowledge",
    }
    first_field = "channel"

    channel = choice_field("Channel", Channel.choices, initial=Channel.CALL)
    direction = choice_field("Direction", Direction.choices, initial=Direction.OUTBOUND)
    outcome = choice_field("Outcome", [("", "Choose…"), *Outcome.choices])
    next_action_date = date_field("Next action date", required=False)
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=MAX_NOTES,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    currency = forms.CharField(required=False, widget=forms.HiddenInput())
    # Shown with the contact gate's warning: the agent ticks it to record the contact anyway.
    acknowledge = forms.BooleanField(
        label="I have read the warning and record this contact anyway", required=False
    )
    rows = forms.IntegerField(required=False, widget=forms.HiddenInput())

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, add_row: bool = False, **kwargs: Any
    ) -> None:
        rows = _rows(data if data is not None else kwargs.get("initial"), add=add_row)
        if data is not None and add_row:
            data = {**data, "rows": str(rows)}
        super().__init__(data, **kwargs)
        self.promise_rows = rows
        # The reasons of the warning shown, sent back with the form as hidden inputs.
        listed = getattr(data, "getlist", None)
        self.gate_reasons: tuple[str, ...] = tuple(listed("gate_reasons")) if listed is not None else ()
        self.initial["rows"] = rows
        self._line_rows: list[int] = []
        for row in range(rows):
            self.fields[f"promise_{row}_date"] = date_field(f"Date of payment {row + 1}", required=False)
            self.fields[f"promise_{row}_amount"] = number_field(
                f"Amount of payment {row + 1}", example=PROMISE_AMOUNT, required=False
            )

    @property
    def currency_code(self) -> str:
        return str(self["currency"].value() or "")

    @property
    def shows_promise(self) -> bool:
        return self["outcome"].value() == Outcome.PROMISE

    @property
    def can_add_row(self) -> bool:
        return self.promise_rows < MAX_PROMISE_PAYMENTS

    def promise_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"promise_{row}_date"], self[f"promise_{row}_amount"]) for row in range(self.promise_rows)
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self._line_rows = []
        if data.get("outcome") != Outcome.PROMISE:
            return data
        for row in range(self.promise_rows):
            due, amount = f"promise_{row}_date", f"promise_{row}_amount"
            if due in self.errors or amount in self.errors:
                continue
            if data.get(due) and not data.get(amount):
                self.add_error(amount, "Enter the amount promised on this date.")
            elif data.get(amount) and not data.get(due):
                self.add_error(due, "Enter the date of this payment.")
            elif data.get(due):
                self._line_rows.append(row)
        return data

    def promise(self) -> list[tuple[date, int | str]] | None:
        """The dated amounts, as typed, when the outcome is a promise; blank lines left out."""
        if self.cleaned_data.get("outcome") != Outcome.PROMISE:
            return None
        data = self.cleaned_data
        return [(data[f"promise_{row}_date"], data[f"promise_{row}_amount"]) for row in self._line_rows]

    def acknowledged_reasons(self) -> tuple[str, ...]:
        """The warning's reasons when the agent ticked the box under it; () otherwise."""
        return self.gate_reasons if self.cleaned_data.get("acknowledge") else ()

    def warn(self, error: ContactNotPermitted) -> None:
        """Show the contact gate's warning with the box to tick; a tick given to an earlier warning
        with other reasons no longer counts."""
        ticked = bool(self.cleaned_data.get("acknowledge")) and set(error.reasons) <= set(self.gate_reasons)
        self.gate_reasons = error.reasons
        self.add_error(
            "acknowledge",
            "The contact gate refuses this contact now: tick the box to record it anyway."
            if not ticked
            else "The warning changed: read it again and tick the box.",
        )

    def refuse(self, error: DomainError) -> None:
        """Promise errors name lines counted among those given ("promise.1.amount"): shown beside
        the input of the form's line it came from."""
        parts = (error.field or "").split(".")
        if parts[0] != "promise":
            super().refuse(error)
            return
        if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(self._line_rows):
            row, name = self._line_rows[int(parts[1])], parts[2]
        else:
            row, name = (self._line_rows or [0])[0], "date"
        text = error.message.removeprefix(f"{error.field}: ").strip()
        self.add_error(f"promise_{row}_{name}", text[:1].upper() + text[1:].rstrip(".") + ".")
