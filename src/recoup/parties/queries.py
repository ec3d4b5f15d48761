"""Reads for customers: plain frozen dataclasses for pages, the API and other contexts."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch

from recoup.access.models import User
from recoup.parties.errors import PartyNotFound
from recoup.parties.flag_details import flag_active_on
from recoup.parties.models import Address, Email, FlagKind, Party, PartyFlag, Phone
from recoup.parties.names import display_name, name_fold
from recoup.parties.phones import phone_digits_for_search, phone_display

# Fewer digits than this are more likely part of a name or a reference than a phone number.
PHONE_SEARCH_MIN_DIGITS = 6
_PHONE_PUNCTUATION = frozenset("+-(). ")


@dataclass(frozen=True)
class AddressView:
    id: int
    purpose: str
    line1: str
    line2: str
    city: str
    region: str
    postal_code: str
    country: str
    uk_nation: str
    time_zones: tuple[str, ...]
    is_primary: bool
    valid_from_date: date | None
    valid_to_date: date | None  # the last day it applied; None while current

    @property
    def current(self) -> bool:
        return self.valid_to_date is None

    @property
    def lines(self) -> tuple[str, ...]:
        """The address as it is written on an envelope in its country."""
        if self.country == "US":
            tail: tuple[str, ...] = (f"{self.city}, {self.region} {self.postal_code}",)
        else:  # Royal Mail: the town, the county if any, the postcode, each on its own line
            tail = (self.city, self.region, self.postal_code)
        return tuple(line for line in (self.line1, self.line2, *tail) if line)


@dataclass(frozen=True)
class PhoneView:
    id: int
    e164: str
    display: str  # national format in the customer's country, international otherwise
    kind: str
    is_primary: bool
    do_not_call: bool


@dataclass(frozen=True)
class FlagView:
    id: int
    kind: str
    label: str
    detail: str
    note: str
    set_date: date
    set_at: datetime
    set_by: str  # the user's name; empty when no user set it
    cleared_date: date | None
    cleared_at: datetime | None
    cleared_by: str
    until_date: date | None = None  # the last day it applies by itself (a standard Breathing Space)

    @property
    def active(self) -> bool:
        return self.cleared_at is None

    def active_on(self, on_date: date) -> bool:
        return flag_active_on(
            set_date=self.set_date,
            cleared_date=self.cleared_date,
            until_date=self.until_date,
            on_date=on_date,
        )


@dataclass(frozen=True)
class PartyView:
    id: int
    kind: str
    name: str  # as shown: "Given Family" or the business name
    given_name: str
    family_name: str
    business_name: str
    date_of_birth: date | None
    preferred_language: str
    # The customer's country: of the current primary home address, else of any current address.
    country: str
    # Current addresses (primary first), then former ones (most recently left first).
    addresses: tuple[AddressView, ...]
    phones: tuple[PhoneView, ...]  # primary first
    emails: tuple[str, ...]  # primary first
    flags: tuple[FlagView, ...]  # the history: every flag, active or cleared, in the order set
    # Every zone the customer's current addresses may be in, sorted.
    time_zones: tuple[str, ...]
    created_at: datetime

    @property
    def current_addresses(self) -> tuple[AddressView, ...]:
        return tuple(a for a in self.addresses if a.current)

    @property
    def active_flags(self) -> tuple[FlagView, ...]:
        return tuple(f for f in self.flags if f.active)


def _who(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _address_view(address: Address) -> AddressView:
    return AddressView(
        id=address.pk,
        purpose=address.purpose,
        line1=address.line1,
        line2=address.line2,
        city=address.city,
        region=address.region,
        postal_code=address.postal_code,
        country=address.country,
        uk_nation=address.uk_nation,
        time_zones=tuple(address.time_zones.split()),
        is_primary=address.is_primary,
        valid_from_date=address.valid_from_date,
        valid_to_date=address.valid_to_date,
    )


def _flag_view(flag: PartyFlag) -> FlagView:
    return FlagView(
        id=flag.pk,
        kind=flag.kind,
        label=FlagKind(flag.kind).label if flag.kind in FlagKind.values else flag.kind,
        detail=flag.detail,
        note=flag.note,
        set_date=flag.set_date,
        set_at=flag.set_at,
        set_by=_who(flag.set_by),
        cleared_date=flag.cleared_date,
        cleared_at=flag.cleared_at,
        cleared_by=_who(flag.cleared_by),
        until_date=flag.until_date,
    )


def _country(current: list[AddressView]) -> str:
    for address in current:
        if address.purpose == "home" and address.is_primary:
            return address.country
    return current[0].country if current else ""


def _party_view(party: Party) -> PartyView:
    every_address = [_address_view(a) for a in party.addresses.all()]
    current = [a for a in every_address if a.current]
    former = sorted(
        (a for a in every_address if not a.current),
        key=lambda a: (a.valid_to_date or date.min, a.id),
        reverse=True,
    )
    country = _country(current)
    return PartyView(
        id=party.pk,
        kind=party.kind,
        name=display_name(
            kind=party.kind,
            given_name=party.given_name,
            family_name=party.family_name,
            business_name=party.business_name,
        ),
        given_name=party.given_name,
        family_name=party.family_name,
        business_name=party.business_name,
        date_of_birth=party.date_of_birth,
        preferred_language=party.preferred_language,
        country=country,
        addresses=(*current, *former),
        phones=tuple(
            PhoneView(
                id=p.pk,
                e164=p.e164,
                display=phone_display(p.e164, country=country),
                kind=p.kind,
                is_primary=p.is_primary,
                do_not_call=p.do_not_call,
            )
            for p in party.phones.all()
        ),
        emails=tuple(e.address for e in party.emails.all()),
        flags=tuple(_flag_view(f) for f in party.flags.all()),
        time_zones=tuple(sorted({zone for a in current for zone in a.time_zones})),
        created_at=party.created_at,
    )


def party_views(party_ids: Iterable[int]) -> dict[int, PartyView]:
    """Several customers at once in five queries, however many there are; unknown ids are left out."""
    ids = sorted(set(party_ids))
    if not ids:
        return {}
    parties = Party.objects.filter(pk__in=ids).prefetch_related(
        Prefetch("addresses", queryset=Address.objects.order_by("-is_primary", "purpose", "id")),
        Prefetch("phones", queryset=Phone.objects.order_by("-is_primary", "id")),
        Prefetch("emails", queryset=Email.objects.order_by("-is_primary", "id")),
        Prefetch(
            "flags",
            queryset=PartyFlag.objects.select_related("set_by", "cleared_by").order_by("set_at", "id"),
        ),
    )
    return {party.pk: _party_view(party) for party in parties}


def flags_active(*, party_ids: Iterable[int], on_date: date) -> dict[int, tuple[FlagView, ...]]:
    """The flags that apply on `on_date` to each of `party_ids` (parties with none are left out), in
    the order set: set on or before that day, not yet cleared by then, not past their until date."""
    ids = sorted(set(party_ids))
    if not ids:
        return {}
    flags = (
        PartyFlag.objects.filter(party_id__in=ids, set_date__lte=on_date)
        .exclude(cleared_date__lte=on_date)
        .exclude(until_date__lt=on_date)
        .select_related("set_by", "cleared_by")
        .order_by("party_id", "set_at", "id")
    )
    active: dict[int, list[FlagView]] = {}
    for flag in flags:
        active.setdefault(flag.party_id, []).append(_flag_view(flag))
    return {party_id: tuple(views) for party_id, views in active.items()}


def party_view(party_id: int) -> PartyView:
    """One customer with their addresses, phones, emails and flags. Raises PartyNotFound."""
    view = party_views([party_id]).get(party_id)
    if view is None:
        raise PartyNotFound(f"party: no customer {party_id}", field="party")
    return view


def _prefix_successor(digits: str) -> str | None:
    """The smallest digit string above every string starting with `digits` ("1239" → "124")."""
    trimmed = digits.rstrip("9")
    if not trimmed:
        return None
    return trimmed[:-1] + str(int(trimmed[-1]) + 1)


def party_ids_matching(text: str, *, limit: int = 50) -> list[int]:
    """Customers whose email is `text`, whose phone ends with its digits, or whose name holds its words.

    Text with an "@" is an email, matched whole; text of digits and phone punctuation with at
    least six digits is a phone, matched on the end of the E.164 number (so "07911 123456",
    "+44 7911 123456" and "911 123456" all find +447911123456); anything else is a name, every
    word of which must appear in the name (accents and case ignored). Each search is served
    by an index: email and phone by B-tree (the phone one on reversed digits, so "ends with"
    is a range), names by a trigram index on PostgreSQL.
    """
    query = text.strip()
    if not query or limit <= 0:
        return []
    if "@" in query:
        emails = Email.objects.filter(address=query.lower())
        return list(emails.order_by("party_id").values_list("party_id", flat=True).distinct()[:limit])
    digits = phone_digits_for_search(query)
    if len(digits) >= PHONE_SEARCH_MIN_DIGITS and all(
        ch.isdigit() or ch in _PHONE_PUNCTUATION for ch in query
    ):
        reversed_digits = digits[::-1]
        phones = Phone.objects.filter(digits_reversed__gte=reversed_digits)
        upper = _prefix_successor(reversed_digits)
        if upper is not None:
            phones = phones.filter(digits_reversed__lt=upper)
        return list(phones.order_by("party_id").values_list("party_id", flat=True).distinct()[:limit])
    parties = Party.objects.all()
    for word in name_fold(query).split():
        parties = parties.filter(search_name__contains=word)
    return list(parties.order_by("search_name", "id").values_list("id", flat=True)[:limit])
