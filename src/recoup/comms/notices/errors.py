"""The errors the notices context raises; each names the input at fault in `field`. No Django here,
so the pure rules raise them too."""

from recoup.kernel.errors import DomainError


class NoticeError(DomainError):
    """Base for every notices error."""


class NoticeNotAllowed(NoticeError):
    """A notice the law's clock does not allow yet, or no longer: sent before the right arises, a
    disposition too soon after the notice, a right to cure already used."""


class NoticeContentMissing(NoticeError):
    """A notice lacking an element the law requires; `field` names the element."""


class NoticeNotFound(NoticeError):
    """No notice has this id."""


class UnknownNoticeKind(NoticeError):
    """A notice kind, method or jurisdiction the rules do not know."""
