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


class ContactNotAllowed(CollectionsError):
    """The user's role may read contacts and promises but not record them (auditors)."""


class ArrangementNotAllowed(CollectionsError):
    """An arrangement that cannot be made: bad terms, the wrong role, or an account not open."""


class ApprovalNotAllowed(CollectionsError):
    """A decision on an approval request that cannot be made: the maker deciding their own request,
    an approver whose authority does not cover it, or a request already decided."""


class ApprovalNotFound(CollectionsError):
    """No approval request has this id."""


class WorkNotPermitted(CollectionsError):
    """The user's role may not do this with work or queues (agents take work; leaders manage queues)."""


class WorkItemNotFound(CollectionsError):
    """No work item has this id."""


class WorkNotRecorded(CollectionsError):
    """Work marked done before the agent recorded a contact on the account."""


class CreditNotAllowed(CollectionsError):
    """A credit or fee waiver that cannot be given: unknown kind or reason, nothing to give, wrong role."""


class EscalationNotAllowed(CollectionsError):
    """An escalation that cannot be raised or handled: unknown kind, missing detail, or the wrong role."""


class EscalationNotFound(CollectionsError):
    """No escalation (or no notice of the reader's) has this id."""


class EscalationTransitionNotAllowed(CollectionsError):
    """An escalation moved where its state machine does not go (a closed one acknowledged, say)."""
