"""The errors the compliance context raises; each names the input at fault in `field`."""

from recoup.kernel.errors import DomainError


class ComplianceError(DomainError):
    """Base for every compliance error."""


class UnknownChannel(ComplianceError):
    """A channel the gate does not know (call, sms, email, letter), or one with no opt-out."""


class UnknownPurpose(ComplianceError):
    """A purpose the gate does not know (collection, statutory_notice, callback)."""


class PolicyNotFound(ComplianceError):
    """No rule pack covers the account (each served country has a default, seeded with the tables)."""


class InvalidMoment(ComplianceError):
    """A moment that is not an ISO 8601 date and time with its UTC offset."""


class InvalidAttempt(ComplianceError):
    """A contact attempt with a missing or impossible value (direction, moment, source, phone)."""


class InvalidOptOut(ComplianceError):
    """An opt-out with a missing or impossible value (moment, source, address)."""


class OptOutNotFound(ComplianceError):
    """No opt-out in force has this id for this customer (field "opt_out_id")."""


class ContactNotPermitted(ComplianceError):
    """The gate refused the contact and the person recording it has not acknowledged every reason.

    `reasons` are the gate's words, to show with a box to tick; field "acknowledged_reasons".
    """

    def __init__(
        self, message: str, *, reasons: tuple[str, ...], field: str = "acknowledged_reasons"
    ) -> None:
        super().__init__(message, field=field)
        self.reasons = reasons


class InvalidContactPolicy(ComplianceError):
    """A rule pack with a missing or impossible value (a limit outside 1–99, an unknown country,
    jurisdiction, portfolio or collector, a vulnerable customer's limit above the standard one)."""


class ContactPolicyClash(ComplianceError):
    """Another rule pack already has this code (field "code") or this scope (field "scope")."""


class ContactPolicyNotFound(ComplianceError):
    """No stored rule pack has this id (field "pk")."""


class InvalidCourtOrder(ComplianceError):
    """A court order with a missing or impossible value (an unknown kind, a blank court or reference,
    a grant after the moment it is recorded, an expiry before the grant, a kind not of the account's
    country, a revocation without a reason or of an order already revoked)."""


class CourtOrderClash(ComplianceError):
    """The account already has this order in force on record (field "reference")."""


class CourtOrderNotFound(ComplianceError):
    """No court order of this account has this id (field "court_order_id")."""


class CourtOrderNotAllowed(ComplianceError):
    """The user's role may not record or revoke court orders (field "by")."""


class InvalidPlacement(ComplianceError):
    """A placement with a missing or impossible value (an unknown kind, a blank or too long agency, a
    placed date after the moment it is recorded or before the last of its kind was recalled, a recall
    without a reason, dated before the placement or after today, or of a placement already recalled)."""


class PlacementClash(ComplianceError):
    """The account is already placed with an agency of this kind (field "kind")."""


class PlacementNotFound(ComplianceError):
    """No placement of this account has this id (field "placement_id"), or none of this kind is open
    (field "kind")."""


class PlacementNotAllowed(ComplianceError):
    """The user's role may not place accounts or recall them (field "by")."""
