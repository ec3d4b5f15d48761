"""The errors the payments context raises; each names the input at fault."""

from recoup.kernel.errors import DomainError


class PaymentsError(DomainError):
    """A payment that could not be taken or recorded."""


class PaymentNotAllowed(PaymentsError):
    """The user's role may not take payments (field "taken_by")."""


class InvalidPayment(PaymentsError):
    """Bad input: an amount, a channel, a reference holding a card number, an unknown token."""


class PaymentConflict(PaymentsError):
    """A request key already used for a different payment (field "request_key")."""


class IdempotencyKeyReused(PaymentsError):
    """An API idempotency key sent again with a different request (field "Idempotency-Key")."""
