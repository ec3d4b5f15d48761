"""The errors the reports raise; each names the input at fault."""

from recoup.kernel.errors import DomainError


class ReportInputInvalid(DomainError):
    """A report was asked for with input it cannot read: a date that is not a date, an unknown key."""


class DateNotClosed(DomainError):
    """The business date asked for has not been through a close of business."""


class PeriodInvalid(DomainError):
    """The two dates of a period are the wrong way round."""
