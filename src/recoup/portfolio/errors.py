"""What the portfolio context refuses, each naming the input at fault."""

from recoup.kernel.errors import DomainError


class InvalidApplication(DomainError):
    """A contract application that cannot be booked as given."""


class AccountNotFound(DomainError):
    pass


class ScheduleVersionNotFound(DomainError):
    pass


class ModificationNotAllowed(DomainError):
    pass


class RevealNotAllowed(DomainError):
    """Personal data the reader's role may not reveal, or that is not on this account."""
