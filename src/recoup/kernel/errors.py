"""The base of every named domain error, so interfaces can turn any of them into a clear message."""


class DomainError(Exception):
    """A request that could not be carried out. `field` names the input at fault, when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
