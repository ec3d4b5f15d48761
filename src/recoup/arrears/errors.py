"""The errors the arrears context raises; each names the input at fault in `field`."""

from recoup.kernel.errors import DomainError


class ArrearsError(DomainError):
    """Base for every arrears error."""


class CatchUpTooLong(ArrearsError):
    """A close of business asked to catch up more days than an operator would mean to."""


class CloseGoesBack(ArrearsError):
    """A close of business asked for a date before the last one closed, which it never was."""
