from recoup.kernel.errors import DomainError


class NotPermitted(DomainError):
    """The signed-in user's role may not do this."""
