"""The errors the ledger raises; each names the input at fault in `field`."""

from recoup.kernel.errors import DomainError
from recoup.kernel.money import CurrencyMismatch


class LedgerError(DomainError):
    """Base for every ledger error."""


class InvalidPolicy(LedgerError):
    """A waterfall policy that cannot be followed."""


class NonPositiveAmount(LedgerError):
    """An amount that must be above zero was zero or negative."""


class NegativeAmount(LedgerError):
    """An amount that may be zero but never below it was negative."""


class ZeroAmount(LedgerError):
    """A journal line of zero: it would say nothing."""


class EmptyEntry(LedgerError):
    """A journal entry without lines."""


class UnbalancedEntry(LedgerError):
    """Debits and credits of an entry differ in some currency."""


class CurrencyNotOfBook(LedgerError, CurrencyMismatch):
    """An amount in a currency other than the contract's book."""


class UnknownAccount(LedgerError):
    """A line names an account code the chart does not have."""


class InvalidInstallment(LedgerError):
    """An installment number that is not a positive whole number."""


class InvalidReasonCode(LedgerError):
    """Every entry says why it was made; this one did not, or not legibly."""


class InvalidIdempotencyKey(LedgerError):
    """An empty or over-long idempotency key."""


class IdempotencyConflict(LedgerError):
    """The idempotency key was already used for a different request."""


class AlreadyReversed(LedgerError):
    """An entry or receipt is reversed at most once."""


class EntryBelongsToReceipt(LedgerError):
    """A receipt's allocation is unwound by reversing the receipt, so later receipts replay."""


class BookNotFound(LedgerError):
    """No ledger book has been opened for the contract."""


class InvalidContractId(LedgerError):
    """A contract id that is not a positive whole number."""


class BookConflict(LedgerError):
    """A book is already open for the contract with another currency or policy."""


class NaiveDatetime(LedgerError):
    """A moment without a time zone: the ledger stores UTC and will not guess."""


class InvalidReference(LedgerError):
    """A receipt reference that is too long."""


class WrongBook(LedgerError):
    """Something of one contract's book offered to another's."""


class CreditTooLarge(LedgerError):
    """A credit or fee waiver larger than what it could reduce (the fees due, or the balance)."""


class InvalidCreditKind(LedgerError):
    """A credit that is neither a fee waiver nor a credit to the balance."""
