"""The errors of the debit file formats: bad bank details, a file that cannot be read or written."""

from __future__ import annotations

from recoup.kernel.errors import DomainError


class BankDetailsInvalid(DomainError):
    """A routing number, sort code or account number that is not one; `field` names it."""


class DebitFileRefused(DomainError):
    """A scheme file cannot be read: `file` names it, `location` the line ("line 14") or element
    ("ReturnedDebitItem[2]/@valueOf") at fault, and the message gives the reason. Nothing from it is used."""

    def __init__(self, reason: str, *, file: str, location: str | None = None) -> None:
        where = f"{file}, {location}" if location else file
        super().__init__(f"{where}: {reason}", field=location)
        self.file = file
        self.location = location
        self.reason = reason


class DebitFileUnwritable(DomainError, ValueError):
    """What was asked cannot be written into the scheme's file: a name too long for its field, an
    amount past the field's digits, a code the scheme has not got. `field` names the input."""
