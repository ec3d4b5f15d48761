"""The errors the debits context raises; each names the input at fault in `field`."""

from recoup.kernel.errors import DomainError
from recoup.payments.debits.formats.errors import BankDetailsInvalid, DebitFileRefused, DebitFileUnwritable

__all__ = [
    "BankDetailsInvalid",
    "DebitFileRefused",
    "DebitFileUnwritable",
    "DebitRunRefused",
    "DebitsError",
    "MandateInvalid",
    "OriginatorInvalid",
    "OriginatorNotFound",
]


class DebitsError(DomainError):
    """Base for every debits error."""


class OriginatorInvalid(DebitsError):
    """An originator (ACH company or Bacs service user) with a missing or impossible detail."""


class OriginatorNotFound(DebitsError):
    """No originator has this code."""


class MandateInvalid(DebitsError):
    """A mandate that cannot be recorded: an unknown account, the wrong scheme for its country, a
    missing authorization detail, a reference already used."""


class DebitRunRefused(DebitsError):
    """A debit run that cannot be made, such as one for a collection date already past."""
