"""The errors the statement import and the unapplied-cash queue raise; each names the input at fault."""

from recoup.kernel.errors import DomainError
from recoup.payments.statements.parsed import StatementFileRefused


class StatementError(DomainError):
    """Base for every error of bank statements."""


class MappingNotFound(StatementError):
    """No saved CSV column mapping has the name given."""


class LineNotFound(StatementError):
    """No statement line has the id given."""


class LineNotInQueue(StatementError):
    """The line is no longer unapplied: matched, applied, set aside or returned meanwhile."""


class InvalidLineAction(StatementError):
    """An agent's action with a missing or impossible value: account, amounts, reason."""


__all__ = [
    "InvalidLineAction",
    "LineNotFound",
    "LineNotInQueue",
    "MappingNotFound",
    "StatementError",
    "StatementFileRefused",
]
