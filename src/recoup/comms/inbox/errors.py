"""The errors the collections inbox raises; each names the input at fault in `field`."""

from recoup.kernel.errors import DomainError


class InboxError(DomainError):
    """Base for every inbox error."""


class MailboxNotConfigured(InboxError):
    """The mailbox settings in the environment are incomplete or wrong (field: the variable)."""


class MailboxUnavailable(InboxError):
    """The IMAP server could not be reached, refused the login or has no such folder."""


class InboxItemNotFound(InboxError):
    """No inbox item, message or attachment has this id."""


class InboxNotAllowed(InboxError):
    """The user's role may not do this in the inbox (field "role")."""


class InboxTransitionNotAllowed(InboxError):
    """The item is not in a state that allows this (linking an item already linked, answering one closed)."""
