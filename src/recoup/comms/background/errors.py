"""The errors of background work; each names the input at fault in `field`."""

from recoup.kernel.errors import DomainError


class BackgroundError(DomainError):
    """Base for every background-work error."""


class InvalidSchedule(BackgroundError):
    """A schedule setting is not usable (field: the setting)."""


class BackgroundNotAllowed(BackgroundError):
    """The user's role may not do this (field "role")."""
