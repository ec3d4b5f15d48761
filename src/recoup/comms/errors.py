"""The errors the comms context raises; each names the input at fault in `field`."""

from recoup.kernel.errors import DomainError


class CommsError(DomainError):
    """Base for every comms error."""


class TemplateNotFound(CommsError):
    """No template has this code on this channel, or it has no published version."""


class InvalidTemplate(CommsError):
    """A template version that cannot be published: bad syntax, a tag or filter outside the
    allow-list, an unknown merge field (named), or an empty body."""


class MissingMergeField(CommsError):
    """A send whose template needs a field the caller's context did not give."""


class NoAddress(CommsError):
    """The customer has no email address, mobile number or postal address to send to."""


class ContactNotPermitted(CommsError):
    """The contact gate refused the send; `reasons` says why.

    Automated sends raise it whenever the gate refuses; a person's send raises it until they have
    acknowledged every reason the gate gave.
    """

    def __init__(self, message: str, *, reasons: tuple[str, ...], field: str | None = "acknowledged_reasons"):
        super().__init__(message, field=field)
        self.reasons = reasons


class SendNotAllowed(CommsError):
    """The user's role may not send to customers (auditors read only)."""


class SentItemNotFound(CommsError):
    """No item sent has this id, or it has no PDF."""


class InvalidOptOut(CommsError):
    """An unsubscribe link whose signature does not check out, or an inbound SMS from an unknown number."""


class InvalidLetterRun(CommsError):
    """A letter run asked with impossible settings (an unknown treatment or template)."""


class DeliveryFailed(CommsError):
    """The provider would not take the message (the SMTP relay down or refusing it): nothing was
    recorded as sent, and the send may be tried again (field "channel")."""
