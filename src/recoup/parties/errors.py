"""The errors the parties context raises; each names the input at fault when there is one."""

from recoup.kernel.errors import DomainError


class PartyError(DomainError, ValueError):
    """Base for the parties context's errors."""


class InvalidPhone(PartyError):
    pass


class InvalidPostalCode(PartyError):
    pass


class UnknownRegion(PartyError):
    pass


class UnsupportedCountry(PartyError):
    pass


class InvalidParty(PartyError):
    """A name, kind, date of birth, language or other detail of the party itself is unusable."""


class InvalidAddress(PartyError):
    pass


class InvalidEmail(PartyError):
    pass


class PhoneAlreadyRecorded(PartyError):
    pass


class PartyNotFound(PartyError):
    pass


class UnknownFlagKind(PartyError):
    pass


class InvalidFlag(PartyError):
    """A flag's detail, note or dates are unusable."""


class FlagAlreadySet(PartyError):
    pass


class FlagAlreadyCleared(PartyError):
    pass
