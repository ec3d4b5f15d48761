"""Writes for customers: creating them, their addresses and phones, and the flags on them.

Every operation checks all of its input (see inputs.py) before it writes anything, writes
in one transaction and leaves an audit row in the same transaction.
"""

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction

from recoup.access.models import User
from recoup.access.operations import audit_record
from recoup.parties.errors import (
    FlagAlreadyCleared,
    FlagAlreadySet,
    InvalidAddress,
    InvalidFlag,
    PhoneAlreadyRecorded,
    UnknownFlagKind,
)
from recoup.parties.flag_details import detail_normalised, until_default
from recoup.parties.inputs import (
    AddressInput,
    PhoneInput,
    ValidAddress,
    address_validated,
    customer_validated,
    moment_check,
    phone_kind_check,
)
from recoup.parties.models import Address, Email, FlagKind, Party, PartyFlag, Phone
from recoup.parties.names import search_name
from recoup.parties.phones import phone_normalise

__all__ = [
    "AddressInput",
    "PhoneInput",
    "address_add",
    "customer_create",
    "party_flag_clear",
    "party_flag_set",
    "phone_add",
]


def _address_model(address: ValidAddress, *, party: Party, valid_from_date: date | None = None) -> Address:
    return Address(party=party, valid_from_date=valid_from_date, **asdict(address))


def _address_summary(address: Address | ValidAddress) -> dict[str, Any]:
    return {
        "purpose": address.purpose,
        "line1": address.line1,
        "line2": address.line2,
        "city": address.city,
        "region": address.region,
        "postal_code": address.postal_code,
        "country": address.country,
        "uk_nation": address.uk_nation,
        "time_zones": address.time_zones,
        "is_primary": address.is_primary,
    }


def _phone_model(*, party: Party, e164: str, kind: str, is_primary: bool) -> Phone:
    return Phone(party=party, e164=e164, digits_reversed=e164[:0:-1], kind=kind, is_primary=is_primary)


def customer_create(
    *,
    kind: str,
    given_name: str = "",
    family_name: str = "",
    business_name: str = "",
    date_of_birth: date | None = None,
    preferred_language: str = "en",
    addresses: Sequence[AddressInput] = (),
    phones: Sequence[PhoneInput] = (),
    emails: Sequence[str] = (),
    at: datetime,
    created_by: User | None = None,
) -> Party:
    """Record a new customer with their addresses, phones and emails.

    Addresses get their time zones (and, in the UK, their nation) from where they are;
    phones are stored in E.164, national numbers read as the first address's country;
    the first email is the primary one. Nothing is written unless all of it is valid.

    Raises InvalidParty, InvalidAddress, UnknownRegion, InvalidPostalCode, InvalidPhone,
    InvalidEmail — each naming its field, such as "family_name", "addresses[0].postal_code",
    "phones[1].number" or "emails[0]".
    """
    customer = customer_validated(
        kind=kind,
        given_name=given_name,
        family_name=family_name,
        business_name=business_name,
        date_of_birth=date_of_birth,
        preferred_language=preferred_language,
        addresses=addresses,
        phones=phones,
        emails=emails,
        at=at,
    )
    with transaction.atomic():
        party = Party.objects.create(
            kind=customer.kind,
            given_name=customer.given_name,
            family_name=customer.family_name,
            business_name=customer.business_name,
            date_of_birth=customer.date_of_birth,
            preferred_language=customer.preferred_language,
            search_name=search_name(
                kind=customer.kind,
                given_name=customer.given_name,
                family_name=customer.family_name,
                business_name=customer.business_name,
            ),
            created_at=at,
        )
        Address.objects.bulk_create([_address_model(a, party=party) for a in customer.addresses])
        Phone.objects.bulk_create(
            [
                _phone_model(party=party, e164=p.e164, kind=p.kind, is_primary=p.is_primary)
                for p in customer.phones
            ]
        )
        Email.objects.bulk_create(
            [Email(party=party, address=e, is_primary=i == 0) for i, e in enumerate(customer.emails)]
        )
        after = asdict(customer)
        after["date_of_birth"] = customer.date_of_birth.isoformat() if customer.date_of_birth else None
        audit_record(
            actor=created_by,
            action="party.create",
            object_type="party",
            object_id=party.pk,
            at=at,
            after=after,
        )
    return party


def _party_country(party: Party) -> str:
    """The customer's country: that of their current primary home address, else of any current one."""
    rows = list(
        Address.objects.filter(party=party, valid_to_date__isnull=True)
        .order_by("id")
        .values_list("country", "purpose", "is_primary")
    )
    for country, purpose, is_primary in rows:
        if purpose == "home" and is_primary:
            return country
    return rows[0][0] if rows else ""


def _party_lock(party: Party) -> None:
    """Serialise writers to one customer's phones, addresses and flags (SQLite serialises all writers)."""
    Party.objects.select_for_update().only("pk").get(pk=party.pk)


def phone_add(
    *,
    party: Party,
    number: str,
    kind: str = "mobile",
    is_primary: bool = False,
    at: datetime,
    added_by: User | None,
) -> Phone:
    """Add a phone to a customer; a national number is read as the customer's country's.

    A new primary phone takes over from the old one, which stays on record.
    Raises InvalidPhone naming "number" or "kind", PhoneAlreadyRecorded.
    """
    moment_check(at)
    e164 = phone_normalise(number, country=_party_country(party), field="number")
    phone_kind = phone_kind_check(kind, field="kind")
    with transaction.atomic():
        _party_lock(party)
        if Phone.objects.filter(party=party, e164=e164).exists():
            raise PhoneAlreadyRecorded(
                f"number: {number!r} is already recorded for this customer", field="number"
            )
        if is_primary:
            Phone.objects.filter(party=party, is_primary=True).update(is_primary=False)
        phone = _phone_model(party=party, e164=e164, kind=phone_kind, is_primary=is_primary)
        phone.save()
        audit_record(
            actor=added_by,
            action="party.phone_add",
            object_type="party",
            object_id=party.pk,
            at=at,
            after={"e164": e164, "kind": phone_kind, "is_primary": is_primary},
        )
    return phone


def address_add(
    *, party: Party, address: AddressInput, from_date: date, at: datetime, added_by: User | None
) -> Address:
    """Add an address that applies from `from_date`.

    A new primary address replaces the current primary one of the same purpose, which
    stays as history with `valid_to_date` the day before `from_date`.
    Raises InvalidAddress, UnknownRegion, InvalidPostalCode (naming "postal_code" and so on),
    InvalidAddress naming "from_date" when it would end the old address before it began.
    """
    moment_check(at)
    valid = address_validated(address)
    with transaction.atomic():
        _party_lock(party)
        replaced = None
        if valid.is_primary:
            replaced = (
                Address.objects.select_for_update()
                .filter(party=party, purpose=valid.purpose, is_primary=True, valid_to_date__isnull=True)
                .first()
            )
        before = None
        if replaced is not None:
            last_day = from_date - timedelta(days=1)
            if replaced.valid_from_date is not None and last_day < replaced.valid_from_date:
                raise InvalidAddress(
                    f"from_date: {from_date.isoformat()} is before the current address began "
                    f"({replaced.valid_from_date.isoformat()})",
                    field="from_date",
                )
            before = {"replaced": replaced.pk, **_address_summary(replaced)}
            replaced.valid_to_date = last_day
            replaced.save(update_fields=["valid_to_date"])
        created = _address_model(valid, party=party, valid_from_date=from_date)
        created.save()
        audit_record(
            actor=added_by,
            action="party.address_add",
            object_type="party",
            object_id=party.pk,
            at=at,
            before=before,
            after={"from_date": from_date.isoformat(), **_address_summary(valid)},
        )
    return created


def _flag_summary(flag: PartyFlag) -> dict[str, Any]:
    return {
        "flag": flag.pk,
        "kind": flag.kind,
        "detail": flag.detail,
        "set_date": flag.set_date.isoformat(),
        "until_date": flag.until_date.isoformat() if flag.until_date else None,
        "cleared_date": flag.cleared_date.isoformat() if flag.cleared_date else None,
        "note": flag.note,
    }


def party_flag_set(
    *,
    party: Party,
    kind: str,
    set_date: date,
    at: datetime,
    set_by: User | None,
    detail: str = "",
    note: str = "",
    until_date: date | None = None,
) -> PartyFlag:
    """Flag a customer (vulnerability, bankruptcy, deceased, military, breathing space, …) from `set_date`.

    A Breathing Space's detail is "standard" or "mental_health_crisis" (a standard one lasts 60 days
    unless `until_date` says otherwise); a vulnerability's detail names its drivers (see
    flag_details). A flag of the same kind whose until date passed before `set_date` is cleared
    first, so that a new Breathing Space can follow an old one.

    Raises UnknownFlagKind, FlagAlreadySet (a flag of that kind is active), InvalidFlag naming
    "detail" or "until_date".
    """
    moment_check(at)
    if kind not in FlagKind.values:
        raise UnknownFlagKind(f"kind: {kind!r} is not one of {', '.join(FlagKind.values)}", field="kind")
    detail_text, problem = detail_normalised(kind, detail)
    if problem:
        raise InvalidFlag(problem, field="detail")
    if len(detail_text) > 200:
        raise InvalidFlag(f"detail: at most 200 characters, {len(detail_text)} given", field="detail")
    until = until_date if until_date is not None else until_default(kind, detail_text, set_date)
    if until is not None and until < set_date:
        raise InvalidFlag(
            f"until_date: {until.isoformat()} is before the flag is set ({set_date.isoformat()})",
            field="until_date",
        )
    label = FlagKind(kind).label
    already = FlagAlreadySet(f"kind: {label} is already set for this customer", field="kind")
    with transaction.atomic():
        _party_lock(party)
        _lapsed_flags_clear(party=party, kind=kind, before_date=set_date, at=at, by=set_by)
        if PartyFlag.objects.filter(party=party, kind=kind, cleared_at__isnull=True).exists():
            raise already
        try:
            with transaction.atomic():
                flag = PartyFlag.objects.create(
                    party=party,
                    kind=kind,
                    detail=detail_text,
                    set_date=set_date,
                    until_date=until,
                    set_at=at,
                    set_by=set_by,
                    note=note.strip(),
                )
        except IntegrityError as error:  # a concurrent writer set it first
            raise already from error
        audit_record(
            actor=set_by,
            action="party.flag_set",
            object_type="party",
            object_id=party.pk,
            at=at,
            after=_flag_summary(flag),
        )
    return flag


def _lapsed_flags_clear(*, party: Party, kind: str, before_date: date, at: datetime, by: User | None) -> None:
    """Record as cleared (the day after their until date) the flags of `kind` that ran out before a date."""
    lapsed = PartyFlag.objects.filter(
        party=party, kind=kind, cleared_at__isnull=True, until_date__lt=before_date
    )
    for flag in lapsed:
        assert flag.until_date is not None
        before = _flag_summary(flag)
        flag.cleared_date = flag.until_date + timedelta(days=1)
        flag.cleared_at = at
        flag.cleared_by = by
        flag.save(update_fields=["cleared_date", "cleared_at", "cleared_by"])
        audit_record(
            actor=by,
            action="party.flag_clear",
            object_type="party",
            object_id=party.pk,
            at=at,
            before=before,
            after=_flag_summary(flag),
        )


def party_flag_clear(
    *, flag: PartyFlag, cleared_date: date, at: datetime, cleared_by: User | None
) -> PartyFlag:
    """Clear an active flag from `cleared_date`; the flag stays on record with who cleared it and when.

    Raises FlagAlreadyCleared, InvalidFlag naming "cleared_date" when it is before the flag was set.
    """
    moment_check(at)
    with transaction.atomic():
        current = PartyFlag.objects.select_for_update().get(pk=flag.pk)
        if current.cleared_at is not None:
            raise FlagAlreadyCleared(
                f"flag: this {current.get_kind_display()} flag was already cleared on "
                f"{current.cleared_date.isoformat() if current.cleared_date else 'an unknown date'}",
                field="flag",
            )
        if cleared_date < current.set_date:
            raise InvalidFlag(
                f"cleared_date: {cleared_date.isoformat()} is before the flag was set "
                f"({current.set_date.isoformat()})",
                field="cleared_date",
            )
        before = _flag_summary(current)
        updated = PartyFlag.objects.filter(pk=current.pk, cleared_at__isnull=True).update(
            cleared_date=cleared_date, cleared_at=at, cleared_by=cleared_by
        )
        if updated != 1:
            raise FlagAlreadyCleared("flag: this flag was cleared by someone else just now", field="flag")
        current.refresh_from_db()
        audit_record(
            actor=cleared_by,
            action="party.flag_clear",
            object_type="party",
            object_id=current.party_id,
            at=at,
            before=before,
            after=_flag_summary(current),
        )
    return current
