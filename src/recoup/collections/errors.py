"""The errors the collections context raises; each names the input at fault in `field`."""

from recoup.kernel.errors import DomainError


class CollectionsError(DomainError):
    """Base for every collections error."""


class InvalidContact(CollectionsError):
    """A contact record with a missing or impossible value (channel, outcome, date, notes)."""


class InvalidPromise(CollectionsError):
    """A promise to pay with no amounts, a non-positive amount, a date in the past or two on one day."""


class NothingToWork(CollectionsError):
    """Get next found no workable account in the agent's queues."""


class WorkItemNotHeld(CollectionsError):
    """The agent does not hold this work item (it was released, timed out or taken by someone else)."""


class InvalidStrategy(CollectionsError):
    """A strategy whose rules name an unknown condition or an impossible value."""


class QueueNotFound(CollectionsError):
    """No queue has this code."""
